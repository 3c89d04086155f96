import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import { withNumbers } from "./int64-columns.server";
import { timelineAfterUpdate } from "../lib/abandonment";
import { InputError } from "../lib/errors";
import { checkoutDateProblem, clampCheckoutDates, describeDateProblem } from "../lib/sane-dates";
import type { Settings } from "../lib/settings";
import { compareUpdate, mergeSameSecond } from "../lib/update-order";
import type { CheckoutRecord } from "../lib/shopify-payloads";
import { audit } from "./audit.server";
import { attributeOrder } from "./orders.server";
import { recordWebhookEvent } from "./webhook-events.server";

export type IngestOutcome = "created" | "updated" | "stale";

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

/**
 * checkouts/create and checkouts/update, exactly once per delivery: the event id goes into the ledger in the same
 * transaction as the change (a repeat throws a unique violation, and nothing else is written). An update older than
 * what we hold is recorded as stale and changes nothing. An order that arrived first completes the checkout now.
 */
export async function ingestCheckout(args: IngestCheckoutArgs): Promise<IngestOutcome> {
  return db.$transaction((tx) => ingestCheckoutIn(tx, args));
}

export interface IngestCheckoutArgs {
  shop: string;
  eventId: string;
  topic: string;
  record: CheckoutRecord;
  settings: Settings;
  now: Date;
}

/**
 * The record as it may be written: its completed_at clamped to the sane range (app/lib/sane-dates.ts); a created_at or
 * updated_at out of range is refused (422 naming the field), whoever the caller (webhook, group commit, reconcile).
 */
export function saneCheckoutRecord(record: CheckoutRecord, now: Date): CheckoutRecord {
  const problem = checkoutDateProblem(record, now);
  if (problem) throw new InputError(422, `invalid payload: ${describeDateProblem(problem)}`, { field: problem.field });
  return clampCheckoutDates(record, now);
}

/** ingestCheckout's work inside a transaction the caller owns (group commit: app/models/checkout-batch.server.ts). */
export async function ingestCheckoutIn(tx: Prisma.TransactionClient, args: IngestCheckoutArgs): Promise<IngestOutcome> {
  const { shop, eventId, topic, settings } = args;
  let record = saneCheckoutRecord(args.record, args.now);
  {
    const existing = await tx.checkout.findUnique({
      where: { shop_token: { shop, token: record.token } },
      select: {
        id: true, status: true, abandonedAt: true, nextStepIndex: true, nextDueAt: true, stopReason: true, shopifyUpdatedAt: true, completedAt: true,
        email: true, phone: true, firstName: true, lastName: true, customerId: true,
      },
    });
    // Same updated_at second: merged when it brings contact data, else a repeat (app/lib/update-order.ts).
    const verdict = existing ? compareUpdate(existing, record) : "newer";
    if (verdict === "stale") {
      await recordWebhookEvent(tx, { shop, eventId, topic, outcome: "stale" });
      return "stale";
    }
    if (existing && verdict === "merge") record = mergeSameSecond(existing, record);
    await recordWebhookEvent(tx, { shop, eventId, topic });
    const order = existing?.completedAt
      ? null
      : await tx.order.findFirst({ where: { shop, checkoutToken: record.token }, orderBy: { shopifyCreatedAt: "asc" } });
    const completedAt = record.completedAt ?? existing?.completedAt ?? order?.shopifyCreatedAt ?? null;
    const timeline = timelineAfterUpdate(
      existing,
      { createdAt: record.shopifyCreatedAt, updatedAt: record.shopifyUpdatedAt, completed: completedAt !== null },
      settings,
    );
    const data = { ...recordData(record), ...timeline, completedAt, ...(timeline.nextDueAt === null ? { leaseOwner: null, leaseUntil: null } : {}) };
    const saved = existing
      ? await tx.checkout.update({ where: { id: existing.id }, data })
      : await tx.checkout.create({ data: { shop, token: record.token, ...data } });
    if (order && !existing?.completedAt) {
      await attributeOrder(tx, { shop, checkoutId: saved.id, order, actor: `webhook:${topic}` });
    }
    return existing ? "updated" : "created";
  }
}

export async function getCheckout({ shop, token }: { shop: string; token: string }) {
  const row = await db.checkout.findUnique({ where: { shop_token: { shop, token } } });
  return row ? withNumbers(row) : null;
}

export type TxClient = Prisma.TransactionClient;
export { audit };
