// The CSV export of a period's checkouts (app/routes/app.export.checkouts[.]csv.tsx): one row per checkout of the
// period's cohort, with its outcome and the message credited, by the Overview's definitions (app/lib/metric-facts.ts).
//
// Streamed: the cohort is walked in pages of EXPORT_PAGE_SIZE by keyset (abandoned_at, id); each page's sent messages
// are read with one query (by the page's span), its orders with one (per 500 completed checkouts: SQLite's bound on
// parameters), and the rows yielded one at a time. The caller pulls: a page is read only when
// the rows of the one before have been taken, so 100,000 checkouts never sit in memory together.
//
// Personal data: only what the merchant already sees in the admin (the email and first name as the pipeline shows
// them); a redacted checkout (customers/redact) has neither.
import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import type { CsvValue } from "../lib/csv";
import { channelLabel, ledgerStepLabel } from "../lib/message-kinds";
import { enteredCadence, inShopMoney, ownerKey, sourceKey, standingOf, type FactCheckout, type FactMessage, type Outcome } from "../lib/metric-facts";
import { currencyExponent, minorToDecimalText } from "../lib/money";
import { dayOf } from "../lib/shop-days";
import { int64OrNull } from "./int64-columns.server";
import { FACT_CHECKOUT_SELECT, FACT_MESSAGE_SELECT } from "./metric-days.server";

/** Checkouts read per query (and messages and orders of that many checkouts). */
export const EXPORT_PAGE_SIZE = 1000;

export interface CheckoutExportOptions {
  shop: string;
  /** The cohort: checkouts whose abandonment moment is in [from, to). */
  from: Date;
  to: Date;
  /** The shop's zone, for each row's day. */
  timeZone: string;
  /** The shop's currency; null = not known yet (every amount shown, in its checkout's currency). */
  currency: string | null;
  windowHours: number;
  /** App time: what counts as abandoned, in the window or lost by now. */
  asOf: Date;
  /** Cadence step labels by step id, for the attributed step's name. */
  stepLabels?: Record<string, string>;
  pageSize?: number;
  /** Told after each page is read (tests, logs). */
  onPage?: (page: { page: number; checkouts: number; messages: number; orders: number }) => void;
}

export type HoldoutGroup = "held_out" | "messaged" | "not_decided";

export interface CheckoutExportRow {
  /** The abandonment's day in the shop's zone. */
  day: string;
  abandonedAt: string;
  token: string;
  /** "" for a redacted checkout. */
  email: string;
  firstName: string;
  /** Decimal text in `currency` ("12.34"); null = not known, or in another currency than the shop's. */
  cartValue: string | null;
  currency: string;
  returning: boolean;
  source: string;
  owner: string;
  holdoutGroup: HoldoutGroup;
  /** Shopper messages sent (staff alerts are not messages). */
  messagesSent: number;
  outcome: Outcome;
  orderedAt: string | null;
  /** The order's name (#1001), when the order is stored. */
  orderName: string | null;
  /** Set only when recovered (credited to a shopper message). */
  recoveredAt: string | null;
  recoveredRevenue: string | null;
  /** The credited shopper message; never a staff alert. */
  attributedChannel: string | null;
  attributedStep: string | null;
  attributedStepId: string | null;
  attributedSentAt: string | null;
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  recovered: "Recovered",
  ordered_before_message: "Ordered before any message",
  ordered_not_credited: "Ordered, not credited to a message",
  opted_out: "Opted out",
  handed_off: "Handed to a person",
  in_window: "Still in the recovery window",
  lost: "Lost",
};

export const HOLDOUT_LABELS: Record<HoldoutGroup, string> = { held_out: "Held out", messaged: "Messaged", not_decided: "Not decided" };

