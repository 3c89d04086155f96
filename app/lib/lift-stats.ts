// Measured lift: the statistics that compare the shoppers who get reminders with the held-out ones who do not
// (assignment: app/lib/holdout.server.ts). Pure: no database, no environment.
//
// Two comparisons, each with a 95% confidence interval by default:
// - recovery rate: messaged (treated) checkouts recovered x1 of n1, held-out (control) x2 of n2. The interval for the
//   difference of the two proportions is Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for
//   the difference between independent proportions: comparison of eleven methods", Statistics in Medicine 17:873-890,
//   method 10), built from the two Wilson score intervals. It stays inside [-1, 1] and behaves at 0% and 100%.
// - revenue per abandoned checkout: the difference of the two means with Welch's unpooled standard error and a normal
//   quantile, then scaled by the treated group's size into the revenue the reminders added.

// ---------------------------------------------------------------------------------------------------------------
// The normal quantile

// Wichura, M. J. (1988). Algorithm AS 241: The percentage points of the normal distribution. Applied Statistics 37(3),
// 477-484 (PPND16, about 16 significant digits). The published 20-digit coefficients, each written as the shortest
// literal of the double it parses to (the same number; 20 digits are more than a double holds), highest power first.
const AS241_CENTRAL_NUM = [
  2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987, 13731.69376550946, 1971.5909503065513, 133.14166789178438, 3.3871328727963665,
];
const AS241_CENTRAL_DEN = [
  5226.495278852854, 28729.085735721943, 39307.89580009271, 21213.794301586597, 5394.196021424751, 687.1870074920579, 42.31333070160091, 1,
];
const AS241_NEAR_NUM = [
  0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684, 3.6478483247632045, 5.769497221460691, 4.630337846156546,
  1.4234371107496835,
];
const AS241_NEAR_DEN = [
  1.0507500716444169e-9, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008, 0.6897673349851, 1.6763848301838038, 2.053191626637759, 1,
];
const AS241_FAR_NUM = [
  2.0103343992922881e-7, 0.000027115555687434876, 0.0012426609473880784, 0.026532189526576124, 0.29656057182850487, 1.7848265399172913, 5.463784911164114,
  6.657904643501103,
];
const AS241_FAR_DEN = [
  2.0442631033899397e-15, 1.421511758316446e-7, 0.000018463183175100548, 0.0007868691311456133, 0.014875361290850615, 0.1369298809227358, 0.599832206555888, 1,
];

function horner(coefficients: readonly number[], x: number): number {
  let acc = 0;
  for (const c of coefficients) acc = acc * x + c;
  return acc;
}

/**
 * The inverse of the standard normal CDF: the z with P(Z <= z) = p. Wichura's AS 241 (relative error about 1e-16,
 * well inside the 1e-9 asked of it). normalQuantile(0.975) = 1.959963984540054. 0 and 1 give -Infinity and Infinity;
 * anything outside [0, 1] throws.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile needs a probability in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_CENTRAL_NUM, r)) / horner(AS241_CENTRAL_DEN, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = horner(AS241_NEAR_NUM, r) / horner(AS241_NEAR_DEN, r);
  } else {
    r -= 5;
    x = horner(AS241_FAR_NUM, r) / horner(AS241_FAR_DEN, r);
  }
  return q < 0 ? -x : x;
}

/** The two-sided critical value for a confidence level in (0, 1): 0.95 -> 1.959963984540054. */
function twoSidedZ(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`Confidence must be between 0 and 1, got ${confidence}`);
  return normalQuantile(1 - (1 - confidence) / 2);
}

/** "95", "90", "99.9": the level as a merchant reads it. */
function percentLabel(confidence: number): string {
  return String(Number((confidence * 100).toPrecision(10)));
}

// ---------------------------------------------------------------------------------------------------------------
// Recovery rate: difference of two proportions

/** Below this many checkouts in either group, the comparison is not shown as a result. */
export const LIFT_MIN_CHECKOUTS_PER_GROUP = 30;
/** An interval wider than this (10 percentage points, as a proportion) is too imprecise to report as a result. */
export const LIFT_MAX_INTERVAL_WIDTH = 0.1;

export interface ProportionGroup {
  /** Abandoned checkouts in the group. */
  n: number;
  /** Of those, how many were recovered. */
  recovered: number;
}

export interface RecoveryLift {
  /** recovered / n of the messaged group; null when it has no checkouts. */
  treatedRate: number | null;
  /** recovered / n of the held-out group; null when it has no checkouts. */
  controlRate: number | null;
  /** treatedRate - controlRate; null when either group is empty. */
  difference: number | null;
  /** Confidence interval for the difference; null when either group is empty. */
  interval: [number, number] | null;
  /** The method, in a sentence a merchant can read. */
  method: string;
  /** Both groups have LIFT_MIN_CHECKOUTS_PER_GROUP and the interval is at most LIFT_MAX_INTERVAL_WIDTH wide. */
  enoughData: boolean;
  /** When not enoughData: the checkouts per group for a half-width of LIFT_MAX_INTERVAL_WIDTH / 2. Else null. */
  neededPerGroup: number | null;
}

