// The decision for one due checkout, as a pure function of what the engine loaded for it: stop it (with a reason),
// wait (with a reason and until when), or work its next step (which channels to send now, which to resend, which to
// skip and why). The engine (app/recovery/) only loads the facts, calls planCheckout, and writes what it answers.
//
// Order of the rules (each later rule applies only when the earlier ones let the checkout go on):
//   1. the shop is gone (uninstalled)                          -> stop, already_stopped
//   2. checkout-level rules (app/lib/eligibility.ts)           -> stop (order, exclusions, window...) or wait (negotiating)
//   3. handoff rules (app/lib/handoff.ts)                      -> a handoff to do; stop (handed_off) unless automation goes on
//   4. every step done                                         -> wait for the window's end (then Lost)
//   5. orders not known recently enough (reconciliation gate)  -> wait
//   6. quiet hours in the shop's zone                          -> wait
//   7. the step: per channel, an existing ledger row is resent (left sending, or a retry now due), waited for (a retry
//      later) or done for good; a channel without a row is skipped with a reason or sent fresh; then the frequency
//      cap: the step is one reminder, sent on every channel it can or trimmed as a whole.
import { windowEndsAt } from "./cadence";
import { channelSkipReason, checkoutDecision, parseCustomerTags, reachableChannels, type ChannelFacts, type StopReason } from "./eligibility";
import { capAllows } from "./frequency-cap";
import { handoffDecision, type HandoffReason } from "./handoff";
import { quietHoursEnd } from "./quiet-hours";
import { scoreCheckout, type Score } from "./scoring";
import type { CadenceStep, Channel, Settings } from "./settings";
import { isNewerCheckout } from "./update-order";

/** Ledger statuses still open (to send, or to send again). */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(["pending", "sending"]);
/** Ledger statuses a provider accepted. */
export const SENT_STATUSES: ReadonlySet<string> = new Set(["sent", "delivered", "opened", "clicked"]);
/** The ledger's step id for the staff alert of a handoff. */
export const HANDOFF_STEP = "handoff";

export type PlanStep = CadenceStep & { index: number; isFinal: boolean };

/** What the planner reads of a checkout (the engine's DueCheckout has all of it). */
export interface PlanCheckoutFacts {
  id: string;
  status: string;
  completedAt: Date | null;
  orderId: string | null;
  isTest: boolean;
  isStaff: boolean;
  /** The cart in the shop's currency; null = unknown. */
  shopTotalMinor: number | null;
  stage: string;
  customerTags: string | null;
  customerKey: string | null;
  shopifyCreatedAt: Date;
  abandonedAt: Date | null;
  email: string | null;
  phone: string | null;
  emailConsent: boolean;
  smsConsent: boolean;
  returningCustomer: boolean;
  customerOrdersCount: number;
  failedPayment: boolean;
  handoff: boolean;
  nextStepIndex: number;
  /** The recorded holdout group: true = held out, false = messaged, null = not decided yet. */
  holdout: boolean | null;
}

export interface PlanShop {
  settings: Settings;
  /** The enabled steps of the shop's cadence, in order. */
  steps: readonly CadenceStep[];
  /** The shop's IANA time zone (null = unknown). */
  timezone: string | null;
  averageOrderMinor: number | null;
}

export interface PlanLedgerRow {
  id: string;
  stepId: string;
  channel: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
}

export interface PlanSibling {
  id: string;
  shopifyCreatedAt: Date;
  completedAt: Date | null;
  isTest: boolean;
}

/** Orders known recently enough to send (issue 14's gate); null = no gate this tick. */
export type PlanOrdersGate = { send: true } | { send: false; reason: string; until: Date } | null;

export interface PlanFacts {
  /** This checkout's ledger rows. */
  rows: readonly PlanLedgerRow[];
  /** The same shopper's checkouts in this shop (same customer key), this one included or not. */
  siblings: readonly PlanSibling[];
  /** Channels the shopper's addresses are suppressed on. */
  suppressed: ReadonlySet<Channel | "all">;
  hasPushSubscription: boolean;
  /** Shopify's WhatsApp consent as resolved (app/lib/eligibility.ts resolveWhatsAppConsent). */
  whatsappConsent: boolean | null;
  ordersGate: PlanOrdersGate;
  /** Is the channel configured and able to send for this shop? */
  channelAvailable(channel: Channel): boolean;
  /** The shopper's reminders in the frequency cap's window (one per checkout and step); null = no customer key. */
  capReminders: readonly Date[] | null;
  /** This checkout's current step is already one of those reminders. */
  stepCounted: boolean;
  /** The shopper's holdout group under the shop's setting (app/lib/holdout.server.ts), used when none is recorded. */
  holdoutAssignment: boolean;
}

export interface HandoffPlan {
  reasons: HandoffReason[];
  /** The staff alert's ledger row, when one exists. */
  alertRow: PlanLedgerRow | null;
}

