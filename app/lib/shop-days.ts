// Calendar days in a shop's time zone: the unit daily metrics are kept in. Pure (Intl only).
// A day key is "YYYY-MM-DD" in the zone; its span is [start, next day's start), 23 or 25 hours across a DST change.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(at: Date, timeZone: string): { y: number; m: number; d: number; h: number; min: number } {
  const p: Record<string, number> = {};
  for (const x of formatter(timeZone).formatToParts(at)) if (x.type !== "literal") p[x.type] = Number(x.value);
  return { y: p.year, m: p.month, d: p.day, h: p.hour, min: p.minute };
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The shop's time zone for metrics: its own, or UTC while Shopify has not told us (the page says so). */
export function metricsZone(timezone: string | null | undefined): string {
  return timezone || "UTC";
}

/** The day key of an instant in the zone. */
export function dayOf(at: Date, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutes(at: Date, timeZone: string): number {
  const p = parts(at, timeZone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min);
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/** The first instant of a day in the zone (local midnight, or the first minute that exists after it). */
export function dayStart(day: string, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  const midnightUtc = Date.UTC(y, m - 1, d);
  // Two passes: the offset at the guess can differ from the offset at local midnight across a DST change.
  let guess = midnightUtc - offsetMinutes(new Date(midnightUtc), timeZone) * 60_000;
  guess = midnightUtc - offsetMinutes(new Date(guess), timeZone) * 60_000;
  // A zone whose midnight does not exist that day (a DST jump at 00:00): the day starts at the jump.
  while (dayOf(new Date(guess), timeZone) !== day && dayOf(new Date(guess), timeZone) < day) guess += 15 * 60_000;
  while (dayOf(new Date(guess - 60_000), timeZone) === day) guess -= 60_000;
  return new Date(guess);
}

/** The day after, as a key (calendar arithmetic, zone-free). */
export function nextDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

export function addDaysToKey(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** [start, end) of a day in the zone. */
export function daySpan(day: string, timeZone: string): { start: Date; end: Date } {
  return { start: dayStart(day, timeZone), end: dayStart(nextDay(day), timeZone) };
}

/** Every day key from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = nextDay(d)) out.push(d);
  return out;
}

/** The days an interval of instants touches in the zone (both ends included). */
export function daysTouched(from: Date, to: Date, timeZone: string): string[] {
  if (to < from) return [];
  return daysBetween(dayOf(from, timeZone), dayOf(to, timeZone));
}

/** Monday of the ISO week of a day key. */
export function weekOf(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  const dow = (t.getUTCDay() + 6) % 7; // Monday = 0
  return addDaysToKey(day, -dow);
}
