// Steps already past when we first learn of a checkout (a webhook delivered hours late, a checkout found by
// reconciliation): they are not sent in a burst. A step whose due time is more than LATE_GRACE_MINUTES before the
// moment the checkout reached us is skipped as "late"; the sequence continues with the next step still in time (due
// now when it is within the grace, else at its own time). Pure: the engine's own lateness (quiet hours, retries,
// a paused cron) is not this rule's business: it counts only from when the checkout reached us.
import { stepDueAt, windowEndsAt } from "./cadence";
import { enabledSteps, type Settings } from "./settings";

export const LATE_GRACE_MINUTES = 30;

export interface LatePlan {
  /** Indexes (into the enabled steps) skipped as late, in order. */
  late: number[];
  nextStepIndex: number;
  /** The next step's due time, or the window's end when every step is late. */
  nextDueAt: Date;
}

/** Null when nothing is late. */
export function lateStepsPlan(args: { settings: Settings; abandonedAt: Date; fromIndex: number; seenAt: Date; graceMinutes?: number }): LatePlan | null {
  const { settings, abandonedAt, fromIndex, seenAt } = args;
  const cutoff = seenAt.getTime() - (args.graceMinutes ?? LATE_GRACE_MINUTES) * 60_000;
  const steps = enabledSteps(settings);
  const late: number[] = [];
  let i = fromIndex;
  while (i < steps.length && stepDueAt(abandonedAt, steps[i]).getTime() < cutoff) late.push(i++);
  if (!late.length) return null;
  return { late, nextStepIndex: i, nextDueAt: i < steps.length ? stepDueAt(abandonedAt, steps[i]) : windowEndsAt(abandonedAt, settings) };
}