/** The file's columns: the header row, and each row's values. */
export const CHECKOUT_EXPORT_COLUMNS: ReadonlyArray<{ header: string; value: (r: CheckoutExportRow) => CsvValue }> = [
  { header: "Day (shop time zone)", value: (r) => r.day },
  { header: "Abandoned at (UTC)", value: (r) => r.abandonedAt },
  { header: "Checkout token", value: (r) => r.token },
  { header: "Email", value: (r) => r.email },
  { header: "First name", value: (r) => r.firstName },
  { header: "Cart value", value: (r) => r.cartValue },
  { header: "Currency", value: (r) => r.currency },
  { header: "Returning customer", value: (r) => (r.returning ? "yes" : "no") },
  { header: "Source", value: (r) => r.source },
  { header: "Owner", value: (r) => r.owner },
  { header: "Holdout group", value: (r) => HOLDOUT_LABELS[r.holdoutGroup] },
  { header: "Messages sent", value: (r) => r.messagesSent },
  { header: "Outcome", value: (r) => OUTCOME_LABELS[r.outcome] },
  { header: "Ordered at (UTC)", value: (r) => r.orderedAt },
  { header: "Order", value: (r) => r.orderName },
  { header: "Recovered at (UTC)", value: (r) => r.recoveredAt },
  { header: "Recovered revenue", value: (r) => r.recoveredRevenue },
  { header: "Attributed message channel", value: (r) => r.attributedChannel },
  { header: "Attributed message step", value: (r) => r.attributedStep },
  { header: "Attributed message step id", value: (r) => r.attributedStepId },
  { header: "Attributed message sent at (UTC)", value: (r) => r.attributedSentAt },
];

export const exportHeader = (): string[] => CHECKOUT_EXPORT_COLUMNS.map((c) => c.header);
export const exportValues = (r: CheckoutExportRow): CsvValue[] => CHECKOUT_EXPORT_COLUMNS.map((c) => c.value(r));

export interface ExportCheckout extends FactCheckout {
  token: string;
  email: string | null;
  firstName: string | null;
  redactedAt: Date | null;
}

/** One checkout's row, standing as the Overview counts it (metric-facts' standingOf). Pure. */
export function exportRowOf(
  c: ExportCheckout,
  messages: readonly FactMessage[],
  order: { name: string | null } | null,
  o: Pick<CheckoutExportOptions, "timeZone" | "currency" | "windowHours" | "asOf" | "stepLabels">,
  replies: ReadonlyArray<{ classification: string | null }> = [],
): CheckoutExportRow {
  const { shopper, credited, recovered, outcome } = standingOf(c, messages, o, replies);
  const currency = o.currency ?? c.shopCurrency ?? "";
  const money = (minor: number | null) =>
    minor === null || !inShopMoney(o.currency, c.shopCurrency) ? null : minorToDecimalText(minor, currencyExponent(currency));
  const redacted = c.redactedAt !== null;
  return {
    day: dayOf(c.abandonedAt, o.timeZone),
    abandonedAt: c.abandonedAt.toISOString(),
    token: c.token,
    email: redacted ? "" : (c.email ?? ""),
    firstName: redacted ? "" : (c.firstName ?? ""),
    cartValue: money(c.shopTotalMinor),
    currency,
    returning: c.returningCustomer,
    source: sourceKey(c.sourceName),
    owner: ownerKey(c.owner),
    holdoutGroup: c.holdout === null ? "not_decided" : c.holdout ? "held_out" : "messaged",
    messagesSent: shopper.length,
    outcome,
    orderedAt: c.completedAt?.toISOString() ?? null,
    orderName: order?.name ?? null,
    recoveredAt: recovered ? c.recoveredAt!.toISOString() : null,
    recoveredRevenue: recovered ? money(c.recoveredRevenueMinor ?? 0) : null,
    attributedChannel: recovered ? channelLabel(credited!.channel) : null,
    attributedStep: recovered ? ledgerStepLabel(credited!, o.stepLabels ?? {}) : null,
    attributedStepId: recovered ? credited!.stepId : null,
    attributedSentAt: recovered ? credited!.sentAt!.toISOString() : null,
  };
}

// What the daily metrics read of a checkout and its messages, and what a row shows besides.
const CHECKOUT_SELECT = { ...FACT_CHECKOUT_SELECT, email: true, firstName: true, redactedAt: true } as const;
const MESSAGE_SELECT = FACT_MESSAGE_SELECT;

type Cursor = { at: Date; id: string };

/** The cohort's checkouts after `after` and up to `through` (both by (abandoned_at, id)): one page's span. */
function cohortWhere(o: CheckoutExportOptions, after: Cursor | null, through: Cursor | null = null): Prisma.CheckoutWhereInput {
  const and: Prisma.CheckoutWhereInput[] = [];
  if (after) and.push({ OR: [{ abandonedAt: { gt: after.at } }, { abandonedAt: after.at, id: { gt: after.id } }] });
  if (through) and.push({ OR: [{ abandonedAt: { lt: through.at } }, { abandonedAt: through.at, id: { lte: through.id } }] });
  return { shop: o.shop, abandonedAt: { gte: o.from, lt: o.to }, ...(and.length ? { AND: and } : {}) };
}

