// Phase "decide": the planner's answer for every checkout of the batch (app/lib/plan-checkout.ts), turned into work
// for the next phases: ledger rows to write, messages to send, stops, handoffs and timelines to move on. The only
// outside call here is the incentive issuer (a step carrying a discount asks for its code before its rows are written).
import { checkoutViewOf } from "../lib/checkout-view";
import { normalizeEmail, normalizePhone } from "../lib/contact";
import { planCheckout, type HandoffPlan, type StepPlan } from "../lib/plan-checkout";
import type { StopReason } from "../lib/eligibility";
import type { Score } from "../lib/scoring";
import type { Channel } from "../lib/settings";
import { log } from "../log.server";
import { newMessageId, type Advance, type DueCheckout, type LedgerRow } from "../models/recovery.server";
import type { ChannelName, IncentiveView } from "../channels/types";
import { planFactsOf, pushEndpointOf, type LoadedBatch } from "./load-batch.server";
import { bump, type Ctx, type PlannedSend, type ShopCtx, type StepWork } from "./tick-context";
import { noIncentives, type StepView } from "./types";

export interface StopWork {
  c: DueCheckout;
  reason: StopReason;
  lost: boolean;
  openRows: string[];
}

export interface HandoffWork {
  c: DueCheckout;
  shop: ShopCtx;
  plan: HandoffPlan;
  score: Score;
  /** In the holdout group: the alert says no reminder goes to this shopper. */
  heldOut: boolean;
}

export interface Decisions {
  newRows: LedgerRow[];
  sends: PlannedSend[];
  /** Retry rows now due: marked "sending" again before they go out. */
  resendPending: string[];
  work: Map<string, StepWork>;
  /** Timelines moved on without a send (waits). */
  waits: Advance[];
  stops: StopWork[];
  handoffs: HandoffWork[];
}

export function ledgerRow(c: DueCheckout, step: StepView, channel: string, now: Date, extra: Pick<LedgerRow, "status"> & Partial<LedgerRow>): LedgerRow {
  return { id: newMessageId(), shop: c.shop, checkoutId: c.id, stepId: step.id, stepIndex: step.index, channel, attempts: 0, createdAt: now, ...extra };
}

export function advanceOf(c: DueCheckout, nextStepIndex: number, nextDueAt: Date | null, status: string, score?: Score | null): Advance {
  return {
    id: c.id,
    nextStepIndex,
    nextDueAt,
    status,
    priority: score?.priority ?? c.priority,
    priorityScore: score?.score ?? c.priorityScore,
    stopReason: null,
  };
}

function endpointHost(endpoint: string | null): string | null {
  if (!endpoint) return null;
  try {
    return new URL(endpoint).host;
  } catch {
    return null;
  }
}

/** Plans every checkout of the batch. A checkout whose planning throws is logged and left leased (it comes back). */
export async function decideBatch(ctx: Ctx, batch: LoadedBatch, now: Date): Promise<Decisions> {
  const d: Decisions = { newRows: [], sends: [], resendPending: [], work: new Map(), waits: [], stops: [], handoffs: [] };
  for (const c of batch.checkouts) {
    try {
      await decideOne(ctx, batch, d, c, now);
    } catch (err) {
      log.error({ checkoutId: c.id, shop: c.shop, err: String(err) }, "recovery: checkout not processed");
    }
  }
  return d;
}

async function decideOne(ctx: Ctx, batch: LoadedBatch, d: Decisions, c: DueCheckout, now: Date) {
  const shop = ctx.shops.get(c.shop) ?? null;
  const available = (channel: Channel) => {
    const sender = ctx.opts.channels[channel];
    return !!sender && !!shop && sender.status(shop.view).enabled;
  };
  const facts = planFactsOf(batch, c, shop?.steps[c.nextStepIndex]?.id ?? null, available, shop?.settings.holdout.percent ?? 0);
  const plan = planCheckout(
    c,
    shop && { settings: shop.settings, steps: shop.steps, timezone: shop.view.timezone, averageOrderMinor: shop.averageOrderMinor },
    facts,
    now,
  );
  if (plan.handoff && shop && plan.score) {
    const heldOut = c.holdout === true || (plan.kind === "step" && plan.heldOut);
    d.handoffs.push({ c, shop, plan: plan.handoff, score: plan.score, heldOut });
  }
  if (plan.kind === "stop") return void d.stops.push({ c, reason: plan.reason, lost: plan.lost, openRows: plan.openRowIds });
  if (plan.kind === "wait") {
    if (plan.reason) bump(ctx.res.deferred, plan.reason);
    return void d.waits.push(advanceOf(c, plan.stepIndex, plan.until, plan.status, plan.score));
  }
  if (plan.countsReminder && c.customerKey) {
    const k = `${c.shop}|${c.customerKey}`;
    batch.capCount.set(k, (batch.capCount.get(k) ?? new Map<string, Date>()).set(`${c.id}|${plan.step.id}`, now));
  }
  if (plan.trimmed) ctx.res.trimmedSteps += 1;
  await addStepWork(ctx, d, { c, shop: shop!, plan, endpoint: pushEndpointOf(batch, c) }, now);
}

async function addStepWork(ctx: Ctx, d: Decisions, a: { c: DueCheckout; shop: ShopCtx; plan: StepPlan; endpoint: string | null }, now: Date) {
  const { c, shop, plan } = a;
  const step: StepView = plan.step;
  const view = { ...checkoutViewOf(c), whatsappConsent: plan.whatsappConsent };
  let incentive: IncentiveView | null = null;
  if (plan.wantsIncentive) {
    try {
      incentive = await (ctx.opts.incentives ?? noIncentives).issue({ shop: shop.view, checkout: view, step, now });
    } catch (err) {
      log.warn({ shop: c.shop, checkoutId: c.id, err: String(err) }, "incentive not issued; sending without");
    }
  }
  for (const { channel, reason } of plan.skipped) {
    bump(ctx.res.skipped, reason);
    d.newRows.push(ledgerRow(c, step, channel, now, { status: "skipped", skipReason: reason }));
  }
  for (const channel of plan.fresh) {
    const recipient = channel === "email" ? normalizeEmail(c.email) : channel === "whatsapp" ? normalizePhone(c.phone) : endpointHost(a.endpoint);
    const row = ledgerRow(c, step, channel, now, { status: "sending", recipient, incentiveCode: incentive?.code ?? null });
    d.newRows.push(row);
    d.sends.push({ messageId: row.id, checkoutId: c.id, channel, step, attempts: 0, isNew: true, leftSending: false });
  }
  for (const r of plan.resend) {
    if (r.status === "pending") d.resendPending.push(r.id);
    d.sends.push({
      messageId: r.id,
      checkoutId: c.id,
      channel: r.channel as ChannelName,
      step,
      attempts: r.attempts,
      isNew: false,
      leftSending: r.status === "sending",
    });
  }
  d.work.set(c.id, { c, shop, plan, step, view, incentive, waitUntil: plan.waitUntil, sentNow: 0 });
}
