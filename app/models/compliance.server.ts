// GDPR compliance webhooks: what we hold on a customer (data_request), erasing it (customers/redact), and erasing a
// whole shop (shop/redact). Suppressions are stored as hashes, so keeping an opt-out holds no personal data.
import { unmatchedSenders } from "./unmatched-replies.server";
import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import { int64 } from "./int64-columns.server";
import { normalizeEmail, normalizePhone } from "../lib/contact";
import { audit } from "./audit.server";
import { recordWebhookEvent } from "./webhook-events.server";

export interface CustomerRef {
  customerId: string | null;
  email: string | null;
  phone: string | null;
  orderIds: string[];
}

function checkoutMatch(shop: string, ref: CustomerRef): Prisma.CheckoutWhereInput | null {
  const or: Prisma.CheckoutWhereInput[] = [];
  if (ref.customerId) or.push({ customerId: ref.customerId });
  const email = normalizeEmail(ref.email);
  if (email) or.push({ email });
  const phone = normalizePhone(ref.phone);
  if (phone) or.push({ phone });
  return or.length ? { shop, OR: or } : null;
}

function orderMatch(shop: string, ref: CustomerRef): Prisma.OrderWhereInput | null {
  const or: Prisma.OrderWhereInput[] = [];
  if (ref.customerId) or.push({ customerId: ref.customerId });
  const email = normalizeEmail(ref.email);
  if (email) or.push({ email });
  if (ref.orderIds.length) or.push({ orderId: { in: ref.orderIds } });
  return or.length ? { shop, OR: or } : null;
}

