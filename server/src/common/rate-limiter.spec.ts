import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('spaces starts evenly per key and keeps keys apart', async () => {
    const limiter = new RateLimiter();
    const starts: Record<string, number[]> = { a: [], b: [] };
    const t0 = Date.now();
    await Promise.all([
      ...Array.from({ length: 5 }, () => limiter.take('a', 20).then(() => starts.a.push(Date.now() - t0))),
      ...Array.from({ length: 2 }, () => limiter.take('b', 20).then(() => starts.b.push(Date.now() - t0))),
    ]);
    // 5 starts at 20/s take at least 4 gaps of 50 ms; key b is not held up by key a
    expect(Math.max(...starts.a)).toBeGreaterThanOrEqual(195);
    expect(Math.max(...starts.b)).toBeLessThan(150);
  });

  it('never starts more than the rate within one clock second', async () => {
    const limiter = new RateLimiter();
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 8 }, () => limiter.take('k', 5).then(() => starts.push(Date.now()))));
    starts.sort((x, y) => x - y);
    for (let i = 5; i < starts.length; i++) expect(starts[i] - starts[i - 5]).toBeGreaterThanOrEqual(1000);
  });
});
