// Cadence timing: when each step of a checkout's sequence is due, when its recovery window ends, and how a failed
// attempt backs off. Steps are the shop's *enabled* steps in order; Checkout.nextStepIndex indexes that list, and an
// index equal to its length means "every step is done: close the checkout when the window ends".
import { enabledSteps, type CadenceStep, type Settings } from "./settings";

const MIN = 60_000;

/** After a step that was late (quiet hours, retries), the next one waits at least this long: no back-to-back sends. */
export const MIN_STEP_GAP_MINUTES = 15;
/** A channel answering "retry" is tried again at most this many times in all, then recorded as failed. */
export const MAX_SEND_ATTEMPTS = 5;

export function windowEndsAt(abandonedAt: Date, settings: Settings): Date {
  return new Date(abandonedAt.getTime() + settings.cadence.windowHours * 60 * MIN);
}

export function stepDueAt(abandonedAt: Date, step: Pick<CadenceStep, "offsetMinutes">): Date {
  return new Date(abandonedAt.getTime() + step.offsetMinutes * MIN);
}

export interface NextSchedule {
  /** Index into the enabled steps; equal to their count when no step is left. */
  nextStepIndex: number;
  /** When the checkout is next looked at: the next step's due time, or the window's end when no step is left. */
  nextDueAt: Date;
  /** True when no step is left and the next visit closes the checkout (Lost). */
  closing: boolean;
}

/**
 * What follows step `doneIndex` (or the start, with doneIndex = -1). A step whose time is past runs now, but at least
 * MIN_STEP_GAP_MINUTES after a step that has just been sent; a step that would fall after the window is dropped.
 */
export function scheduleAfter(args: { settings: Settings; abandonedAt: Date; doneIndex: number; now: Date; justSent: boolean }): NextSchedule {
  const { settings, abandonedAt, doneIndex, now, justSent } = args;
  const steps = enabledSteps(settings);
  const end = windowEndsAt(abandonedAt, settings);
  const next = doneIndex + 1;
  if (next < steps.length) {
    const due = stepDueAt(abandonedAt, steps[next]);
    const earliest = justSent ? new Date(now.getTime() + MIN_STEP_GAP_MINUTES * MIN) : now;
    const at = due > earliest ? due : earliest;
    if (at < end) return { nextStepIndex: next, nextDueAt: at, closing: false };
  }
  return { nextStepIndex: steps.length, nextDueAt: end, closing: true };
}

/**
 * When to try a channel again after a "retry" answer: the provider's time or an exponential backoff (2, 4, 8, 16 min
 * ... capped at 1 h), whichever is later. Null when the attempts are used up or the time falls after `deadline`.
 */
export function retryAt(args: { attempts: number; providerAt: Date | null; now: Date; deadline: Date }): Date | null {
  const { attempts, providerAt, now, deadline } = args;
  if (attempts >= MAX_SEND_ATTEMPTS) return null;
  const backoff = new Date(now.getTime() + Math.min(60, 2 ** Math.max(1, attempts)) * MIN);
  const at = providerAt && providerAt > backoff ? providerAt : backoff;
  return at < deadline ? at : null;
}
