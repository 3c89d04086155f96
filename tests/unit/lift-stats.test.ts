// Holdout assignment and the lift statistics, checked against values computed independently of app/lib/lift-stats.ts
// and written here as literals with their source:
// - "Python" means Python 3.11 on the build machine: hashlib for the hash; scipy 1.17.1 (scipy.stats.norm.ppf, the
//   Cephes ndtri, a different algorithm from our AS 241) for normal quantiles; the Wilson interval from its formula
//   (2np + z^2 +- z sqrt(z^2 + 4npq)) / (2(n + z^2)) and Newcombe's method 10 in the paper's other, equivalent form
//   D - z sqrt(l1(1-l1)/n1 + u2(1-u2)/n2), D + z sqrt(u1(1-u1)/n1 + l2(1-l2)/n2) (ours uses the sqrt-of-squares
//   form); Welch's difference from the raw per-checkout lists with statistics.variance, not from sums of squares.
// - "Published" means Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10, four decimals, as
//   reproduced in the WUSS 2016 paper 127 (lexjansen.com/wuss/2016/127_Final_Paper_PDF.pdf, p. 9), which also gives
//   the 84/101 vs 89/105 HIV-trial example. We read them there, not in Newcombe's paper itself. The Python values
//   agree with every one of them to four decimals.
import { describe, expect, it } from "vitest";
import { HOLDOUT_MAX_PERCENT, contactInHoldout, holdoutShare, inHoldout } from "../../app/lib/holdout.server";
import {
  LIFT_MAX_INTERVAL_WIDTH,
  LIFT_MIN_CHECKOUTS_PER_GROUP,
  incrementalRevenue,
  normalQuantile,
  recoveryLift,
  wilsonInterval,
} from "../../app/lib/lift-stats";

const SHOP = "demo-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const KEYS = Array.from({ length: 20_000 }, (_, i) => `email:shopper${i}@example.com`);

