/**
 * Paces calls per key (a channel) at a given rate on this server instance: each caller waits for
 * its slot. Providers throttle per account, so each instance keeps well inside the configured rate.
 */
export class RateLimiter {
  private readonly next = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, perSecond: number): Promise<void> {
    if (!(perSecond > 0)) return;
    const gap = 1000 / perSecond;
    const t = this.now();
    const slot = Math.max(t, this.next.get(key) ?? 0);
    this.next.set(key, slot + gap);
    if (slot > t) await new Promise((r) => setTimeout(r, slot - t));
  }
}