function checkGroup(name: string, g: ProportionGroup): void {
  if (!Number.isInteger(g.n) || g.n < 0) throw new RangeError(`${name}.n must be a whole number >= 0, got ${g.n}`);
  if (!Number.isInteger(g.recovered) || g.recovered < 0 || g.recovered > g.n) {
    throw new RangeError(`${name}.recovered must be a whole number from 0 to ${g.n}, got ${g.recovered}`);
  }
}

/**
 * Wilson's score interval for one proportion x/n at critical value z (Wilson 1927; Newcombe 1998, single-proportion
 * paper, method 3): (2np + z^2 -/+ z sqrt(z^2 + 4np(1-p))) / (2(n + z^2)). Null when n is 0. The ends are exactly 0
 * at x = 0 and exactly 1 at x = n (the formula reaches them only up to rounding).
 */
export function wilsonInterval(recovered: number, n: number, confidence = 0.95): [number, number] | null {
  checkGroup("group", { n, recovered });
  return wilsonAt(recovered, n, twoSidedZ(confidence));
}

function wilsonAt(x: number, n: number, z: number): [number, number] | null {
  if (n === 0) return null;
  const p = x / n;
  const z2 = z * z;
  const centre = 2 * n * p + z2;
  const spread = z * Math.sqrt(z2 + 4 * n * p * (1 - p));
  const denominator = 2 * (n + z2);
  const lo = x === 0 ? 0 : (centre - spread) / denominator;
  const hi = x === n ? 1 : (centre + spread) / denominator;
  return [lo, hi];
}

/**
 * The difference in recovery rate between messaged and held-out checkouts, with Newcombe's hybrid score interval
 * (1998, method 10): with Wilson limits l1, u1 and l2, u2 for the two rates p1 and p2, and D = p1 - p2,
 *   lower = D - sqrt((p1 - l1)^2 + (u2 - p2)^2),  upper = D + sqrt((u1 - p1)^2 + (p2 - l2)^2).
 *
 * neededPerGroup is a normal-approximation estimate, n = 2 z^2 p(1-p) / h^2 rounded up, with h = 0.05 (half of
 * LIFT_MAX_INTERVAL_WIDTH), p the pooled rate of both groups (0.5 when there are no checkouts at all), and never less
 * than LIFT_MIN_CHECKOUTS_PER_GROUP. It assumes equal groups and equal rates; near 0% or 100% the score interval is
 * wider than the approximation, so there it is a lower bound, not a promise.
 */
export function recoveryLift(groups: { treated: ProportionGroup; control: ProportionGroup }, confidence = 0.95): RecoveryLift {
  const { treated, control } = groups;
  checkGroup("treated", treated);
  checkGroup("control", control);
  const z = twoSidedZ(confidence);
  const method = `Difference of two proportions, Newcombe hybrid score interval, ${percentLabel(confidence)}%`;

  const treatedRate = treated.n > 0 ? treated.recovered / treated.n : null;
  const controlRate = control.n > 0 ? control.recovered / control.n : null;
  const w1 = wilsonAt(treated.recovered, treated.n, z);
  const w2 = wilsonAt(control.recovered, control.n, z);

  let difference: number | null = null;
  let interval: [number, number] | null = null;
  if (treatedRate !== null && controlRate !== null && w1 && w2) {
    const [l1, u1] = w1;
    const [l2, u2] = w2;
    difference = treatedRate - controlRate;
    const lower = difference - Math.sqrt((treatedRate - l1) ** 2 + (u2 - controlRate) ** 2);
    const upper = difference + Math.sqrt((u1 - treatedRate) ** 2 + (controlRate - l2) ** 2);
    interval = [Math.max(-1, lower), Math.min(1, upper)];
  }

  const enoughData =
    treated.n >= LIFT_MIN_CHECKOUTS_PER_GROUP &&
    control.n >= LIFT_MIN_CHECKOUTS_PER_GROUP &&
    interval !== null &&
    interval[1] - interval[0] <= LIFT_MAX_INTERVAL_WIDTH;

  let neededPerGroup: number | null = null;
  if (!enoughData) {
    const total = treated.n + control.n;
    const pooled = total > 0 ? (treated.recovered + control.recovered) / total : 0.5;
    const halfWidth = LIFT_MAX_INTERVAL_WIDTH / 2;
    const estimate = (2 * z * z * pooled * (1 - pooled)) / (halfWidth * halfWidth);
    // The small allowance keeps an estimate that is a whole number up to rounding (768.0000000001) from gaining one.
    neededPerGroup = Math.max(LIFT_MIN_CHECKOUTS_PER_GROUP, Math.ceil(estimate - 1e-9));
  }

  return { treatedRate, controlRate, difference, interval, method, enoughData, neededPerGroup };
}

// ---------------------------------------------------------------------------------------------------------------
// Revenue per abandoned checkout: difference of two means