/** Tokens per order query: SQLite refuses more than 999 bound values in one statement. */
const TOKENS_PER_QUERY = 500;

/** The period's checkouts that entered the cadence, oldest abandonment first, one row each. */
export async function* exportCheckoutRows(o: CheckoutExportOptions): AsyncGenerator<CheckoutExportRow, void, undefined> {
  const size = o.pageSize ?? EXPORT_PAGE_SIZE;
  let after: Cursor | null = null;
  for (let page = 1; ; page += 1) {
    const checkouts = await db.checkout.findMany({
      where: cohortWhere(o, after),
      orderBy: [{ abandonedAt: "asc" }, { id: "asc" }],
      take: size,
      select: CHECKOUT_SELECT,
    });
    if (!checkouts.length) return;
    const last = checkouts[checkouts.length - 1];
    const through: Cursor = { at: last.abandonedAt!, id: last.id };
    const kept: ExportCheckout[] = checkouts
      .map((c) => ({
        ...c,
        abandonedAt: c.abandonedAt!,
        shopTotalMinor: int64OrNull(c.shopTotalMinor),
        recoveredRevenueMinor: int64OrNull(c.recoveredRevenueMinor),
      }))
      .filter((c) => enteredCadence(c, o.asOf));
    const completedTokens = kept.filter((c) => c.completedAt).map((c) => c.token);
    const [messages, orders, optOutReplies] = kept.length
      ? await Promise.all([
          // The page's messages by the page's own span (not a list of ids: one statement whatever the page size).
          db.message.findMany({ where: { shop: o.shop, sentAt: { not: null }, checkout: cohortWhere(o, after, through) }, select: MESSAGE_SELECT }),
          ordersOf(o.shop, completedTokens),
          // Replies that opted out (they make the outcome "opted out", as on the Overview).
          db.conversationEntry.findMany({
            where: { shop: o.shop, direction: "inbound", classification: "opt_out", checkout: cohortWhere(o, after, through) },
            select: { checkoutId: true, classification: true },
          }),
        ])
      : [[], [], []];
    o.onPage?.({ page, checkouts: checkouts.length, messages: messages.length, orders: orders.length });
    const messagesOf = new Map<string, FactMessage[]>();
    for (const m of messages) {
      const list = messagesOf.get(m.checkoutId);
      if (list) list.push(m);
      else messagesOf.set(m.checkoutId, [m]);
    }
    // The first order of a checkout, as daily metrics take it.
    const orderOf = new Map<string, { name: string | null }>();
    for (const x of orders) if (x.checkoutToken && !orderOf.has(x.checkoutToken)) orderOf.set(x.checkoutToken, { name: x.name });
    const repliesOf = new Map<string, Array<{ classification: string | null }>>();
    for (const r of optOutReplies) repliesOf.set(r.checkoutId, [...(repliesOf.get(r.checkoutId) ?? []), r]);
    for (const c of kept) yield exportRowOf(c, messagesOf.get(c.id) ?? [], orderOf.get(c.token) ?? null, o, repliesOf.get(c.id) ?? []);
    if (checkouts.length < size) return;
    after = through;
  }
}

/** Orders of these checkout tokens, oldest first: one query per TOKENS_PER_QUERY completed checkouts of a page. */
async function ordersOf(shop: string, tokens: readonly string[]): Promise<Array<{ checkoutToken: string | null; name: string | null }>> {
  const out: Array<{ checkoutToken: string | null; name: string | null }> = [];
  for (let i = 0; i < tokens.length; i += TOKENS_PER_QUERY) {
    const part = await db.order.findMany({
      where: { shop, checkoutToken: { in: tokens.slice(i, i + TOKENS_PER_QUERY) } },
      select: { checkoutToken: true, name: true },
      orderBy: [{ shopifyCreatedAt: "asc" }, { id: "asc" }],
    });
    out.push(...part);
  }
  // Chunks each come oldest first; a token is in one chunk only, so the first per token is its oldest.
  return out;
}
