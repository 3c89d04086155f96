// Quiet hours in a time zone: no message is sent between `start` and `end` local time (a range may cross midnight,
// 21:00-08:00). A step due inside quiet hours waits until they end; it is not dropped.
import type { Settings } from "./settings";

const MIN = 60_000;

function parseHHMM(s: string): number {
  const [h, m] = s.split(":").map(Number);
  return h * 60 + m;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes since local midnight at `at` in `timeZone` (falls back to UTC for an unknown zone). */
export function localMinutes(at: Date, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    } catch {
      f = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    }
    formatters.set(timeZone, f);
  }
  let h = 0;
  let m = 0;
  for (const p of f.formatToParts(at)) {
    if (p.type === "hour") h = Number(p.value) % 24;
    if (p.type === "minute") m = Number(p.value);
  }
  return h * 60 + m;
}

function inRange(minutes: number, start: number, end: number): boolean {
  if (start === end) return false;
  return start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
}

export type QuietHours = Settings["quietHours"];

export function quietHoursZone(q: QuietHours, shopTimeZone: string | null | undefined): string {
  return q.timezone ?? shopTimeZone ?? "UTC";
}

/**
 * Null when a message may go out at `now`; otherwise the first minute after quiet hours end (local wall clock, so
 * daylight-saving changes are respected).
 */
export function quietHoursEnd(now: Date, q: QuietHours, shopTimeZone: string | null | undefined): Date | null {
  if (!q.enabled) return null;
  const zone = quietHoursZone(q, shopTimeZone);
  const start = parseHHMM(q.start);
  const end = parseHHMM(q.end);
  const local = localMinutes(now, zone);
  if (!inRange(local, start, end)) return null;
  const wait = (end - local + 1440) % 1440;
  let at = new Date(Math.floor(now.getTime() / MIN) * MIN + wait * MIN);
  // A daylight-saving change overnight shifts the local clock: correct by the drift so the step goes at `end` local.
  let drift = (localMinutes(at, zone) - end + 1440) % 1440;
  if (drift > 720) drift -= 1440;
  if (drift !== 0) at = new Date(at.getTime() - drift * MIN);
  for (let i = 0; i < 8 && inRange(localMinutes(at, zone), start, end); i++) at = new Date(at.getTime() + 30 * MIN);
  return at;
}