/** |actual - expected| within tol relative to max(1, |expected|). */
function near(actual: number | null | undefined, expected: number, tol = 1e-12): void {
  expect(actual).not.toBeNull();
  expect(actual).not.toBeUndefined();
  const a = actual as number;
  expect(Math.abs(a - expected), `${a} vs ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

function count(shop: string, percent: number): number {
  return KEYS.filter((k) => inHoldout(shop, k, percent)).length;
}

describe("holdout assignment", () => {
  it("hashes shop and key to the share Python computes", () => {
    // Python: int.from_bytes(hashlib.sha256(f"{shop}\n{key}".encode()).digest()[:6], "big") / 2**48
    expect(holdoutShare(SHOP, "email:ada@example.com")).toBe(0.279299132621329);
    expect(holdoutShare(SHOP, "phone:+14155550123")).toBe(0.8873230213265693);
    expect(holdoutShare(OTHER, "email:ada@example.com")).toBe(0.5524773677365715);
    expect(holdoutShare("", "")).toBe(0.006748622698108164);
  });

  it("is stable across calls and always in [0, 1)", () => {
    const first = KEYS.slice(0, 500).map((k) => holdoutShare(SHOP, k));
    const again = KEYS.slice(0, 500).map((k) => holdoutShare(SHOP, k));
    expect(again).toEqual(first);
    for (const s of first) {
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(1);
    }
    expect(inHoldout(SHOP, "email:ada@example.com", 28)).toBe(true); // share 0.2793
    expect(inHoldout(SHOP, "email:ada@example.com", 27)).toBe(false);
  });

  it("holds out about percent of 20,000 shoppers (within 1 point), exactly the counts Python gets", () => {
    // Python counts of share * 100 < pct over the same 20,000 keys, in SHOP and in OTHER.
    const expected: Array<[number, number, number]> = [
      [1, 199, 184],
      [5, 978, 938],
      [10, 1982, 1961],
      [20, 3990, 3895],
      [33, 6520, 6418],
      [50, 9963, 9983],
    ];
    for (const [pct, inShop, inOther] of expected) {
      const a = count(SHOP, pct);
      const b = count(OTHER, pct);
      expect([pct, a, b]).toEqual([pct, inShop, inOther]);
      expect(Math.abs((a / KEYS.length) * 100 - pct)).toBeLessThanOrEqual(1);
      expect(Math.abs((b / KEYS.length) * 100 - pct)).toBeLessThanOrEqual(1);
    }
  });

  it("0 holds nobody out; 50 holds out about half", () => {
    expect(count(SHOP, 0)).toBe(0);
    expect(count(OTHER, 0)).toBe(0);
    expect(Math.abs(count(SHOP, 50) / KEYS.length - 0.5)).toBeLessThan(0.01);
    expect(HOLDOUT_MAX_PERCENT).toBe(50);
  });

  it("assigns independently in different shops", () => {
    // At 20% in both shops, independent assignment puts 20% x 20% = 4% of shoppers in both holdouts (Python: 812).
    const both = KEYS.filter((k) => inHoldout(SHOP, k, 20) && inHoldout(OTHER, k, 20)).length;
    expect(both).toBe(812);
    expect(Math.abs((both / KEYS.length) * 100 - 4)).toBeLessThanOrEqual(1);
    // And the shares themselves are uncorrelated.
    const xs = KEYS.map((k) => holdoutShare(SHOP, k));
    const ys = KEYS.map((k) => holdoutShare(OTHER, k));
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const mx = mean(xs);
    const my = mean(ys);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < xs.length; i++) {
      sxy += (xs[i] - mx) * (ys[i] - my);
      sxx += (xs[i] - mx) ** 2;
      syy += (ys[i] - my) ** 2;
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(0.03);
  });

  it("refuses a percent outside 0..50", () => {
    expect(() => inHoldout(SHOP, "email:a@b.co", -1)).toThrow(RangeError);
    expect(() => inHoldout(SHOP, "email:a@b.co", 51)).toThrow(RangeError);
    expect(() => inHoldout(SHOP, "email:a@b.co", Number.NaN)).toThrow(RangeError);
    expect(inHoldout(SHOP, "email:a@b.co", 50)).toBeTypeOf("boolean");
  });

  it("keys raw addresses the way checkouts store them (customerKeyOf in app/lib/contact)", () => {
    expect(contactInHoldout(SHOP, "  ADA@Example.com ", null, 28)).toBe(true);
    expect(contactInHoldout(SHOP, "  ADA@Example.com ", "+1 415 555 0123", 27)).toBe(false); // email wins
    expect(contactInHoldout(SHOP, null, "+1 (415) 555-0123", 50)).toBe(false); // "phone:+14155550123", share 0.8873
    for (const email of KEYS.slice(0, 200).map((k) => k.slice("email:".length).toUpperCase())) {
      expect(contactInHoldout(SHOP, email, null, 20)).toBe(inHoldout(SHOP, `email:${email.toLowerCase()}`, 20));
    }
    expect(contactInHoldout(SHOP, "not an address", null, 50)).toBeNull();
    expect(contactInHoldout(SHOP, null, null, 50)).toBeNull();
  });
});

describe("normalQuantile", () => {
  it("matches scipy.stats.norm.ppf to 1e-12 (relative) across the range", () => {
    // Python: float(scipy.stats.norm.ppf(p))
    const cases: Array<[number, number]> = [
      [0.5, 0],
      [0.975, 1.959963984540054],
      [0.95, 1.6448536269514722],
      [0.995, 2.5758293035489004],
      [0.9, 1.2815515655446004],
      [0.8, 0.8416212335729143],
      [0.7, 0.5244005127080407],
      [0.3, -0.5244005127080409],
      [0.025, -1.9599639845400545],
      [0.02425, -1.972961051311885],
      [0.01, -2.3263478740408408],
      [0.001, -3.090232306167813],
      [1e-6, -4.753424308822899],
      [0.999999, 4.753424308817087],
      [1e-10, -6.361340902404056],
      [1 - 1e-12, 7.0344869100478356],
      [1e-300, -37.0470962993612],
    ];
    for (const [p, z] of cases) near(normalQuantile(p), z);
  });

  it("is antisymmetric, infinite at 0 and 1, and refuses non-probabilities", () => {
    for (const p of [0.001, 0.1, 0.3, 0.45]) expect(normalQuantile(p)).toBeCloseTo(-normalQuantile(1 - p), 12);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(-0.1)).toThrow(RangeError);
    expect(() => normalQuantile(1.1)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});

describe("wilsonInterval", () => {
  it("matches the Wilson formula in Python", () => {
    const a = wilsonInterval(56, 70);
    near(a?.[0], 0.6918335550374693);
    near(a?.[1], 0.8769526075163705);
    const b = wilsonInterval(48, 80);
    near(b?.[0], 0.4904546500516039);
    near(b?.[1], 0.7003817240412906);
  });

  it("ends exactly at 0 and 1 at the extremes, and is null for no checkouts", () => {
    const none = wilsonInterval(0, 10);
    expect(none?.[0]).toBe(0);
    near(none?.[1], 0.2775327998628892);
    const all = wilsonInterval(10, 10);
    near(all?.[0], 0.7224672001371107);
    expect(all?.[1]).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
  });
});

function lift(x1: number, n1: number, x2: number, n2: number, confidence?: number) {
  return recoveryLift({ treated: { n: n1, recovered: x1 }, control: { n: n2, recovered: x2 } }, confidence);
}

describe("recoveryLift: Newcombe's hybrid score interval", () => {
  it("reproduces Newcombe's published examples (four decimals)", () => {
    // Published: [x1, n1, x2, n2, lower, upper].
    const published: Array<[number, number, number, number, number, number]> = [
      [56, 70, 48, 80, 0.0524, 0.3339],
      [9, 10, 3, 10, 0.1705, 0.809],
      [10, 10, 0, 20, 0.6791, 1],
      [84, 101, 89, 105, -0.1177, 0.0851],
    ];
    for (const [x1, n1, x2, n2, lo, hi] of published) {
      const r = lift(x1, n1, x2, n2);
      expect(r.interval?.[0]).toBeCloseTo(lo, 4);
      expect(r.interval?.[1]).toBeCloseTo(hi, 4);
    }
    // Example (a) of the paper: 56/70 = 0.8 against 48/80 = 0.6, a difference of 0.2.
    const a = lift(56, 70, 48, 80);
    near(a.treatedRate, 0.8);
    near(a.controlRate, 0.6);
    near(a.difference, 0.2);
  });

  it("matches the Python implementation to 1e-12", () => {
    // Python: [x1, n1, x2, n2, difference, lower, upper] at 95%.
    const python: Array<[number, number, number, number, number, number, number]> = [
      [56, 70, 48, 80, 0.2, 0.052431472402365, 0.333872654036906],
      [9, 10, 3, 10, 0.6, 0.170522723934503, 0.809017973535488],
      [6, 7, 2, 7, 0.571428571428571, 0.0582279274823122, 0.806249637524228],
      [5, 56, 0, 29, 0.0892857142857143, -0.0381371479035369, 0.192560013855112],
      [0, 10, 0, 20, 0, -0.161125158052819, 0.277532799862889],
      [0, 10, 0, 10, 0, -0.277532799862889, 0.277532799862889],
      [10, 10, 0, 20, 1, 0.679086037141915, 1],
      [10, 10, 0, 10, 1, 0.607509350430524, 1],
      [84, 101, 89, 105, -0.015935879302216, -0.117749649785194, 0.0850713518157428],
      [0, 200, 10, 200, -0.05, -0.089578148138776, -0.0205603830479005],
      [200, 200, 150, 200, 0.25, 0.19193823813903, 0.314340983120458],
      [3, 20, 1, 10, 0.05, -0.269435596916533, 0.275876990891934],
      [120, 1000, 100, 1000, 0.02, -0.00749216751521105, 0.0475506674563391],
      [480, 4000, 400, 4000, 0.02, 0.00628790196904677, 0.0337271053607537],
      [12, 100, 10, 100, 0.02, -0.069614983173996, 0.110040657003458],
    ];
    for (const [x1, n1, x2, n2, d, lo, hi] of python) {
      const r = lift(x1, n1, x2, n2);
      near(r.difference, d);
      near(r.interval?.[0], lo);
      near(r.interval?.[1], hi);
    }
  });

  it("uses the confidence asked for and says so", () => {
    expect(lift(56, 70, 48, 80).method).toBe("Difference of two proportions, Newcombe hybrid score interval, 95%");
    const ninety = lift(56, 70, 48, 80, 0.9);
    expect(ninety.method).toBe("Difference of two proportions, Newcombe hybrid score interval, 90%");
    near(ninety.interval?.[0], 0.07656419154407204); // Python, 90%
    near(ninety.interval?.[1], 0.31364458358294384);
    const ninetyNine = lift(56, 70, 48, 80, 0.99);
    expect(ninetyNine.method).toBe("Difference of two proportions, Newcombe hybrid score interval, 99%");
    near(ninetyNine.interval?.[0], 0.005370869250078458); // Python, 99%
    near(ninetyNine.interval?.[1], 0.3718084317757736);
    expect(lift(1, 2, 1, 2, 0.999).method).toMatch(/, 99\.9%$/);
    expect(() => lift(1, 2, 1, 2, 1)).toThrow(RangeError);
    expect(() => lift(1, 2, 1, 2, 0)).toThrow(RangeError);
  });

  it("handles zero recoveries and all recovered in one group", () => {
    const none = lift(0, 200, 10, 200);
    expect(none.treatedRate).toBe(0);
    expect(none.interval?.[0]).toBeGreaterThanOrEqual(-1);
    expect(none.interval?.[1]).toBeLessThan(0);
    expect(none.enoughData).toBe(true); // width 0.069, both groups 200
    expect(none.neededPerGroup).toBeNull();

    const all = lift(200, 200, 150, 200);
    expect(all.treatedRate).toBe(1);
    expect(all.interval?.[1]).toBeLessThanOrEqual(1);
    expect(all.enoughData).toBe(false); // width 0.122 > 0.10
    expect(all.neededPerGroup).toBe(337); // Python: ceil(2 z^2 p(1-p) / 0.05^2), pooled p = 350/400 -> 336.13

    const everything = lift(10, 10, 0, 10);
    expect(everything.interval?.[1]).toBe(1);
    const nothing = lift(0, 10, 0, 10);
    expect(nothing.difference).toBe(0);
  });

  it("has no interval when a group is empty, and then asks for the p = 0.5 sample size or the pooled one", () => {
    const empty = lift(0, 0, 0, 0);
    expect(empty).toEqual({
      treatedRate: null,
      controlRate: null,
      difference: null,
      interval: null,
      method: "Difference of two proportions, Newcombe hybrid score interval, 95%",
      enoughData: false,
      neededPerGroup: 769, // Python: 2 * 1.959963984540054^2 * 0.25 / 0.05^2 = 768.29
    });
    const noControl = lift(5, 40, 0, 0);
    expect(noControl.treatedRate).toBe(0.125);
    expect(noControl.controlRate).toBeNull();
    expect(noControl.interval).toBeNull();
    expect(noControl.enoughData).toBe(false);
    expect(noControl.neededPerGroup).toBe(337); // pooled p = 5/40 = 0.125 -> 336.13
    expect(lift(0, 0, 0, 0, 0.99).neededPerGroup).toBe(1327); // Python: z = 2.5758..., 1326.98
  });

  it("says tiny groups are not enough data, whatever the interval", () => {
    expect(LIFT_MIN_CHECKOUTS_PER_GROUP).toBe(30);
    expect(LIFT_MAX_INTERVAL_WIDTH).toBe(0.1);
    const tiny = lift(3, 20, 1, 10);
    expect(tiny.enoughData).toBe(false);
    expect(tiny.neededPerGroup).toBe(356); // Python: pooled p = 4/30 -> 355.12
    // Below the minimum group size even when the interval would be narrow enough: never fewer than 30 asked for.
    const none = lift(0, 29, 0, 1000);
    expect(none.enoughData).toBe(false);
    expect(none.neededPerGroup).toBe(30); // p = 0 makes the formula 0; the floor is the minimum group size
  });

  it("uses the width threshold: 0.055 wide is enough, 0.18 wide is not", () => {
    const enough = lift(120, 1000, 100, 1000);
    expect(enough.enoughData).toBe(true);
    expect(enough.neededPerGroup).toBeNull();
    const notEnough = lift(12, 100, 10, 100);
    expect(notEnough.enoughData).toBe(false);
    expect(notEnough.neededPerGroup).toBe(301); // Python: pooled p = 22/200 = 0.11 -> 300.86
  });

  it("narrows as data grow at the same rates", () => {
    let previous = Infinity;
    for (const n of [50, 100, 200, 400, 800, 1600, 3200, 6400]) {
      const r = lift(Math.round(n * 0.12), n, Math.round(n * 0.1), n);
      const [lo, hi] = r.interval ?? [Number.NaN, Number.NaN];
      expect(hi - lo).toBeLessThan(previous);
      expect(lo).toBeLessThanOrEqual(r.difference as number);
      expect(hi).toBeGreaterThanOrEqual(r.difference as number);
      previous = hi - lo;
    }
    // Adding checkouts to one group only narrows it too.
    let last = Infinity;
    for (const n2 of [30, 60, 120, 240, 480]) {
      const r = lift(120, 1000, Math.round(n2 * 0.1), n2);
      const width = (r.interval as [number, number])[1] - (r.interval as [number, number])[0];
      expect(width).toBeLessThan(last);
      last = width;
    }
  });

  it("refuses impossible counts", () => {
    expect(() => lift(5, 4, 0, 10)).toThrow(RangeError);
    expect(() => lift(-1, 4, 0, 10)).toThrow(RangeError);
    expect(() => lift(1, 4.5, 0, 10)).toThrow(RangeError);
    expect(() => lift(1, 4, 0, Number.NaN)).toThrow(RangeError);
  });
});

/** The sums a database query would return for per-checkout revenues in minor units. */
function sums(revenuesMinor: number[]) {
  return {
    n: revenuesMinor.length,
    sumMinor: revenuesMinor.reduce((s, x) => s + x, 0),
    sumSquaresMajor: revenuesMinor.reduce((s, x) => s + (x / 100) ** 2, 0),
  };
}

describe("incrementalRevenue: Welch difference of mean revenue per checkout", () => {
  it("matches Python on a small example", () => {
    const treated = sums([0, 0, 4599, 0, 12000, 0, 0, 2550, 0, 0]);
    const control = sums([0, 0, 0, 3999, 0, 0, 0, 0]);
    expect(treated.sumMinor).toBe(19149);
    near(treated.sumSquaresMajor, 17165.3301); // Python: sum((x / 100) ** 2)
    near(control.sumSquaresMajor, 1599.2001);
    // Python: means 1914.9 and 499.875, difference 1415.025, interval [-1177.5466, 4007.5966], x 10 checkouts.
    expect(incrementalRevenue({ treated, control })).toEqual({
      treatedPerCheckoutMinor: 1915,
      controlPerCheckoutMinor: 500,
      differencePerCheckoutMinor: 1415,
      differenceInterval: [-1178, 4008],
      incrementalMinor: 14150,
      incrementalInterval: [-11775, 40076],
      method: "Difference of mean revenue per checkout, Welch unpooled standard error, normal approximation, 95%",
    });
  });

  it("matches Python on 3,000 vs 1,500 checkouts, at 95% and 90%, and with amounts 1,000 times larger", () => {
    // Checkout i recovered when i % 7 == 0 (treated) or i % 9 == 0 (control), for 1000 + (i * 37 % 5000) minor units.
    const revenue = (every: number, count: number, scale: number) =>
      Array.from({ length: count }, (_, i) => (i % every === 0 ? (1000 + ((i * 37) % 5000)) * scale : 0));
    const treated = sums(revenue(7, 3000, 1));
    const control = sums(revenue(9, 1500, 1));
    expect([treated.sumMinor, control.sumMinor]).toEqual([1491754, 602713]); // Python
    near(treated.sumSquaresMajor, 609050.5034, 1e-11);
    near(control.sumSquaresMajor, 252919.5619, 1e-11);
    // Python: means 497.2513 and 401.8087, difference 95.4427, interval [16.7596, 174.1257]; x 3000:
    // 286328 [50278.869, 522377.131]. At 90%: [29.4098, 161.4756], x 3000 [88229.325, 484426.675].
    const at95 = incrementalRevenue({ treated, control });
    expect(at95).toMatchObject({
      treatedPerCheckoutMinor: 497,
      controlPerCheckoutMinor: 402,
      differencePerCheckoutMinor: 95,
      differenceInterval: [17, 174],
      incrementalMinor: 286328,
      incrementalInterval: [50279, 522377],
    });
    const at90 = incrementalRevenue({ treated, control }, 0.9);
    expect(at90.differenceInterval).toEqual([29, 161]);
    expect(at90.incrementalInterval).toEqual([88229, 484427]);
    expect(at90.method).toMatch(/, 90%$/);

    // Python, amounts x 1000: difference 95442.667, interval [16759.623, 174125.710]; x 3000: 286328000
    // [50278869.424, 522377130.576]. Rounded to minor units this checks about eight significant digits.
    const big = incrementalRevenue({ treated: sums(revenue(7, 3000, 1000)), control: sums(revenue(9, 1500, 1000)) });
    expect(big).toMatchObject({
      treatedPerCheckoutMinor: 497251,
      controlPerCheckoutMinor: 401809,
      differencePerCheckoutMinor: 95443,
      differenceInterval: [16760, 174126],
      incrementalMinor: 286328000,
      incrementalInterval: [50278869, 522377131],
    });
  });

  it("handles a group with no revenue at all", () => {
    // Python: treated all zero (50), control one sale of 2500 in 50: difference -50, interval [-147.998, 47.998];
    // x 50: -2500 [-7399.910, 2399.910].
    const r = incrementalRevenue({ treated: sums(Array(50).fill(0)), control: sums([...Array(49).fill(0), 2500]) });
    expect(r).toMatchObject({
      treatedPerCheckoutMinor: 0,
      controlPerCheckoutMinor: 50,
      differencePerCheckoutMinor: -50,
      differenceInterval: [-148, 48],
      incrementalMinor: -2500,
      incrementalInterval: [-7400, 2400],
    });
    // Both groups without revenue: a zero difference with a zero-width interval (no variance), and no -0.
    const flat = incrementalRevenue({ treated: sums(Array(40).fill(0)), control: sums(Array(40).fill(0)) });
    expect(flat.differenceInterval).toEqual([0, 0]);
    expect(Object.is(flat.incrementalMinor, 0)).toBe(true);
  });

  it("has no interval when a group has fewer than 2 checkouts, and no means for an empty one", () => {
    const one = incrementalRevenue({ treated: sums([5000]), control: sums([0, 0, 1000]) });
    expect(one.treatedPerCheckoutMinor).toBe(5000);
    expect(one.differencePerCheckoutMinor).toBe(4667);
    expect(one.incrementalMinor).toBe(4667);
    expect(one.differenceInterval).toBeNull();
    expect(one.incrementalInterval).toBeNull();

    const empty = incrementalRevenue({ treated: sums([]), control: sums([0, 1000]) });
    expect(empty).toMatchObject({
      treatedPerCheckoutMinor: null,
      controlPerCheckoutMinor: 500,
      differencePerCheckoutMinor: null,
      differenceInterval: null,
      incrementalMinor: null,
      incrementalInterval: null,
    });
  });

  it("does not take the square root of a variance that rounding takes below zero", () => {
    // 1000 checkouts of 45.99 each: in doubles the sum of squares comes out 4e-8 below sum^2 / n (computed with Node),
    // a variance of zero that would otherwise be a NaN interval.
    const same = sums(Array(1000).fill(4599));
    expect(same.sumSquaresMajor - (same.sumMinor / 100) ** 2 / same.n).toBeLessThan(0);
    const r = incrementalRevenue({ treated: same, control: same });
    expect(r.differenceInterval).toEqual([0, 0]);
    expect(r.incrementalInterval).toEqual([0, 0]);
  });

  it("refuses impossible sums", () => {
    const ok = sums([0, 100]);
    expect(() => incrementalRevenue({ treated: { ...ok, n: -1 }, control: ok })).toThrow(RangeError);
    expect(() => incrementalRevenue({ treated: { ...ok, sumSquaresMajor: -1 }, control: ok })).toThrow(RangeError);
    expect(() => incrementalRevenue({ treated: ok, control: { ...ok, sumMinor: Number.NaN } })).toThrow(RangeError);
  });
});
