// Instants and durations the tests share. Time is a parameter (no test sleeps or reads the clock for a rule): a test
// picks its `now` from here and counts from it in minutes or hours.

/** The suites' usual "now": 2026-11-20 10:00 UTC. */
export const T0 = new Date("2026-11-20T10:00:00Z");

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** `base` plus `m` minutes (negative: before). */
export function addMinutes(base: Date, m: number): Date {
  return new Date(base.getTime() + m * MINUTE_MS);
}

/** `base` plus `h` hours (negative: before). */
export function addHours(base: Date, h: number): Date {
  return new Date(base.getTime() + h * HOUR_MS);
}

/** `base` plus `d` days of 24 hours (negative: before). */
export function addDays(base: Date, d: number): Date {
  return new Date(base.getTime() + d * DAY_MS);
}

/** T0 plus `m` minutes: `at(30)` is 10:30. */
export function at(m: number): Date {
  return addMinutes(T0, m);
}

/** A clock counted in minutes from another base: `const at = minutesFrom(NOW)`. */
export function minutesFrom(base: Date): (m: number) => Date {
  return (m) => addMinutes(base, m);
}

/** A clock counted in hours from a base: `const hours = hoursFrom(NOW)`. */
export function hoursFrom(base: Date): (h: number) => Date {
  return (h) => addHours(base, h);
}