/** customers/data_request: assemble everything we hold on the customer and keep it for the merchant. */
export async function exportCustomerData(args: { shop: string; eventId: string; topic: string; requestId: string | null; ref: CustomerRef }) {
  const { shop, ref } = args;
  return db.$transaction(async (tx) => {
    await recordWebhookEvent(tx, { shop, eventId: args.eventId, topic: args.topic });
    const cWhere = checkoutMatch(shop, ref);
    const oWhere = orderMatch(shop, ref);
    const checkouts = cWhere
      ? await tx.checkout.findMany({
          where: cWhere,
          include: {
            messages: { select: { stepId: true, channel: true, status: true, subject: true, sentAt: true, openedAt: true, clickedAt: true } },
            conversations: { select: { channel: true, direction: true, body: true, createdAt: true } },
            notes: { select: { author: true, body: true, createdAt: true } },
          },
        })
      : [];
    const orders = oWhere ? await tx.order.findMany({ where: oWhere }) : [];
    const tokens = checkouts.map((c) => c.token);
    const cartTokens = checkouts.map((c) => c.cartToken).filter((t): t is string => !!t);
    const push = await tx.pushSubscription.findMany({
      where: {
        shop,
        OR: [
          ...(ref.customerId ? [{ customerId: ref.customerId }] : []),
          ...(tokens.length ? [{ checkoutToken: { in: tokens } }] : []),
          ...(cartTokens.length ? [{ cartToken: { in: cartTokens } }] : []),
        ],
      },
      select: { endpoint: true, createdAt: true, userAgent: true },
    });
    const payload = {
      customer: { id: ref.customerId, email: ref.email, phone: ref.phone },
      checkouts: checkouts.map((c) => ({
        token: c.token,
        email: c.email,
        phone: c.phone,
        name: [c.firstName, c.lastName].filter(Boolean).join(" ") || null,
        emailConsent: c.emailConsent,
        smsConsent: c.smsConsent,
        lineItems: JSON.parse(c.lineItems),
        totalMinor: int64(c.totalMinor), // a bigint column: JSON.stringify refuses bigint
        currency: c.currency,
        createdAt: c.shopifyCreatedAt,
        completedAt: c.completedAt,
        messages: c.messages,
        conversations: c.conversations,
        notes: c.notes,
      })),
      orders: orders.map((o) => ({ orderId: o.orderId, name: o.name, totalMinor: int64(o.totalMinor), currency: o.currency, createdAt: o.shopifyCreatedAt })),
      pushSubscriptions: push.map((p) => ({ endpointHost: safeHost(p.endpoint), createdAt: p.createdAt, userAgent: p.userAgent })),
    };
    const saved = await tx.dataRequest.create({
      data: { shop, requestId: args.requestId, customerId: ref.customerId, email: ref.email, phone: ref.phone, payload: JSON.stringify(payload) },
    });
    await audit(tx, {
      shop,
      actor: `webhook:${args.topic}`,
      action: "data_request",
      toValue: saved.id,
      detail: { checkouts: checkouts.length, orders: orders.length },
    });
    return saved;
  });
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** customers/redact: erase the customer's personal data from checkouts, messages, replies, notes, orders, push. */
export async function redactCustomer(args: { shop: string; eventId: string; topic: string; ref: CustomerRef; now: Date }) {
  const { shop, ref, now } = args;
  return db.$transaction(async (tx) => {
    await recordWebhookEvent(tx, { shop, eventId: args.eventId, topic: args.topic });
    const cWhere = checkoutMatch(shop, ref);
    const checkouts = cWhere ? await tx.checkout.findMany({ where: cWhere, select: { id: true, token: true, cartToken: true } }) : [];
    const ids = checkouts.map((c) => c.id);
    if (ids.length) {
      await tx.checkout.updateMany({
        where: { id: { in: ids } },
        data: {
          email: null,
          phone: null,
          firstName: null,
          lastName: null,
          customerId: null,
          customerKey: null,
          abandonedCheckoutUrl: null,
          followUpNote: null,
          redactedAt: now,
          nextDueAt: null,
          leaseOwner: null,
          leaseUntil: null,
          stopReason: "customer_redacted",
        },
      });
      await tx.message.updateMany({
        where: { checkoutId: { in: ids } },
        data: { recipient: null, subject: null, bodyHtml: null, bodyText: null, purgedAt: now },
      });
      await tx.conversationEntry.updateMany({ where: { checkoutId: { in: ids } }, data: { body: "[redacted]" } });
      await tx.checkoutNote.updateMany({ where: { checkoutId: { in: ids } }, data: { body: "[redacted]" } });
    }
    const oWhere = orderMatch(shop, ref);
    if (oWhere) await tx.order.updateMany({ where: oWhere, data: { email: null, customerId: null } });
    const tokens = checkouts.map((c) => c.token);
    const cartTokens = checkouts.map((c) => c.cartToken).filter((t): t is string => !!t);
    const pushOr: Prisma.PushSubscriptionWhereInput[] = [
      ...(ref.customerId ? [{ customerId: ref.customerId }] : []),
      ...(tokens.length ? [{ checkoutToken: { in: tokens } }] : []),
      ...(cartTokens.length ? [{ cartToken: { in: cartTokens } }] : []),
    ];
    if (pushOr.length) await tx.pushSubscription.deleteMany({ where: { shop, OR: pushOr } });
    const drOr: Prisma.DataRequestWhereInput[] = [...(ref.customerId ? [{ customerId: ref.customerId }] : []), ...(ref.email ? [{ email: ref.email }] : [])];
    if (drOr.length) await tx.dataRequest.deleteMany({ where: { shop, OR: drOr } });
    if (ref.customerId) await tx.customerConsent.deleteMany({ where: { shop, customerId: ref.customerId } }); // WhatsApp consent
    // Replies kept from the customer's addresses that matched no checkout (the inbox).
    const senders = unmatchedSenders([ref.email, ref.phone]);
    if (senders.length) await tx.unmatchedReply.deleteMany({ where: { shop, sender: { in: senders } } });
    await audit(tx, { shop, actor: `webhook:${args.topic}`, action: "customer_redact", detail: { checkouts: ids.length } });
    return { checkouts: ids.length };
  });
}

/** shop/redact: delete everything of the shop (every table cascades from Shop) and its sessions. */
export async function redactShop(shop: string) {
  await db.$transaction(async (tx) => {
    await tx.session.deleteMany({ where: { shop } });
    await tx.shop.deleteMany({ where: { domain: shop } });
  });
}

export async function listDataRequests(shop: string) {
  return db.dataRequest.findMany({
    where: { shop },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, requestId: true, customerId: true, email: true, createdAt: true },
  });
}

export async function getDataRequest({ shop, id }: { shop: string; id: string }) {
  return db.dataRequest.findFirst({ where: { shop, id } });
}
