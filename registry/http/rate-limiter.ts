/**
 * RateLimiter is a token bucket per key (an IP, a device): `ratePerS` tokens a second, up to `burst`.
 * Buckets idle long enough to be full again are forgotten, so memory follows active clients only.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** take spends one token for key; false means "slow down". A rate of 0 turns the limit off. */
  take(key: string): boolean {
    if (this.ratePerS <= 0) return true;
    const now = this.now();
    this.sweep(now);
    const b = this.buckets.get(key);
    if (!b) {
      this.buckets.set(key, { tokens: this.burst - 1, at: now });
      return true;
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerS);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** retryAfterS is how long until key has a token again. */
  retryAfterS(key: string): number {
    const b = this.buckets.get(key);
    return b ? Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerS)) : 1;
  }

  private sweep(now: number): void {
    const refill = (this.burst / this.ratePerS) * 1000;
    if (now - this.lastSweep < refill || this.buckets.size < 10_000) return;
    this.lastSweep = now;
    for (const [k, b] of this.buckets) if (now - b.at > refill) this.buckets.delete(k);
  }
}
