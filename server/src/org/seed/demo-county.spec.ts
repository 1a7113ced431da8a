import { createHash } from 'node:crypto';
import { buildDemoCounty, BUREAUS, ROOT_KEY, SIGN_IN_PHONES } from './demo-county.js';
import { mulberry32 } from './demo-names.js';

describe('buildDemoCounty', () => {
  const county = buildDemoCounty();

  it('is a pure function of the seed', () => {
    const digest = (seed?: number) => createHash('sha256').update(JSON.stringify(buildDemoCounty(seed))).digest('hex');
    expect(digest()).toBe(digest());
    expect(digest(7)).not.toBe(digest());
    // mulberry32's first outputs for seed 1 are fixed by its definition: a changed PRNG would silently change the county.
    const rand = mulberry32(1);
    expect([rand(), rand()].map((x) => x.toFixed(6))).toEqual(['0.627074', '0.002736']);
  });

  it('gives every unit one head and a parent that exists before it', () => {
    const seen = new Set([ROOT_KEY]);
    for (const u of county.units) {
      expect(seen.has(u.parentKey)).toBe(true);
      seen.add(u.key);
    }
    const heads = new Map<string, number>();
    for (const m of county.members) for (const ms of m.memberships) if (ms.isHead) heads.set(ms.unitKey, (heads.get(ms.unitKey) ?? 0) + 1);
    for (const key of [ROOT_KEY, ...county.units.map((u) => u.key)]) expect([key, heads.get(key)]).toEqual([key, 1]);
  });

  it('generates real-looking members: unique 100-prefixed phones, 2–3 character names, at most one primary unit', () => {
    const phones = county.members.map((m) => m.phone);
    expect(new Set(phones).size).toBe(phones.length);
    for (const p of phones) expect(p).toMatch(/^100\d{8}$/);
    for (const m of county.members) {
      expect([...m.name].length).toBeGreaterThanOrEqual(2);
      expect([...m.name].length).toBeLessThanOrEqual(3);
      expect(m.memberships.filter((x) => x.isPrimary).length).toBe(m.grants.some((g) => g.role === 'helper') ? 0 : 1);
      if (m.supervisor !== null) expect(county.members[m.supervisor]).toBeDefined();
    }
    // 王, 李, 张 lead, as in any Chinese staff list.
    const bySurname = new Map<string, number>();
    for (const m of county.members) bySurname.set(m.name[0], (bySurname.get(m.name[0]) ?? 0) + 1);
    const top = [...bySurname].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([s]) => s);
    expect(top.sort()).toEqual(['张', '李', '王'].sort());
  });

  it('documents one sign-in per role, with the fixed phones', () => {
    expect(county.signIns.map((s) => [s.role, s.phone])).toEqual(Object.entries(SIGN_IN_PHONES));
    expect(county.units.filter((u) => u.kind === 'bureau').map((u) => u.name)).toEqual(BUREAUS.map((b) => b.name));
  });
});
