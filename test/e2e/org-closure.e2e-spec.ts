import { DataSource } from 'typeorm';
import { OrgTree } from '../../server/src/org/org-tree.repository';
import { ADMIN, useTestApp } from '../support/test-app';

/**
 * Property: whatever sequence of creates, moves (valid or cyclic) and deletes (empty or not) the API
 * receives, unit_closure equals the closure a recursive CTE computes from parent_id, after every step.
 */
const ctx = useTestApp('org-closure');

/** mulberry32: a small seeded generator, so a failing sequence can be replayed from its seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

it.each([20261123, 7, 99991])('closure stays exact under random create/move/delete (seed %i)', async (seed) => {
  const random = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const ds = ctx.created.app.get(DataSource);
  const { accessToken } = await ctx.login(ADMIN.phone, ADMIN.password);
  const auth = { Authorization: `Bearer ${accessToken}` };
  const [{ id: rootId }] = await ds.query<{ id: string }[]>(`SELECT id FROM unit WHERE parent_id IS NULL`);
  const units = async () => (await ds.query<{ id: string; parent_id: string | null }[]>(`SELECT id, parent_id FROM unit`));
  const outcomes: Record<string, number> = {};
  for (let step = 0; step < 120; step++) {
    const all = await units();
    const nonRoot = all.filter((u) => u.parent_id !== null);
    const roll = random();
    let res;
    let op: 'create' | 'move' | 'delete';
    if (roll < 0.45 || nonRoot.length < 3) {
      op = 'create';
      res = await ctx.http().post('/api/org/units').set(auth).send({ parentId: pick(all).id, name: `单位${seed}-${step}`, kind: 'office' });
    } else if (roll < 0.85) {
      op = 'move';
      res = await ctx.http().patch(`/api/org/units/${pick(nonRoot).id}`).set(auth).send({ parentId: pick(all).id });
    } else {
      op = 'delete';
      res = await ctx.http().delete(`/api/org/units/${pick(nonRoot).id}`).set(auth);
    }
    outcomes[`${op} ${res.status}`] = (outcomes[`${op} ${res.status}`] ?? 0) + 1;
    expect([200, 201, 204, 409]).toContain(res.status);
    expect(await OrgTree.closureDrift(ds)).toBe(0);
  }
  // The sequence really exercised moves, refused cycles and both kinds of delete.
  expect(outcomes['move 200']).toBeGreaterThan(10);
  expect(outcomes['move 409']).toBeGreaterThan(0);
  expect(outcomes['delete 204']).toBeGreaterThan(0);
  expect(outcomes['delete 409']).toBeGreaterThan(0);
  const [{ n }] = await ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM unit WHERE parent_id IS NULL`);
  expect({ roots: n, rootId }).toEqual({ roots: 1, rootId });
});
