// What each checkout of a day's cohort adds to the daily metrics, and the day's rows. Pure: the database side
// (app/models/metric-days.server.ts) loads the rows of one day and writes what this answers; the Overview only adds
// rows up. The definitions, as the Overview states them:
//
// - Abandoned: entered the cadence. A checkout of the day's cohort (its abandonment moment in the shop's day) that was
//   not completed before that moment, is not a test, and whose moment has come.
// - Recovered: the order was credited to a shopper message within the attribution window (app/lib/attribution.ts).
//   Same cohort for numerator and denominator: a day's recovery rate is recovered / abandoned of that day's cohort.
// - Shopper messages: email, push, WhatsApp and messages sent by hand from the pipeline. Staff alerts are internal:
//   counted only in the staff figures, never as messages, never credited, never in open, click or opt-out rates.
// - Converted (the holdout comparison): ordered within the conversion horizon (window + attribution window) after
//   abandonment, credited or not, so messaged and held-out checkouts are measured the same way.
import { ATTRIBUTION_WINDOW_DAYS } from "./attribution";
import { MANUAL_CHANNELS, isStaffAlert, stepKey } from "./message-kinds";
import { hourBucket, valueBand } from "./metrics";
import { dayOf } from "./shop-days";

export interface FactCheckout {
  id: string;
  abandonedAt: Date;
  completedAt: Date | null;
  isTest: boolean;
  returningCustomer: boolean;
  shopTotalMinor: number | null;
  shopCurrency: string | null;
  sourceName: string | null;
  owner: string | null;
  handoff: boolean;
  stopReason: string | null;
  recoveredAt: Date | null;
  recoveredRevenueMinor: number | null;
  attributedMessageId: string | null;
  holdout: boolean | null;
}

export interface FactMessage {
  id: string;
  checkoutId: string;
  channel: string;
  stepId: string;
  sentAt: Date | null;
  openedAt: Date | null;
  clickedAt: Date | null;
  unsubscribedAt: Date | null;
  incentiveCode: string | null;
}

/** The order that completed a cohort checkout (shop money). */
export interface FactOrder {
  checkoutId: string;
  totalMinor: number;
  currency: string;
  createdAt: Date;
  isTest: boolean;
}

/** An order placed on the day (for the average order comparison). */
export interface DayOrder {
  totalMinor: number;
  currency: string;
  recovered: boolean;
  isTest: boolean;
}

export interface DayFacts {
  checkouts: readonly FactCheckout[];
  messages: readonly FactMessage[];
  orders: readonly FactOrder[];
  /** Discounts given by our one-time codes used on the cohort's orders. */
  discounts: ReadonlyArray<{ checkoutId: string; discountMinor: number }>;
  /** Topics of the shoppers' replies (inbound conversation entries). */
  replies: ReadonlyArray<{ checkoutId: string; classification: string | null }>;
  /** A person acting on a checkout: a note, a message sent by hand, an outbound reply. */
  touches: ReadonlyArray<{ checkoutId: string; at: Date }>;
  dayOrders: readonly DayOrder[];
}

export interface DayContext {
  day: string;
  timeZone: string;
  /** The shop's currency: money in another is left out of every sum. null = not known yet (nothing filtered). */
  currency: string | null;
  windowHours: number;
  asOf: Date;
}

export const MEASURES = [
  "checkouts",
  "recovered",
  "revenueMinor",
  "converted",
  "convertedRevenueMinor",
  "convertedRevenueSq",
  "sent",
  "opened",
  "clicked",
  "optedOut",
  "discountCostMinor",
  "orders",
  "orderRevenueMinor",
  "alerts",
  "handoffs",
  "touched",
  "touchMinutes",
] as const;
export type Measure = (typeof MEASURES)[number];
export type Measures = Record<Measure, number>;

export interface MetricRow extends Measures {
  day: string;
  dim: string;
  key: string;
}

/** Recoveries a shop counts as its launch, compared on the Overview with the steady state after them. */
export const FIRST_RECOVERIES = 100;

