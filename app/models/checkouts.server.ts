import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import { withNumbers } from "./int64-columns.server";
import { InputError } from "../lib/errors";
import { decideIngest, type HeldCheckout } from "../lib/ingest-decision";
import { checkoutDateProblem, clampCheckoutDates, describeDateProblem } from "../lib/sane-dates";
import type { Settings } from "../lib/settings";
import type { CheckoutRecord } from "../lib/shopify-payloads";
import { audit } from "./audit.server";
import { attributeOrder } from "./orders.server";
import { recordWebhookEvent } from "./webhook-events.server";

export type IngestOutcome = "created" | "updated" | "stale";

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

/** The columns decideIngest reads of a held checkout (HeldCheckout). */
const HELD_COLUMNS = {
  id: true,
  status: true,
  abandonedAt: true,
  nextStepIndex: true,
  nextDueAt: true,
  stopReason: true,
  shopifyUpdatedAt: true,
  completedAt: true,
  email: true,
  phone: true,
  firstName: true,
  lastName: true,
  customerId: true,
} satisfies Record<keyof HeldCheckout, true>;

/**
 * ingestCheckout's work inside a transaction the caller owns: loads what the rule reads (the checkout held, the order
 * waiting for it), asks the rule (decideIngest, app/lib/ingest-decision.ts) and writes what it answers.
 */
export async function ingestCheckoutIn(tx: Prisma.TransactionClient, args: IngestCheckoutArgs): Promise<IngestOutcome> {
  const { shop, eventId, topic, settings, now } = args;
  const token = args.record.token;
  const existing = await tx.checkout.findUnique({ where: { shop_token: { shop, token } }, select: HELD_COLUMNS });
  // A completed checkout's order was attributed already; otherwise the earliest order that arrived before it.
  const waitingOrder = existing?.completedAt ? null : await tx.order.findFirst({ where: { shop, checkoutToken: token }, orderBy: { shopifyCreatedAt: "asc" } });
  const decision = decideIngest({ existing, incoming: args.record, settings, now, waitingOrder });
  switch (decision.kind) {
    case "refused":
      throw new InputError(422, `invalid payload: ${describeDateProblem(decision.problem)}`, { field: decision.problem.field });
    case "stale":
      await recordWebhookEvent(tx, { shop, eventId, topic, outcome: "stale" });
      return "stale";
    case "duplicate": // not asked (a repeat is the ledger's unique violation below)
    case "order_waiting": // the order was read
      throw new Error(`ingestCheckoutIn: unexpected decision ${decision.kind}`);
  }
  await recordWebhookEvent(tx, { shop, eventId, topic });
  const saved =
    decision.kind === "update"
      ? await tx.checkout.update({ where: { id: decision.id }, data: decision.fields })
      : await tx.checkout.create({ data: { shop, token: decision.token, ...decision.fields } });
  if (decision.attribute) await attributeOrder(tx, { shop, checkoutId: saved.id, order: decision.attribute, actor: `webhook:${topic}` });
  return decision.kind === "update" ? "updated" : "created";
}

export async function getCheckout({ shop, token }: { shop: string; token: string }) {
  const row = await db.checkout.findUnique({ where: { shop_token: { shop, token } } });
  return row ? withNumbers(row) : null;
}

export type TxClient = Prisma.TransactionClient;
export { audit };
