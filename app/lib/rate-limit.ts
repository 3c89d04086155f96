// Fixed-window request limits kept in memory per process (a bound on abuse, not an exact quota: with N instances
// the effective limit is up to N times higher). Time is a parameter, so tests never wait.

export interface RateLimitRule {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly rule: RateLimitRule,
    private readonly maxKeys = 50_000,
  ) {}

  /** Counts one request for key; false when the key is over its limit in the current window. */
  take(key: string, now: number): boolean {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.rule.windowMs || now < w.start) {
      if (!w && this.windows.size >= this.maxKeys) this.evict(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    return w.count <= this.rule.limit;
  }

  /** Seconds until key's window ends (for Retry-After). */
  retryAfterSeconds(key: string, now: number): number {
    const w = this.windows.get(key);
    return w ? Math.max(1, Math.ceil((w.start + this.rule.windowMs - now) / 1000)) : 1;
  }

  private evict(now: number) {
    for (const [k, w] of this.windows) if (now - w.start >= this.rule.windowMs) this.windows.delete(k);
    // Still full (a flood of distinct keys): drop the oldest half rather than grow without bound.
    if (this.windows.size >= this.maxKeys) {
      let drop = Math.floor(this.windows.size / 2);
      for (const k of this.windows.keys()) {
        if (drop-- <= 0) break;
        this.windows.delete(k);
      }
    }
  }
}