export const OUTCOMES = ["recovered", "ordered_before_message", "ordered_not_credited", "opted_out", "handed_off", "in_window", "lost"] as const;
export type Outcome = (typeof OUTCOMES)[number];

const OPT_OUT_STOPS = new Set(["stop_reply", "unsubscribe", "spam_report"]);
/** Stop reasons that say something about the checkout (an order is an outcome, not an issue). */
const ISSUE_STOPS = new Set(["bounce", "stop_reply", "customer_redacted", "excluded_tag", "below_min_cart_value", "reply"]);
const MANUAL = new Set<string>(MANUAL_CHANNELS);

export function emptyMeasures(): Measures {
  return Object.fromEntries(MEASURES.map((m) => [m, 0])) as Measures;
}

/** Is the checkout in the cohort (abandoned: entered the cadence) as of `asOf`? */
export function enteredCadence(c: Pick<FactCheckout, "abandonedAt" | "completedAt" | "isTest">, asOf: Date): boolean {
  if (c.isTest || c.abandonedAt > asOf) return false;
  return !(c.completedAt && c.completedAt <= c.abandonedAt);
}

export function isShopperMessage(m: Pick<FactMessage, "channel" | "sentAt">): boolean {
  return m.sentAt !== null && !isStaffAlert(m.channel);
}

/** The conversion horizon: ordered within the window plus the attribution window after abandonment. */
export function conversionHorizonMs(windowHours: number): number {
  return windowHours * 3600_000 + ATTRIBUTION_WINDOW_DAYS * 86_400_000;
}

export function sourceKey(sourceName: string | null): string {
  const s = (sourceName ?? "").trim().toLowerCase();
  return s ? s.slice(0, 40) : "unknown";
}

export function outcomeOf(
  c: FactCheckout,
  shopperMessages: readonly FactMessage[],
  recovered: boolean,
  optedOut: boolean,
  ctx: Pick<DayContext, "windowHours" | "asOf">,
): Outcome {
  if (recovered) return "recovered";
  if (c.completedAt) {
    const before = shopperMessages.some((m) => m.sentAt! <= c.completedAt!);
    return before ? "ordered_not_credited" : "ordered_before_message";
  }
  if (optedOut) return "opted_out";
  if (c.handoff) return "handed_off";
  return ctx.asOf.getTime() < c.abandonedAt.getTime() + ctx.windowHours * 3600_000 ? "in_window" : "lost";
}

/** The owner as the Overview groups it. */
export function ownerKey(owner: string | null): string {
  return owner?.trim() ? owner.trim().slice(0, 80) : "unassigned";
}

/** Money in the shop's currency (or either currency not known yet): another currency is left out of every sum. */
export function inShopMoney(shopCurrency: string | null, currency: string | null): boolean {
  return shopCurrency === null || currency === null || currency === shopCurrency;
}

/** Where one checkout of the cohort stands: the Overview's rows and the CSV export both read it from here. */
export interface Standing {
  shopper: FactMessage[];
  /** The shopper message the order is credited to (never a staff alert). */
  credited: FactMessage | null;
  /** Recovered only when credited to a shopper message (an order once credited to a staff alert is not). */
  recovered: boolean;
  optedOut: boolean;
  outcome: Outcome;
}

/** Opt-outs of a checkout's shopper: an unsubscribe from one of its messages, or a reply that said STOP (or the like). */
export function optOutCount(shopper: readonly FactMessage[], replies: ReadonlyArray<{ classification: string | null }>): number {
  return shopper.filter((m) => m.unsubscribedAt !== null).length + replies.filter((r) => r.classification === "opt_out").length;
}

export function standingOf(
  c: FactCheckout,
  messages: readonly FactMessage[],
  ctx: Pick<DayContext, "windowHours" | "asOf">,
  replies: ReadonlyArray<{ classification: string | null }> = [],
): Standing {
  const shopper = messages.filter(isShopperMessage);
  const credited = c.attributedMessageId ? (shopper.find((m) => m.id === c.attributedMessageId) ?? null) : null;
  const recovered = c.recoveredAt !== null && credited !== null;
  const optedOut = optOutCount(shopper, replies) > 0 || OPT_OUT_STOPS.has(c.stopReason ?? "");
  return { shopper, credited, recovered, optedOut, outcome: outcomeOf(c, shopper, recovered, optedOut, ctx) };
}

