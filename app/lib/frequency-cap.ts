// Frequency cap: at most `maxMessages` reminders to one shopper (every checkout of theirs in the shop) in any
// `perHours`. A reminder is one step of one checkout, whatever channels it goes out on: the 1 h step sent by email and
// push is one reminder, not two. A step that does not fit is trimmed as a whole: every channel of it is recorded as
// skipped with the reason "frequency_cap" (the step is not delayed). Staff alerts and messages a person sends by hand
// are not reminders and are not counted.
//
// The default (4 per 24 h) fits the default cadence (at most 4 of its steps fall in any 24 hours: 1 h, 1.5 h, 4 h and
// 24 h) and still stops a shopper who leaves several checkouts from getting every sequence in full.
// `capTrimmedSteps` says which steps of the configured cadence a cap would trim for a single checkout sent on time;
// Settings refuses such a cap, and the engine uses `capAllows` for the same rule at send time.
import type { CadenceStep, Settings } from "./settings";

export type FrequencyCap = Settings["frequencyCap"];

/** The cap's definition as Settings states it. */
export const FREQUENCY_CAP_HELP =
  "Counts reminders per shopper across all their checkouts: one step of the cadence is one reminder, whatever channels it goes out on. " +
  'Staff alerts and messages you send by hand are not counted. A step over the cap is skipped (shown as "Frequency cap (step skipped)" in Logs), not delayed. ' +
  "A cap that would skip a step of your cadence for every shopper cannot be saved; the default (4 per 24 hours) fits the default cadence.";

export function capWindowStart(now: Date, cap: FrequencyCap): Date {
  return new Date(now.getTime() - cap.perHours * 3600_000);
}

/**
 * May one more reminder go out at `now`? `reminderTimes` are the times of the shopper's reminders already counted
 * (one per checkout and step); those at or after `now - perHours` count.
 */
export function capAllows(reminderTimes: readonly Date[], now: Date, cap: FrequencyCap): boolean {
  const start = capWindowStart(now, cap).getTime();
  let n = 0;
  for (const t of reminderTimes) if (t.getTime() >= start && t.getTime() <= now.getTime()) n += 1;
  return n < cap.maxMessages;
}

export interface TrimmedStep {
  id: string;
  label: string;
  offsetMinutes: number;
}

/**
 * The enabled steps of `steps` that `cap` would trim for one checkout whose steps all go out on time (each at its
 * offset), applying the same rule as the engine. Empty when the cap lets the whole cadence through.
 */
export function capTrimmedSteps(steps: readonly CadenceStep[], cap: FrequencyCap): TrimmedStep[] {
  const sent: Date[] = [];
  const trimmed: TrimmedStep[] = [];
  for (const s of steps) {
    if (!s.enabled) continue;
    const at = new Date(s.offsetMinutes * 60_000);
    if (capAllows(sent, at, cap)) sent.push(at);
    else trimmed.push({ id: s.id, label: s.label, offsetMinutes: s.offsetMinutes });
  }
  return trimmed;
}

/** The smallest `maxMessages` that lets the whole cadence through with this `perHours`. */
export function capNeeded(steps: readonly CadenceStep[], perHours: number): number {
  const enabled = steps.filter((s) => s.enabled).length;
  for (let n = 1; n < enabled; n++) if (!capTrimmedSteps(steps, { maxMessages: n, perHours }).length) return n;
  return Math.max(1, enabled);
}

/** "1 h", "1.5 h", "24 h": a step's offset as the merchant reads it. */
export function offsetLabel(offsetMinutes: number): string {
  const h = offsetMinutes / 60;
  return `${Number.isInteger(h) ? h : Number(h.toFixed(2))} h`;
}

/** Why a cap is refused, in the merchant's words; null when it trims nothing. */
export function capProblem(steps: readonly CadenceStep[], cap: FrequencyCap): string | null {
  const trimmed = capTrimmedSteps(steps, cap);
  if (!trimmed.length) return null;
  const names = trimmed.map((t) => `"${t.label}" (${offsetLabel(t.offsetMinutes)})`).join(", ");
  const need = capNeeded(steps, cap.perHours);
  return `This cap would skip ${names} for every shopper. Allow at least ${need} reminders per ${cap.perHours} hours, or change the cadence.`;
}
