// What a stage move made by a person means for automation. Pure.
// - Lost or Recovered by hand ends the checkout's automatic reminders (stop reason manual_lost / manual_recovered).
// - Lost back to Contacted resumes them when that makes sense (inside the recovery window, a step left, reminders
//   ended by the move to Lost and not by something else) at the next step's time or now, after quiet hours.
// The card says what will happen before the move (resumeText) and the move does exactly that (resumePlan).
import { scheduleAfter, windowEndsAt } from "./cadence";
import { quietHoursEnd } from "./quiet-hours";
import { enabledSteps, type Settings } from "./settings";
import type { Stage } from "./pipeline";

export type ManualStopReason = "manual_lost" | "manual_recovered";

export function manualStopReason(to: Stage): ManualStopReason | null {
  return to === "lost" ? "manual_lost" : to === "recovered" ? "manual_recovered" : null;
}

export type ResumePlan =
  | { resumes: true; stepIndex: number; stepNumber: number; stepLabel: string; at: Date }
  | { resumes: false; why: "window_ended" | "no_steps_left" | "ended_earlier" };

export interface ResumeFacts {
  abandonedAt: Date;
  nextStepIndex: number;
  stopReason: string | null;
  /** The checkout completed (an order): nothing resumes. */
  completed: boolean;
}

/** What moving a Lost card back to Contacted at `now` does to its reminders. */
export function resumePlan(f: ResumeFacts, settings: Settings, shopTimeZone: string | null, now: Date): ResumePlan {
  const end = windowEndsAt(f.abandonedAt, settings);
  if (now >= end) return { resumes: false, why: "window_ended" };
  // Reminders that ended for another reason (an order, an exclusion, a newer checkout) stay ended. A card moved to Lost
  // by hand before moves ended automation has no stop reason: it resumes too.
  if (f.completed || (f.stopReason !== null && f.stopReason !== "manual_lost")) return { resumes: false, why: "ended_earlier" };
  const steps = enabledSteps(settings);
  const next = scheduleAfter({ settings, abandonedAt: f.abandonedAt, doneIndex: Math.min(f.nextStepIndex, steps.length) - 1, now, justSent: false });
  if (next.closing) return { resumes: false, why: "no_steps_left" };
  const quietEnd = quietHoursEnd(next.nextDueAt, settings.quietHours, shopTimeZone);
  const at = quietEnd ?? next.nextDueAt;
  if (at >= end) return { resumes: false, why: "no_steps_left" };
  return { resumes: true, stepIndex: next.nextStepIndex, stepNumber: next.nextStepIndex + 1, stepLabel: steps[next.nextStepIndex].label, at };
}

/** "Nov 21, 4:30 PM EST" in the shop's time zone (UTC when Shopify has not told us the shop's). */
export function formatShopTime(at: Date, timeZone: string | null): string {
  const opts: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };
  try {
    return new Intl.DateTimeFormat("en-US", { ...opts, timeZone: timeZone ?? "UTC" }).format(at);
  } catch {
    return new Intl.DateTimeFormat("en-US", { ...opts, timeZone: "UTC" }).format(at);
  }
}

/** The sentence a Lost card shows before it is moved back to Contacted. */
export function resumeText(plan: ResumePlan, settings: Settings, timeZone: string | null): string {
  const hours = settings.cadence.windowHours;
  if (plan.resumes) return `Reminders resume at step ${plan.stepNumber} (${plan.stepLabel}) at ${formatShopTime(plan.at, timeZone)}.`;
  if (plan.why === "window_ended") return `The ${hours}-hour window has ended; no more automatic reminders.`;
  if (plan.why === "no_steps_left") return `No reminder is left before the ${hours}-hour window ends; no more automatic reminders.`;
  return "Automatic reminders had already ended for this checkout; no more automatic reminders.";
}
