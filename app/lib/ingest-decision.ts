// The rule for one checkouts/create or checkouts/update delivery, written once: what to do with it given the checkout
// we hold (if any), whether an order for it arrived first, and whether the ledger already holds its event id. Both
// database paths call it and only load and write: the one-by-one Prisma path (ingestCheckoutIn in
// app/models/checkouts.server.ts: reconcile, and the deliveries a batch leaves to it) and the group-commit batch's
// SQL (app/models/checkout-ingest-sql.server.ts). In order:
//   1. refused: a created_at/updated_at out of the sane range (app/lib/sane-dates.ts); a completed_at out of range
//      is clamped to `now` instead;
//   2. duplicate: the event id is already in the ledger (the batch reads it; the Prisma path learns it from the
//      ledger's unique violation and never passes `seen`);
//   3. stale: older than the checkout held, or the same second bringing nothing new (app/lib/update-order.ts); the
//      delivery is recorded in the ledger as "stale" and changes nothing. The same second bringing contact data is
//      merged into the held contact data and goes on;
//   4. order_waiting: an order for this checkout was recorded before it and must be attributed, but the caller only
//      knows that one exists (the batch): the delivery runs alone on the path that reads and attributes it;
//   5. create or update: the fields to write (the record, the timeline from app/lib/abandonment.ts, completedAt, and
//      the lease cleared when nothing is scheduled any more), and the waiting order to attribute, if any.
import { timelineAfterUpdate, type TimelineState } from "./abandonment";
import { checkoutDateProblem, clampCheckoutDates, type DateProblem } from "./sane-dates";
import type { Settings } from "./settings";
import type { CheckoutRecord } from "./shopify-payloads";
import { compareUpdate, mergeSameSecond, type HeldContact } from "./update-order";

/** The stored checkout, as far as the rule reads it (both paths read exactly these columns). */
export interface HeldCheckout extends TimelineState, HeldContact {
  id: string;
  completedAt: Date | null;
}

/** An order recorded before its checkout (orders/create arrived first): the checkout completes at the order's time. */
export interface WaitingOrder {
  shopifyCreatedAt: Date;
}

export interface IngestInput<O extends WaitingOrder> {
  existing: HeldCheckout | null;
  incoming: CheckoutRecord;
  settings: Settings;
  /** The delivery's time: the sane range of its dates. */
  now: Date;
  /**
   * The earliest order recorded for the checkout's token, or "unread" when the caller knows only that one exists,
   * or null. Not looked at once the held checkout is completed (its order was attributed then).
   */
  waitingOrder: O | "unread" | null;
  /** The event id is already in the ledger. */
  seen?: boolean;
}

/** The checkout's columns written by a create or an update (Prisma field names; a plain object type, not an interface). */
export type CheckoutFields = ReturnType<typeof recordData> & { [K in keyof TimelineState]: TimelineState[K] } & {
  completedAt: Date | null;
  leaseOwner?: null;
  leaseUntil?: null;
};

export type IngestDecision<O extends WaitingOrder> =
  | { kind: "refused"; problem: DateProblem }
  | { kind: "duplicate" }
  | { kind: "stale" }
  | { kind: "order_waiting" }
  | { kind: "create"; token: string; fields: CheckoutFields; attribute: O | null }
  /** `from`: the held row the fields were computed from (a writer may require it unchanged: the PostgreSQL batch). */
  | { kind: "update"; id: string; from: HeldCheckout; fields: CheckoutFields; attribute: O | null };

/** A parsed checkout as its columns (lists as JSON text). */
export function recordData(r: CheckoutRecord) {
  return {
    cartToken: r.cartToken,
    customerId: r.customerId,
    email: r.email,
    phone: r.phone,
    firstName: r.firstName,
    lastName: r.lastName,
    customerKey: r.customerKey,
    emailConsent: r.emailConsent,
    smsConsent: r.smsConsent,
    returningCustomer: r.returningCustomer,
    customerOrdersCount: r.customerOrdersCount,
    locale: r.locale,
    lineItems: JSON.stringify(r.lineItems),
    lineItemCount: r.lineItemCount,
    currency: r.currency,
    subtotalMinor: r.subtotalMinor,
    totalMinor: r.totalMinor,
    shopCurrency: r.shopCurrency,
    shopTotalMinor: r.shopTotalMinor,
    customerTags: JSON.stringify(r.customerTags),
    whatsappConsent: r.whatsappConsent,
    discountCodes: JSON.stringify(r.discountCodes),
    abandonedCheckoutUrl: r.abandonedCheckoutUrl,
    sourceName: r.sourceName,
    isTest: r.isTest,
    isStaff: r.isStaff,
    failedPayment: r.failedPayment,
    shopifyCreatedAt: r.shopifyCreatedAt,
    shopifyUpdatedAt: r.shopifyUpdatedAt,
  };
}

export function decideIngest<O extends WaitingOrder>({ existing, incoming, settings, now, waitingOrder, seen = false }: IngestInput<O>): IngestDecision<O> {
  const problem = checkoutDateProblem(incoming, now);
  if (problem) return { kind: "refused", problem };
  if (seen) return { kind: "duplicate" };
  let record = clampCheckoutDates(incoming, now);
  // Same updated_at second: merged when it brings contact data, else a repeat (app/lib/update-order.ts).
  const verdict = existing ? compareUpdate(existing, record) : "newer";
  if (verdict === "stale") return { kind: "stale" };
  if (existing && verdict === "merge") record = mergeSameSecond(existing, record);
  const order = existing?.completedAt ? null : waitingOrder;
  if (order === "unread") return { kind: "order_waiting" };
  const completedAt = record.completedAt ?? existing?.completedAt ?? order?.shopifyCreatedAt ?? null;
  const timeline = timelineAfterUpdate(
    existing,
    { createdAt: record.shopifyCreatedAt, updatedAt: record.shopifyUpdatedAt, completed: completedAt !== null },
    settings,
  );
  const fields: CheckoutFields = {
    ...recordData(record),
    ...timeline,
    completedAt,
    ...(timeline.nextDueAt === null ? { leaseOwner: null, leaseUntil: null } : {}),
  };
  return existing
    ? { kind: "update", id: existing.id, from: existing, fields, attribute: order }
    : { kind: "create", token: record.token, fields, attribute: order };
}