export interface RevenueGroup {
  /** Abandoned checkouts in the group, recovered or not. */
  n: number;
  /** Recovered revenue summed over the group, in minor units (an unrecovered checkout adds 0). */
  sumMinor: number;
  /**
   * The sum over the group's checkouts of (revenue in minor units / 100)^2, as a float (unrecovered checkouts add 0).
   * Squared in units of 100 minor units, not minor units, because squares of minor units overflow 64-bit integers in
   * the database's SUM: one 10,000.00 order is 10^6 minor units, 10^12 squared, and a few million such checkouts pass
   * 2^63 (about 9.2 * 10^18); as a JavaScript number they would already have lost exactness beyond 2^53. Summed as a
   * double of (minor / 100)^2 the relative rounding error stays near 1e-16 per term. The divisor is always 100 (the
   * major unit of a 2-decimal currency), whatever the currency's real exponent: it is a scale, not a currency unit.
   */
  sumSquaresMajor: number;
}

export interface RevenueLift {
  /** Revenue per abandoned checkout of the messaged group, minor units; null when the group is empty. */
  treatedPerCheckoutMinor: number | null;
  /** Revenue per abandoned checkout of the held-out group, minor units; null when the group is empty. */
  controlPerCheckoutMinor: number | null;
  /** The difference of the two, minor units per checkout; null when either group is empty. */
  differencePerCheckoutMinor: number | null;
  /** Its confidence interval, minor units per checkout; null when either group has fewer than 2 checkouts. */
  differenceInterval: [number, number] | null;
  /** Revenue the reminders added: the difference times the messaged group's checkouts, minor units. */
  incrementalMinor: number | null;
  /** Its interval, the difference's interval scaled the same way; null when either group has fewer than 2 checkouts. */
  incrementalInterval: [number, number] | null;
  /** The method, in a sentence a merchant can read. */
  method: string;
}

function checkRevenueGroup(name: string, g: RevenueGroup): void {
  if (!Number.isInteger(g.n) || g.n < 0) throw new RangeError(`${name}.n must be a whole number >= 0, got ${g.n}`);
  if (!Number.isFinite(g.sumMinor)) throw new RangeError(`${name}.sumMinor must be a finite number, got ${g.sumMinor}`);
  if (!(g.sumSquaresMajor >= 0) || !Number.isFinite(g.sumSquaresMajor)) {
    throw new RangeError(`${name}.sumSquaresMajor must be a finite number >= 0, got ${g.sumSquaresMajor}`);
  }
}

/** Half away from zero, and never -0. */
function roundMinor(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x)) + 0;
}

/** Sample variance (n - 1) of per-checkout revenue in units of 100 minor units, from the sums. Needs n >= 2. */
function sampleVarianceMajor(g: RevenueGroup): number {
  const sumMajor = g.sumMinor / 100;
  // Rounding can take a variance of (nearly) zero a hair below it; a variance is never negative.
  return Math.max(0, g.sumSquaresMajor - (sumMajor * sumMajor) / g.n) / (g.n - 1);
}

/**
 * Revenue per abandoned checkout in each group (recovered revenue over all the group's checkouts), the difference of
 * the two means with Welch's unpooled standard error sqrt(s1^2/n1 + s2^2/n2) and a normal quantile, and the revenue
 * the reminders added: that difference times treated.n, its interval scaled the same way. Everything is computed
 * unrounded and rounded to whole minor units on the way out.
 */
export function incrementalRevenue(groups: { treated: RevenueGroup; control: RevenueGroup }, confidence = 0.95): RevenueLift {
  const { treated, control } = groups;
  checkRevenueGroup("treated", treated);
  checkRevenueGroup("control", control);
  const z = twoSidedZ(confidence);
  const method = `Difference of mean revenue per checkout, Welch unpooled standard error, normal approximation, ${percentLabel(confidence)}%`;

  const treatedMean = treated.n > 0 ? treated.sumMinor / treated.n : null;
  const controlMean = control.n > 0 ? control.sumMinor / control.n : null;
  const difference = treatedMean !== null && controlMean !== null ? treatedMean - controlMean : null;

  let interval: [number, number] | null = null;
  if (difference !== null && treated.n >= 2 && control.n >= 2) {
    const seMinor = 100 * Math.sqrt(sampleVarianceMajor(treated) / treated.n + sampleVarianceMajor(control) / control.n);
    interval = [difference - z * seMinor, difference + z * seMinor];
  }

  return {
    treatedPerCheckoutMinor: treatedMean === null ? null : roundMinor(treatedMean),
    controlPerCheckoutMinor: controlMean === null ? null : roundMinor(controlMean),
    differencePerCheckoutMinor: difference === null ? null : roundMinor(difference),
    differenceInterval: interval && [roundMinor(interval[0]), roundMinor(interval[1])],
    incrementalMinor: difference === null ? null : roundMinor(difference * treated.n),
    incrementalInterval: interval && [roundMinor(interval[0] * treated.n), roundMinor(interval[1] * treated.n)],
    method,
  };
}