export type CheckoutPlan =
  | { kind: "stop"; reason: StopReason; lost: boolean; openRowIds: string[]; handoff: HandoffPlan | null; score: Score | null }
  | {
      kind: "wait";
      /** Counted in the tick's `deferred` (null: nothing to count, the steps are done and the window is open). */
      reason: string | null;
      until: Date;
      stepIndex: number;
      /** The status to keep ("abandoned", or the checkout's own while a person negotiates). */
      status: string;
      score: Score | null;
      handoff: HandoffPlan | null;
    }
  | StepPlan;

export interface StepPlan {
  kind: "step";
  step: PlanStep;
  windowEnd: Date;
  score: Score;
  handoff: HandoffPlan | null;
  /** Channels to send now (new ledger rows). */
  fresh: Channel[];
  /** Channels not used, with the reason (new ledger rows, skipped). */
  skipped: Array<{ channel: Channel; reason: string }>;
  /** Existing rows to send again: left "sending" by a dead owner, or a retry now due. */
  resend: PlanLedgerRow[];
  /** Earliest retry scheduled later for a channel of this step (the step is not done before). */
  waitUntil: Date | null;
  /** A channel of this step was sent by an earlier owner (it died before advancing the checkout). */
  sentBefore: boolean;
  /** The step counts now as one of the shopper's reminders (the engine notes it for the rest of the batch). */
  countsReminder: boolean;
  /** The frequency cap trimmed the whole step. */
  trimmed: boolean;
  /** The step carries an incentive and something goes out: the engine asks for the code before writing the rows. */
  wantsIncentive: boolean;
  /** What the channels know of the shopper (for the message's view). */
  whatsappConsent: boolean | null;
  /** Held out: no shopper message (every channel skipped, reason "holdout"); staff handoffs still apply. */
  heldOut: boolean;
  /** The holdout group to record now (null = already recorded, nothing to write). */
  recordHoldout: boolean | null;
}

/** Another checkout of the same shopper: a newer one carries the sequence; one completed since means they bought. */
export function newerSiblingOf(
  c: Pick<PlanCheckoutFacts, "id" | "shopifyCreatedAt" | "customerKey">,
  siblings: readonly PlanSibling[],
): { completed: boolean } | null {
  if (!c.customerKey) return null;
  let found: { completed: boolean } | null = null;
  for (const s of siblings) {
    if (s.id === c.id || s.isTest) continue;
    if (s.completedAt && s.completedAt >= c.shopifyCreatedAt) return { completed: true };
    // Created in the same second (two devices): the later id carries the sequence (app/lib/update-order.ts).
    if (!s.completedAt && isNewerCheckout(s, { id: c.id, shopifyCreatedAt: c.shopifyCreatedAt })) found = { completed: false };
  }
  return found;
}

function openRowIds(rows: readonly PlanLedgerRow[]): string[] {
  return rows.filter((r) => OPEN_STATUSES.has(r.status) && r.channel !== "staff_alert").map((r) => r.id);
}

function channelFacts(c: PlanCheckoutFacts, f: PlanFacts): Omit<ChannelFacts, "available"> {
  return {
    email: c.email,
    phone: c.phone,
    hasPushSubscription: f.hasPushSubscription,
    emailConsent: c.emailConsent,
    smsConsent: c.smsConsent,
    whatsappConsent: f.whatsappConsent,
    suppressed: f.suppressed,
  };
}

function handoffPlanOf(c: PlanCheckoutFacts, settings: Settings, rows: readonly PlanLedgerRow[]): { plan: HandoffPlan | null; continueAutomation: boolean } {
  const hand = handoffDecision(c, settings.handoff);
  if (!hand.handoff) return { plan: null, continueAutomation: true };
  const alertRow = rows.find((r) => r.channel === "staff_alert" && r.stepId === HANDOFF_STEP) ?? null;
  // Marked handed off with its alert recorded for good: nothing left to do for the handoff itself.
  const todo = !c.handoff || !alertRow || OPEN_STATUSES.has(alertRow.status);
  return { plan: todo ? { reasons: hand.reasons, alertRow } : null, continueAutomation: hand.continueAutomation };
}