class Rows {
  readonly map = new Map<string, MetricRow>();
  constructor(private readonly day: string) {}
  add(dim: string, key: string, m: Partial<Measures>): void {
    const id = `${dim}\u0000${key}`;
    let r = this.map.get(id);
    if (!r) this.map.set(id, (r = { day: this.day, dim, key, ...emptyMeasures() }));
    for (const [k, v] of Object.entries(m) as Array<[Measure, number]>) r[k] += v;
  }
}

function groupBy<T extends { checkoutId: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const list = out.get(i.checkoutId);
    if (list) list.push(i);
    else out.set(i.checkoutId, [i]);
  }
  return out;
}

/** Every metric row of one day: the cohort abandoned that day, and the orders placed that day. */
export function aggregateDay(f: DayFacts, ctx: DayContext): MetricRow[] {
  const rows = new Rows(ctx.day);
  const messagesOf = groupBy(f.messages);
  const orderOf = new Map(f.orders.map((o) => [o.checkoutId, o]));
  const discountsOf = groupBy(f.discounts);
  const repliesOf = groupBy(f.replies);
  const touchesOf = groupBy(f.touches);
  const money = (currency: string | null) => inShopMoney(ctx.currency, currency);
  for (const c of f.checkouts) {
    if (dayOf(c.abandonedAt, ctx.timeZone) !== ctx.day || !enteredCadence(c, ctx.asOf)) continue;
    addCheckout(rows, c, {
      messages: messagesOf.get(c.id) ?? [],
      order: orderOf.get(c.id) ?? null,
      discountMinor: (discountsOf.get(c.id) ?? []).reduce((s, d) => s + d.discountMinor, 0),
      replies: repliesOf.get(c.id) ?? [],
      touches: touchesOf.get(c.id) ?? [],
      money,
      ctx,
    });
  }
  for (const o of f.dayOrders) {
    if (o.isTest || !money(o.currency)) continue;
    rows.add("orders", "all", { orders: 1, orderRevenueMinor: o.totalMinor });
    if (o.recovered) rows.add("orders", "recovered", { orders: 1, orderRevenueMinor: o.totalMinor });
  }
  return [...rows.map.values()];
}

interface CheckoutContext {
  messages: readonly FactMessage[];
  order: FactOrder | null;
  discountMinor: number;
  replies: ReadonlyArray<{ classification: string | null }>;
  touches: ReadonlyArray<{ at: Date }>;
  money: (currency: string | null) => boolean;
  ctx: DayContext;
}

function addCheckout(rows: Rows, c: FactCheckout, x: CheckoutContext): void {
  const { shopper, credited, recovered, outcome } = standingOf(c, x.messages, x.ctx, x.replies);
  const alerts = x.messages.filter((m) => m.sentAt !== null && isStaffAlert(m.channel));
  const revenue = recovered && x.money(c.shopCurrency) ? (c.recoveredRevenueMinor ?? 0) : 0;
  const conv = conversion(c, x.order, x.money, x.ctx.windowHours);
  const withIncentive = shopper.some((m) => m.incentiveCode !== null);
  const base: Partial<Measures> = {
    checkouts: 1,
    recovered: recovered ? 1 : 0,
    revenueMinor: revenue,
    ...conv,
    discountCostMinor: recovered ? x.discountMinor : 0,
  };
  rows.add("all", "all", {
    ...base,
    sent: shopper.length,
    opened: shopper.filter((m) => m.openedAt).length,
    clicked: shopper.filter((m) => m.clickedAt).length,
    optedOut: optOutCount(shopper, x.replies),
  });
  if (c.holdout !== null) rows.add("group", c.holdout ? "holdout" : "messaged", base);
  rows.add("returning", c.returningCustomer ? "returning" : "new", base);
  rows.add("band", c.shopTotalMinor === null || !x.money(c.shopCurrency) ? "unknown" : valueBand(c.shopTotalMinor), base);
  rows.add("source", sourceKey(c.sourceName), base);
  rows.add("owner", ownerKey(c.owner), base);
  rows.add("outcome", outcome, base);
  rows.add("incentive", withIncentive ? "with" : "without", base);
  for (const topic of topicsOf(c, x.replies)) rows.add("topic", topic, base);
  if (recovered && c.recoveredAt)
    rows.add("hours", hourBucket((c.recoveredAt.getTime() - c.abandonedAt.getTime()) / 3600_000), { recovered: 1, revenueMinor: revenue });
  for (const m of shopper) addMessage(rows, m, m === credited && recovered ? { revenue, discount: x.discountMinor } : null);
  addStaff(rows, c, alerts, x.messages, x.touches);
}

