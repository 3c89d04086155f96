// When a checkout counts as abandoned, and what a later update does to its recovery timeline.
//
// Definition: a checkout is abandoned when it is not completed, the shopper can be reached (email, phone, or a push
// subscription linked by cart token), and there has been no activity for the shop's quiet period, and at least
// LINK_LIVE_DELAY_MINUTES have passed since creation (before that the recovery link may not work).
// abandonedAt = max(updated_at + quiet period, created_at + link delay). Steps are offsets from abandonedAt.
//
// A later update (the shopper came back and changed the cart):
// - before any step was sent: the timeline restarts from the new abandonedAt;
// - after a step was sent: the sequence keeps its position (nothing is sent twice, nothing skipped), but the next
//   step waits at least one quiet period after the activity.
// - a completed checkout (or one with an order) stops at once and for good.
import { LINK_LIVE_DELAY_MINUTES, enabledSteps, type Settings } from "./settings";

const MIN = 60_000;

export function abandonmentTime(createdAt: Date, updatedAt: Date, quietPeriodMinutes: number): Date {
  return new Date(Math.max(updatedAt.getTime() + quietPeriodMinutes * MIN, createdAt.getTime() + LINK_LIVE_DELAY_MINUTES * MIN));
}

export const TERMINAL_STATUSES = new Set(["completed", "recovered", "expired", "stopped"]);

export interface TimelineState {
  status: string;
  abandonedAt: Date | null;
  nextStepIndex: number;
  nextDueAt: Date | null;
  stopReason: string | null;
}

export function timelineAfterUpdate(
  existing: TimelineState | null,
  update: { createdAt: Date; updatedAt: Date; completed: boolean },
  settings: Settings,
): TimelineState {
  if (update.completed) {
    return {
      status: existing && existing.status === "recovered" ? "recovered" : "completed",
      abandonedAt: existing?.abandonedAt ?? null,
      nextStepIndex: existing?.nextStepIndex ?? 0,
      nextDueAt: null,
      stopReason: "order_completed",
    };
  }
  // Only the timeline's own fields: callers pass their whole row and spread the answer into the write, so returning
  // `existing` itself would also write back its other columns (its old shopify_updated_at, which then never moved
  // once a step was sent, and the staleness check compared later deliveries against it).
  if (existing && TERMINAL_STATUSES.has(existing.status)) return timelineOf(existing);
  const quiet = settings.abandonment.quietPeriodMinutes;
  const steps = enabledSteps(settings);
  const abandonedAt = abandonmentTime(update.createdAt, update.updatedAt, quiet);
  if (!existing || existing.nextStepIndex === 0) {
    const first = steps[0];
    return {
      status: "open",
      abandonedAt,
      nextStepIndex: 0,
      nextDueAt: first ? new Date(abandonedAt.getTime() + first.offsetMinutes * MIN) : null,
      stopReason: first ? null : "no_steps",
    };
  }
  const notBefore = new Date(update.updatedAt.getTime() + quiet * MIN);
  const due = existing.nextDueAt && existing.nextDueAt > notBefore ? existing.nextDueAt : existing.nextDueAt ? notBefore : null;
  return { ...timelineOf(existing), nextDueAt: due };
}

function timelineOf(s: TimelineState): TimelineState {
  return { status: s.status, abandonedAt: s.abandonedAt, nextStepIndex: s.nextStepIndex, nextDueAt: s.nextDueAt, stopReason: s.stopReason };
}
