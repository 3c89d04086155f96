// One checkout with everything the detail page shows: messages, conversation, notes, audit trail, incentives,
// and the same customer's other checkouts and orders. Scoped to the shop: another shop's id finds nothing.
import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import { withNumbers } from "./int64-columns.server";

export async function getCheckoutDetail({ shop, id }: { shop: string; id: string }) {
  const checkout = await db.checkout.findFirst({ where: { id, shop } });
  if (!checkout) return null;
  const same: Prisma.CheckoutWhereInput[] = [];
  if (checkout.customerId) same.push({ customerId: checkout.customerId });
  if (checkout.customerKey) same.push({ customerKey: checkout.customerKey });
  const orderOr: Prisma.OrderWhereInput[] = [];
  if (checkout.customerId) orderOr.push({ customerId: checkout.customerId });
  if (checkout.email) orderOr.push({ email: checkout.email });
  const [messages, conversation, notes, audit, incentives, otherCheckouts, orders] = await Promise.all([
    db.message.findMany({
      where: { checkoutId: id, shop },
      orderBy: { createdAt: "asc" },
      take: 100,
      select: {
        id: true,
        stepId: true,
        channel: true,
        status: true,
        createdAt: true,
        sentAt: true,
        deliveredAt: true,
        openedAt: true,
        clickedAt: true,
        failedAt: true,
        bouncedAt: true,
        lastError: true,
        skipReason: true,
        incentiveCode: true,
        subject: true,
      },
    }),
    db.conversationEntry.findMany({ where: { checkoutId: id, shop }, orderBy: { createdAt: "asc" }, take: 200 }),
    db.checkoutNote.findMany({ where: { checkoutId: id, shop }, orderBy: { createdAt: "asc" }, take: 200 }),
    db.auditLog.findMany({ where: { shop, checkoutId: id }, orderBy: { createdAt: "asc" }, take: 200 }),
    db.incentive.findMany({ where: { checkoutId: id, shop }, orderBy: { createdAt: "desc" }, take: 20 }),
    same.length
      ? db.checkout.findMany({
          where: { shop, id: { not: id }, OR: same },
          orderBy: { shopifyCreatedAt: "desc" },
          take: 20,
          select: { id: true, shopifyCreatedAt: true, totalMinor: true, currency: true, stage: true, status: true },
        })
      : Promise.resolve([]),
    // One indexed query per key (an OR makes the planner walk every order by date), merged.
    Promise.all(orderOr.map((w) => db.order.findMany({ where: { shop, ...w }, orderBy: { shopifyCreatedAt: "desc" }, take: 20 }))).then((lists) => {
      const seen = new Map(lists.flat().map((o) => [o.id, o]));
      return [...seen.values()].sort((a, b) => b.shopifyCreatedAt.getTime() - a.shopifyCreatedAt.getTime()).slice(0, 20);
    }),
  ]);
  // Money columns as numbers (int64-columns.server.ts): the page's loader answers JSON.
  return {
    checkout: withNumbers(checkout),
    messages,
    conversation,
    notes,
    audit,
    incentives: incentives.map(withNumbers),
    otherCheckouts: otherCheckouts.map((o) => withNumbers(o)),
    orders: orders.map(withNumbers),
  };
}