/** The plan for one due checkout at `now`. Pure: the same facts give the same plan. */
export function planCheckout(c: PlanCheckoutFacts, shop: PlanShop | null, f: PlanFacts, now: Date): CheckoutPlan {
  if (!shop) return { kind: "stop", reason: "already_stopped", lost: false, openRowIds: openRowIds(f.rows), handoff: null, score: null };
  const { settings } = shop;
  const abandonedAt = c.abandonedAt ?? c.shopifyCreatedAt;
  const windowEnd = windowEndsAt(abandonedAt, settings);
  const decision = checkoutDecision(
    {
      status: c.status,
      completedAt: c.completedAt,
      orderId: c.orderId,
      isTest: c.isTest,
      isStaff: c.isStaff,
      totalMinor: c.shopTotalMinor,
      stage: c.stage,
      newerSibling: newerSiblingOf(c, f.siblings),
      customerTags: parseCustomerTags(c.customerTags),
    },
    settings,
    now,
    windowEnd,
  );
  if (decision.action === "stop")
    return { kind: "stop", reason: decision.reason, lost: decision.lost, openRowIds: openRowIds(f.rows), handoff: null, score: null };
  if (decision.action === "pause") {
    const until = decision.until < windowEnd ? decision.until : windowEnd;
    return { kind: "wait", reason: decision.reason, until, stepIndex: c.nextStepIndex, status: c.status, score: null, handoff: null };
  }
  const facts = channelFacts(c, f);
  const score = scoreCheckout({
    totalMinor: c.shopTotalMinor,
    averageOrderMinor: shop.averageOrderMinor,
    highValueThresholdMinor: settings.handoff.highValueThresholdMinor,
    returningCustomer: c.returningCustomer,
    customerOrdersCount: c.customerOrdersCount,
    failedPayment: c.failedPayment,
    abandonedAt,
    now,
    reachableChannels: reachableChannels(facts, settings).length,
  });
  const hand = handoffPlanOf(c, settings, f.rows);
  if (!hand.continueAutomation) return { kind: "stop", reason: "handed_off", lost: false, openRowIds: openRowIds(f.rows), handoff: hand.plan, score };
  const handoff = hand.plan;
  const idx = c.nextStepIndex;
  const wait = (reason: string | null, until: Date): CheckoutPlan => ({
    kind: "wait",
    reason,
    until: until < windowEnd ? until : windowEnd,
    stepIndex: idx,
    status: "abandoned",
    score,
    handoff,
  });
  // Every step is done: wait for the window to close (then Lost).
  if (idx >= shop.steps.length) return wait(null, windowEnd);
  if (f.ordersGate && !f.ordersGate.send) return wait(f.ordersGate.reason, f.ordersGate.until);
  const quietEnd = quietHoursEnd(now, settings.quietHours, shop.timezone);
  if (quietEnd) return wait("quiet_hours", quietEnd);
  const step: PlanStep = { ...shop.steps[idx], index: idx, isFinal: idx === shop.steps.length - 1 };
  return planStep(c, { settings, step, facts, f, now, windowEnd, score, handoff });
}

function planStep(
  c: PlanCheckoutFacts,
  a: {
    settings: Settings;
    step: PlanStep;
    facts: Omit<ChannelFacts, "available">;
    f: PlanFacts;
    now: Date;
    windowEnd: Date;
    score: Score;
    handoff: HandoffPlan | null;
  },
): StepPlan {
  const { settings, step, facts, f, now } = a;
  const stepRows = f.rows.filter((r) => r.stepId === step.id);
  // The group is decided once, when the first step falls due (a checkout already messaged stays messaged).
  const recordHoldout = c.holdout === null ? f.holdoutAssignment && !f.rows.some((r) => SENT_STATUSES.has(r.status)) : null;
  const heldOut = c.holdout ?? recordHoldout ?? false;
  let waitUntil: Date | null = null;
  const resend: PlanLedgerRow[] = [];
  const fresh: Channel[] = [];
  const skipped: Array<{ channel: Channel; reason: string }> = [];
  for (const channel of [...new Set(step.channels)]) {
    const row = stepRows.find((r) => r.channel === channel);
    if (row) {
      if (row.status === "sending") resend.push(row);
      else if (row.status === "pending") {
        if (!row.nextAttemptAt || row.nextAttemptAt <= now) resend.push(row);
        else if (!waitUntil || row.nextAttemptAt < waitUntil) waitUntil = row.nextAttemptAt;
      }
      continue; // sent, failed or skipped: done for good
    }
    const reason = heldOut ? "holdout" : channelSkipReason(channel, { ...facts, available: f.channelAvailable(channel) }, settings);
    if (reason) skipped.push({ channel, reason });
    else fresh.push(channel);
  }
  // The step is one reminder: it goes out on every channel it can, or (over the cap) is trimmed as a whole.
  let countsReminder = false;
  let trimmed = false;
  if (c.customerKey && fresh.length && f.capReminders && !f.stepCounted) {
    if (capAllows(f.capReminders, now, settings.frequencyCap)) countsReminder = true;
    else {
      for (const channel of fresh) skipped.push({ channel, reason: "frequency_cap" });
      fresh.length = 0;
      trimmed = true;
    }
  }
  return {
    kind: "step",
    step,
    windowEnd: a.windowEnd,
    score: a.score,
    handoff: a.handoff,
    fresh,
    skipped,
    resend,
    waitUntil,
    sentBefore: stepRows.some((r) => SENT_STATUSES.has(r.status)),
    countsReminder,
    trimmed,
    wantsIncentive: (fresh.length > 0 || resend.length > 0) && step.carriesIncentive && settings.incentive.enabled,
    whatsappConsent: facts.whatsappConsent ?? null,
    heldOut,
    recordHoldout,
  };
}
