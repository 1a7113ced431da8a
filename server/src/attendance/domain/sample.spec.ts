import { newSeed, seededSample } from './sample.js';

interface Person {
  id: string;
  name: string;
}

const people: Person[] = Array.from({ length: 50 }, (_, i) => ({
  id: `u${String(i).padStart(3, '0')}`,
  name: `P${i}`,
}));
const byId = (p: Person) => p.id;
const ids = (ps: Person[]) => ps.map((p) => p.id);

/** A deterministic shuffle of a copy, so tests can present the population in another order. */
function reordered<T>(xs: readonly T[], step: number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (i * step + 7) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('newSeed', () => {
  it('is 16 hex characters and different every time', () => {
    const seeds = new Set(Array.from({ length: 100 }, () => newSeed()));
    expect(seeds.size).toBe(100);
    for (const s of seeds) expect(s).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('seededSample', () => {
  it('gives the same sample for the same seed whatever the input order', () => {
    const first = ids(seededSample(people, 10, 'audit-2024-05', byId));
    expect(first).toHaveLength(10);
    expect(ids(seededSample(people, 10, 'audit-2024-05', byId))).toEqual(first);
    expect(ids(seededSample([...people].reverse(), 10, 'audit-2024-05', byId))).toEqual(first);
    expect(ids(seededSample(reordered(people, 3), 10, 'audit-2024-05', byId))).toEqual(first);
    expect(ids(seededSample(reordered(people, 11), 10, 'audit-2024-05', byId))).toEqual(first);
  });

  it('does not depend on object identity, only on the keys', () => {
    const copies = people.map((p) => ({ ...p }));
    expect(ids(seededSample(copies, 5, 's', byId))).toEqual(ids(seededSample(people, 5, 's', byId)));
  });

  it('gives different samples for different seeds', () => {
    const samples = new Set<string>();
    for (let i = 0; i < 200; i++) samples.add(ids(seededSample(people, 5, `seed-${i}`, byId)).join(','));
    expect(samples.size).toBeGreaterThanOrEqual(199);
    expect(ids(seededSample(people, 5, 'a', byId))).not.toEqual(ids(seededSample(people, 5, 'b', byId)));
  });

  it('never picks anyone twice and never invents anyone', () => {
    for (let i = 0; i < 100; i++) {
      const sample = ids(seededSample(people, 20, newSeed(), byId));
      expect(new Set(sample).size).toBe(20);
      for (const id of sample) expect(people.some((p) => p.id === id)).toBe(true);
    }
  });

  it('picks each member about equally often', () => {
    const ten = people.slice(0, 10);
    const counts = new Map<string, number>(ten.map((p) => [p.id, 0]));
    for (let i = 0; i < 2000; i++) {
      const [pick] = seededSample(ten, 1, `draw-${i}`, byId);
      counts.set(pick!.id, counts.get(pick!.id)! + 1);
    }
    for (const count of counts.values()) {
      expect(count).toBeGreaterThanOrEqual(120);
      expect(count).toBeLessThanOrEqual(280);
    }
  });

  it('places members at every position about equally often', () => {
    const five = people.slice(0, 5);
    const firstOf = new Map<string, number>();
    const lastOf = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const all = ids(seededSample(five, 5, `order-${i}`, byId));
      firstOf.set(all[0]!, (firstOf.get(all[0]!) ?? 0) + 1);
      lastOf.set(all[4]!, (lastOf.get(all[4]!) ?? 0) + 1);
    }
    for (const m of [firstOf, lastOf]) {
      expect(m.size).toBe(5);
      for (const count of m.values()) {
        expect(count).toBeGreaterThanOrEqual(300);
        expect(count).toBeLessThanOrEqual(500);
      }
    }
  });

  it('returns everyone, shuffled, when n reaches the population size', () => {
    const all = ids(seededSample(people, 50, 'everyone', byId));
    expect([...all].sort()).toEqual(ids(people));
    expect(all).not.toEqual(ids(people));
    expect(ids(seededSample(people, 500, 'everyone', byId))).toEqual(all);
    expect(seededSample(people, Infinity, 'everyone', byId)).toHaveLength(50);
  });

  it('starts the full shuffle with the same members as a smaller sample', () => {
    const all = ids(seededSample(people, 50, 'prefix', byId));
    expect(ids(seededSample(people, 7, 'prefix', byId))).toEqual(all.slice(0, 7));
  });

  it('returns nothing for an empty population or a non-positive n, and floors fractions', () => {
    expect(seededSample([], 5, 'x', byId)).toEqual([]);
    expect(seededSample(people, 0, 'x', byId)).toEqual([]);
    expect(seededSample(people, -3, 'x', byId)).toEqual([]);
    expect(seededSample(people, Number.NaN, 'x', byId)).toEqual([]);
    expect(seededSample(people, 2.9, 'x', byId)).toHaveLength(2);
  });

  it('leaves the population untouched', () => {
    const input = reordered(people, 5);
    const before = ids(input);
    seededSample(input, 10, 'x', byId);
    expect(ids(input)).toEqual(before);
  });

  it('works with any key, e.g. strings themselves', () => {
    const names = ['丙', 'b', 'a', '甲', 'C'];
    const s = seededSample(names, 3, 'k', (x) => x);
    expect(seededSample([...names].reverse(), 3, 'k', (x) => x)).toEqual(s);
    expect(new Set(s).size).toBe(3);
  });
});
