import { clampOrderDates } from "../lib/sane-dates";
import type { Order, Prisma } from "@prisma/client";
import { db } from "../db.server";
import { withNumbers } from "./int64-columns.server";
import { SENT_STATUSES, isAttributable } from "../lib/attribution";
import type { OrderRecord } from "../lib/shopify-payloads";
import { audit } from "./audit.server";
import { endShopperSequences } from "./shopper-orders.server";
import { recordWebhookEvent } from "./webhook-events.server";

/**
 * An order completes its checkout: recovery stops at once. It is a recovery when we had messaged the checkout
 * (see lib/attribution.ts); then the checkout moves to the Recovered stage and the order is credited to the last
 * message sent before it.
 */
export async function attributeOrder(
  tx: Prisma.TransactionClient,
  { shop, checkoutId, order, actor }: { shop: string; checkoutId: string; order: Order; actor: string },
) {
  const checkout = await tx.checkout.findUniqueOrThrow({ where: { id: checkoutId } });
  const lastSent = await tx.message.findFirst({
    // The last message the shopper got: staff alerts are internal and never take the credit.
    where: { checkoutId, status: { in: [...SENT_STATUSES] }, sentAt: { lte: order.shopifyCreatedAt }, channel: { not: "staff_alert" } },
    orderBy: { sentAt: "desc" },
  });
  const recovered = !order.isTest && isAttributable(lastSent?.sentAt, order.shopifyCreatedAt);
  const contacted = checkout.stage === "contacted" || checkout.stage === "negotiating" || checkout.stage === "lost";
  const newStage = recovered || contacted ? "recovered" : checkout.stage;
  await tx.checkout.update({
    where: { id: checkoutId },
    data: {
      completedAt: checkout.completedAt ?? order.shopifyCreatedAt,
      orderId: order.orderId,
      status: recovered ? "recovered" : "completed",
      nextDueAt: null,
      leaseOwner: null,
      leaseUntil: null,
      stopReason: "order_completed",
      stage: newStage,
      ...(newStage !== checkout.stage ? { stageChangedAt: order.shopifyCreatedAt } : {}),
      ...(recovered ? { recoveredAt: order.shopifyCreatedAt, recoveredRevenueMinor: order.totalMinor, attributedMessageId: lastSent?.id ?? null } : {}),
    },
  });
  if (recovered && lastSent) {
    await tx.order.update({
      where: { id: order.id },
      data: { recovered: true, attributedStepId: lastSent.stepId, attributedChannel: lastSent.channel },
    });
  }
  if (newStage !== checkout.stage) {
    await audit(tx, { shop, checkoutId, actor, action: "stage_change", fromValue: checkout.stage, toValue: newStage, detail: { orderId: order.orderId } });
  }
}

/** orders/create, exactly once per delivery (and once per order id even when Shopify sends it twice). */
export async function ingestOrder(args: {
  shop: string;
  eventId: string;
  topic: string;
  record: OrderRecord;
  /** "reconcile" when the order was read back from the Admin API (app/recovery/reconcile.server.ts). */
  source?: "webhook" | "reconcile";
  now?: Date;
}): Promise<"created" | "repeat"> {
  const { shop, eventId, topic } = args;
  // A created_at out of the sane range is clamped, never refused: refusing would lose a real purchase (app/lib/sane-dates.ts).
  const record = clampOrderDates(args.record, args.now ?? new Date());
  const actor = args.source === "reconcile" ? "system:reconcile" : `webhook:${topic}`;
  return db.$transaction(async (tx) => {
    const known = await tx.order.findUnique({ where: { shop_orderId: { shop, orderId: record.orderId } }, select: { id: true } });
    await recordWebhookEvent(tx, { shop, eventId, topic, outcome: known ? "ignored" : "processed" });
    if (known) return "repeat";
    const order = await tx.order.create({
      data: {
        shop,
        orderId: record.orderId,
        name: record.name,
        checkoutToken: record.checkoutToken,
        cartToken: record.cartToken,
        customerId: record.customerId,
        email: record.email,
        phone: record.phone,
        customerKey: record.customerKey,
        // Shop money (what the merchant's figures add up, and recoveredRevenueMinor); the shopper's beside it.
        currency: record.currency,
        subtotalMinor: record.subtotalMinor,
        totalMinor: record.totalMinor,
        totalDiscountsMinor: record.totalDiscountsMinor,
        presentmentCurrency: record.presentmentCurrency,
        presentmentTotalMinor: record.presentmentTotalMinor,
        discountCodes: JSON.stringify(record.discountCodes.map((d) => d.code)),
        isTest: record.isTest,
        shopifyCreatedAt: record.shopifyCreatedAt,
        source: args.source ?? "webhook",
      },
    });
    if (!record.isTest) {
      await tx.shop.update({
        where: { domain: shop },
        data: { orderCount: { increment: 1 }, orderRevenueMinor: { increment: BigInt(record.totalMinor) } },
      });
    }
    // A one-time code of ours used on this order.
    for (const d of record.discountCodes) {
      await tx.incentive.updateMany({
        where: { shop, code: d.code.toUpperCase(), usedAt: null },
        data: { status: "used", usedAt: record.shopifyCreatedAt, usedOrderId: record.orderId, discountMinor: d.amountMinor },
      });
    }
    const checkout = record.checkoutToken
      ? await tx.checkout.findUnique({ where: { shop_token: { shop, token: record.checkoutToken } }, select: { id: true, completedAt: true, orderId: true } })
      : null;
    if (checkout && !checkout.orderId) {
      await attributeOrder(tx, { shop, checkoutId: checkout.id, order, actor });
    }
    // Issue 14: no stored checkout for this order: the same shopper's open sequences end (ordered elsewhere).
    if (!checkout && !record.isTest) {
      await endShopperSequences(tx, {
        shop,
        orderId: record.orderId,
        email: record.email,
        phone: record.phone,
        orderedAt: record.shopifyCreatedAt,
        actor,
        now: args.now ?? new Date(),
      });
    }
    return "created";
  });
}

export async function listOrdersForCustomer({ shop, customerId, email }: { shop: string; customerId?: string | null; email?: string | null }) {
  const or: Prisma.OrderWhereInput[] = [];
  if (customerId) or.push({ customerId });
  if (email) or.push({ email });
  if (!or.length) return [];
  return (await db.order.findMany({ where: { shop, OR: or }, orderBy: { shopifyCreatedAt: "desc" }, take: 50 })).map(withNumbers);
}
