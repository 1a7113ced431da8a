import { createHash, randomBytes } from 'node:crypto';

/** A fresh random seed: 16 hex characters (64 bits). */
export function newSeed(): string {
  return randomBytes(8).toString('hex');
}

/** A uniform float in [0, 1) from the sfc32 generator, whose 128-bit state is derived from sha256(seed). */
function seededRandom(seed: string): () => number {
  const digest = createHash('sha256').update(seed, 'utf8').digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Discard the first outputs so the state is well mixed.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Picks min(n, length) members reproducibly: the same seed and population (in any order) give the same sample. */
export function seededSample<T>(population: readonly T[], n: number, seed: string, key: (t: T) => string): T[] {
  const keyed = population.map((item) => ({ item, key: key(item) }));
  // Plain code-unit comparison, so the order does not depend on the locale or the input order.
  keyed.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const items = keyed.map((k) => k.item);
  const take = Math.min(items.length, Math.max(0, Number.isNaN(n) ? 0 : Math.floor(n)));
  const random = seededRandom(seed);
  // Partial Fisher–Yates: position i receives a uniform pick from the members not yet placed.
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (items.length - i));
    const swap = items[i];
    items[i] = items[j];
    items[j] = swap;
  }
  return items.slice(0, take);
}
