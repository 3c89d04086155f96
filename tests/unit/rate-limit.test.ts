import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../app/lib/rate-limit";

describe("RateLimiter", () => {
  it("allows the limit per window, refuses beyond it, and starts over in the next window", () => {
    const rl = new RateLimiter({ limit: 3, windowMs: 1000 });
    expect([1, 2, 3, 4].map(() => rl.take("a", 10_000))).toEqual([true, true, true, false]);
    expect(rl.take("b", 10_500)).toBe(true); // keys are independent
    expect(rl.retryAfterSeconds("a", 10_500)).toBe(1);
    expect(rl.take("a", 10_999)).toBe(false);
    expect(rl.take("a", 11_000)).toBe(true);
  });

  it("stays bounded under a flood of distinct keys", () => {
    const rl = new RateLimiter({ limit: 1, windowMs: 60_000 }, 100);
    for (let i = 0; i < 1000; i++) rl.take(`k${i}`, 5_000);
    expect((rl as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
    expect(rl.take("k999", 5_000)).toBe(false); // the newest keys are kept
  });
});
