import { Role } from '@lianxin/shared';
import { DataSource } from 'typeorm';
import { DEMO_PASSWORD, SIGN_IN_PHONES } from '../../server/src/org/seed/demo-county';
import { useTestApp } from '../support/test-app';

/**
 * The acceptance case on the demo county: the county leader broadcasts to the root with every
 * sub-unit; exactly the active members in scope get one receipt each; after many people read and
 * confirm at once, every counter equals a recount.
 */
const ctx = useTestApp('notices-demo', { DEMO_SEED: 'true', LOGIN_THROTTLE_LIMIT: '10000' });

it('reaches every active member of the county once, and the counts equal a recount after concurrent reads and confirms', async () => {
  const ds = ctx.created.app.get(DataSource);
  const leader = await ctx.login(SIGN_IN_PHONES[Role.Leader], DEMO_PASSWORD);
  const [{ id: rootId }] = await ds.query<{ id: string }[]>(`SELECT id FROM unit WHERE parent_id IS NULL`);
  const sent = await ctx
    .http()
    .post('/api/notices')
    .set('authorization', `Bearer ${leader.accessToken}`)
    .send({ kind: 'meeting', title: '全县脱贫攻坚推进会', body: '请各单位主要负责人参加。', startsAt: '2026-11-30T09:00:00+08:00', place: '县政府三楼会议室', requireConfirm: true, audience: { units: [{ unitId: rootId, includeSubUnits: true }] } });
  expect(sent.status).toBe(201);
  const expected = await ds.query<{ id: string }[]>(
    `SELECT DISTINCT ms.member_id AS id FROM unit_closure c JOIN membership ms ON ms.unit_id = c.descendant_id
       JOIN member m ON m.id = ms.member_id AND m.status = 'active' WHERE c.ancestor_id = $1 AND m.id <> $2`,
    [rootId, leader.member.id],
  );
  expect(expected.length).toBeGreaterThan(2500);
  expect(sent.body.recipientCount).toBe(expected.length);
  const got = await ds.query<{ member_id: string }[]>(`SELECT member_id FROM notice_receipt WHERE notice_id = $1`, [sent.body.id]);
  expect(new Set(got.map((r) => r.member_id))).toEqual(new Set(expected.map((r) => r.id)));
  expect(got).toHaveLength(expected.length);

  // 60 demo members get the demo password; they read, some twice, some confirm, while the leader watches the stats.
  const [{ password_hash: hash }] = await ds.query(`SELECT password_hash FROM member WHERE phone = $1`, [SIGN_IN_PHONES[Role.Leader]]);
  const readers = await ds.query<{ phone: string }[]>(
    `WITH u AS (UPDATE member SET password_hash = $2
                  WHERE id IN (SELECT member_id FROM notice_receipt WHERE notice_id = $1 ORDER BY member_id LIMIT 60) RETURNING phone)
     SELECT phone FROM u`,
    [sent.body.id, hash],
  );
  const tokens = await Promise.all(readers.map((r) => ctx.login(r.phone, DEMO_PASSWORD).then((s) => s.accessToken)));
  const as = (t: string) => ({ authorization: `Bearer ${t}` });
  await Promise.all(
    tokens.flatMap((t, i) => [
      ctx.http().post(`/api/notices/${sent.body.id}/read`).set(as(t)),
      i % 2 ? ctx.http().post(`/api/notices/${sent.body.id}/read`).set(as(t)) : Promise.resolve(),
      i % 3 === 0 ? ctx.http().post(`/api/notices/${sent.body.id}/confirm`).set(as(t)).send(i % 2 ? { status: 'attend' } : { status: 'leave', reason: '下乡' }) : Promise.resolve(),
      ctx.http().get(`/api/notices/${sent.body.id}/stats`).set(as(leader.accessToken)),
    ]),
  );
  const [recount] = await ds.query(
    `SELECT count(*)::int AS total, count(read_at)::int AS read, count(*) FILTER (WHERE confirm_status = 'attend')::int AS confirmed,
            count(*) FILTER (WHERE confirm_status = 'leave')::int AS leave FROM notice_receipt WHERE notice_id = $1`,
    [sent.body.id],
  );
  const stats = await ctx.http().get(`/api/notices/${sent.body.id}/stats`).set(as(leader.accessToken));
  expect({ total: stats.body.total, read: stats.body.read, confirmed: stats.body.confirmed, leave: stats.body.onLeave }).toEqual(recount);
  expect(recount.read).toBe(60);
  // per town: the rows one level below the county add up to the total
  expect(stats.body.units.reduce((n: number, u: { total: number }) => n + u.total, 0)).toBe(stats.body.total);
  expect(stats.body.units.filter((u: { unit: { kind: string } }) => u.unit.kind === 'town')).toHaveLength(17);
}, 180_000); // a county-wide broadcast and 3,000 concurrent reads: minutes on a loaded 2-core machine
