/**
 * Paces calls per key (a provider API, a delivery channel) on this server instance: starts are
 * spaced evenly, `perSecond` a second, and never more than that within any second by the clock.
 * Even spacing keeps latency jitter from squeezing a burst together on the provider's side; the
 * window check holds when a busy event loop wakes several spaced timers at once.
 */
export class RateLimiter {
  private readonly next = new Map<string, number>();
  private readonly started = new Map<string, number[]>();

  async take(key: string, perSecond: number): Promise<void> {
    if (!(perSecond > 0)) return;
    const now = Date.now();
    const at = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, at + 1000 / perSecond);
    if (at > now) await sleep(at - now);
    const window = this.started.get(key) ?? [];
    this.started.set(key, window);
    const capacity = Math.max(1, Math.floor(perSecond));
    for (;;) {
      const t = Date.now();
      while (window.length && t - window[0] >= 1000) window.shift();
      if (window.length < capacity) break;
      await sleep(1000 - (t - window[0]) + 1);
    }
    window.push(Date.now());
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