function conversion(c: FactCheckout, order: FactOrder | null, money: (currency: string | null) => boolean, windowHours: number): Partial<Measures> {
  const at = order?.createdAt ?? c.completedAt;
  if (!at || (order && order.isTest)) return {};
  const age = at.getTime() - c.abandonedAt.getTime();
  if (age < 0 || age > conversionHorizonMs(windowHours)) return {};
  const minor = order && money(order.currency) ? order.totalMinor : 0;
  return { converted: 1, convertedRevenueMinor: minor, convertedRevenueSq: (minor / 100) ** 2 };
}

function topicsOf(c: FactCheckout, replies: ReadonlyArray<{ classification: string | null }>): Set<string> {
  const topics = new Set<string>();
  for (const r of replies) topics.add(`replied_${r.classification ?? "other"}`);
  if (c.stopReason && ISSUE_STOPS.has(c.stopReason)) topics.add(`stopped_${c.stopReason}`);
  return topics;
}

function addMessage(rows: Rows, m: FactMessage, credit: { revenue: number; discount: number } | null): void {
  const counts: Partial<Measures> = {
    sent: 1,
    opened: m.openedAt ? 1 : 0,
    clicked: m.clickedAt ? 1 : 0,
    optedOut: m.unsubscribedAt ? 1 : 0,
    recovered: credit ? 1 : 0,
    revenueMinor: credit?.revenue ?? 0,
    discountCostMinor: credit?.discount ?? 0,
  };
  const step = stepKey(m.stepId);
  rows.add("step", step, counts);
  rows.add("channel", m.channel, counts);
  rows.add("step_incentive", `${step}|${m.incentiveCode ? "with" : "without"}`, counts);
}

function addStaff(rows: Rows, c: FactCheckout, alerts: readonly FactMessage[], messages: readonly FactMessage[], touches: ReadonlyArray<{ at: Date }>): void {
  if (!alerts.length && !c.handoff) return;
  const handoffAlert = alerts.filter((m) => m.stepId === "handoff").sort((a, b) => a.sentAt!.getTime() - b.sentAt!.getTime())[0] ?? null;
  const staff: Partial<Measures> = { alerts: alerts.length, handoffs: c.handoff ? 1 : 0 };
  if (c.handoff && handoffAlert) {
    const from = handoffAlert.sentAt!.getTime();
    const acts = [...touches.map((t) => t.at.getTime()), ...messages.filter((m) => MANUAL.has(m.channel) && m.sentAt).map((m) => m.sentAt!.getTime())];
    const first = Math.min(...acts.filter((t) => t >= from));
    if (Number.isFinite(first)) Object.assign(staff, { touched: 1, touchMinutes: (first - from) / 60_000 });
  }
  rows.add("staff", "all", staff);
}

/** Rows added up by (dim, key) over any set of days. */
export function sumRows(rows: Iterable<Pick<MetricRow, "dim" | "key"> & Measures>): Map<string, Map<string, Measures>> {
  const out = new Map<string, Map<string, Measures>>();
  for (const r of rows) {
    let byKey = out.get(r.dim);
    if (!byKey) out.set(r.dim, (byKey = new Map()));
    let m = byKey.get(r.key);
    if (!m) byKey.set(r.key, (m = emptyMeasures()));
    for (const k of MEASURES) m[k] += r[k];
  }
  return out;
}
