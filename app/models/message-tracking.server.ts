// What happened to a message after it left: opens and clicks from our signed links, provider events (SendGrid
// delivered/open/click/bounce/dropped/spam report/unsubscribe) deduped by the provider's event id, unsubscribes.
// Every update is idempotent: a timestamp is set once, and the status only moves forward.
import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import { isUniqueViolation } from "./webhook-events.server";
import { suppress, type SuppressionReason } from "./suppressions.server";

type Tx = Prisma.TransactionClient;

// Forward-only engagement ladder; failed/bounced/skipped are terminal and never overwritten by engagement.
const LADDER = ["pending", "sending", "sent", "delivered", "opened", "clicked"] as const;
type Rung = (typeof LADDER)[number];

function below(status: Rung): string[] {
  return LADDER.slice(0, LADDER.indexOf(status));
}

async function bumpStatus(tx: Tx | typeof db, messageId: string, to: Rung) {
  await tx.message.updateMany({ where: { id: messageId, status: { in: below(to) } }, data: { status: to } });
}

export async function markOpened(tx: Tx | typeof db, messageId: string, at: Date) {
  await tx.message.updateMany({ where: { id: messageId, openedAt: null }, data: { openedAt: at } });
  await bumpStatus(tx, messageId, "opened");
}

export async function markClicked(tx: Tx | typeof db, messageId: string, at: Date) {
  await tx.message.updateMany({ where: { id: messageId, openedAt: null }, data: { openedAt: at } });
  await tx.message.updateMany({ where: { id: messageId, clickedAt: null }, data: { clickedAt: at } });
  await bumpStatus(tx, messageId, "clicked");
}

export async function markDelivered(tx: Tx | typeof db, messageId: string, at: Date) {
  await tx.message.updateMany({ where: { id: messageId, deliveredAt: null }, data: { deliveredAt: at } });
  await bumpStatus(tx, messageId, "delivered");
}

export async function markBounced(tx: Tx | typeof db, messageId: string, at: Date, reason: string) {
  await tx.message.updateMany({ where: { id: messageId, bouncedAt: null }, data: { bouncedAt: at, status: "bounced", lastError: reason.slice(0, 500) } });
}

export async function markDropped(tx: Tx | typeof db, messageId: string, at: Date, reason: string) {
  await tx.message.updateMany({
    where: { id: messageId, failedAt: null, bouncedAt: null },
    data: { failedAt: at, status: "failed", lastError: `dropped: ${reason}`.slice(0, 500) },
  });
}

export async function markUnsubscribed(tx: Tx | typeof db, messageId: string, at: Date) {
  await tx.message.updateMany({ where: { id: messageId, unsubscribedAt: null }, data: { unsubscribedAt: at } });
}

/** The message behind a link token, with what the link routes need (redirect scope, unsubscribe address). */
export async function getMessageForLink(messageId: string) {
  return db.message.findUnique({
    where: { id: messageId },
    select: {
      id: true,
      shop: true,
      channel: true,
      recipient: true,
      status: true,
      checkout: { select: { id: true, email: true, phone: true, abandonedCheckoutUrl: true } },
      shopRef: { select: { domain: true, name: true, primaryDomain: true } },
    },
  });
}

export type LinkMessage = NonNullable<Awaited<ReturnType<typeof getMessageForLink>>>;

export async function recordOpen(messageId: string, now: Date) {
  await markOpened(db, messageId, now);
}

export async function recordClick(messageId: string, now: Date) {
  await db.$transaction((tx) => markClicked(tx, messageId, now));
}

/** The address an unsubscribe link on this message refers to (the recipient, or the checkout's contact). */
export function unsubscribeAddress(m: LinkMessage): { channel: "email" | "whatsapp"; address: string } | null {
  if (m.channel === "email") {
    const a = m.recipient ?? m.checkout.email;
    return a ? { channel: "email", address: a } : null;
  }
  if (m.channel === "whatsapp" || m.channel === "manual_whatsapp") {
    const a = m.recipient ?? m.checkout.phone;
    return a ? { channel: "whatsapp", address: a } : null;
  }
  return null;
}

/** The shopper opted out through the link: every later message on the channel is refused. Idempotent. */
export async function unsubscribeByMessage(m: LinkMessage, now: Date, reason: SuppressionReason = "unsubscribe"): Promise<boolean> {
  const target = unsubscribeAddress(m);
  if (!target) return false;
  await db.$transaction(async (tx) => {
    await suppress({ shop: m.shop, channel: target.channel, address: target.address, reason }, tx);
    await markUnsubscribed(tx, m.id, now);
    await tx.auditLog.create({
      data: {
        shop: m.shop,
        checkoutId: m.checkout.id,
        actor: "shopper:unsubscribe_link",
        action: "unsubscribe",
        toValue: target.channel,
        detail: JSON.stringify({ messageId: m.id }),
      },
    });
  });
  return true;
}

export interface ProviderEvent {
  eventKey: string;
  messageId: string | null;
  type: string;
  occurredAt: Date;
  detail?: Record<string, unknown>;
  /** Applied inside the same transaction as the dedupe row, only the first time the event is seen. */
  apply?: (tx: Tx) => Promise<void>;
}

/** Record a provider event exactly once (by its key). Returns false for a repeat. */
export async function recordProviderEvent(e: ProviderEvent): Promise<boolean> {
  try {
    await db.$transaction(async (tx) => {
      let messageId = e.messageId;
      if (messageId) {
        const exists = await tx.message.findUnique({ where: { id: messageId }, select: { id: true } });
        if (!exists) messageId = null;
      }
      await tx.messageEvent.create({
        data: { eventKey: e.eventKey, messageId, type: e.type, occurredAt: e.occurredAt, detail: e.detail ? JSON.stringify(e.detail) : null },
      });
      if (e.apply) await e.apply(tx);
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** A WhatsApp delivery status (from the Cloud API webhook), applied once to the message it names. */
export async function recordWhatsAppStatus(s: { id: string; status: string; at: Date | null; ourMessageId: string | null }, now: Date): Promise<void> {
  // By Meta's message id; else by ours (biz_opaque_callback_data): a send whose answer was lost with a crashed
  // process has no provider id yet, and its status is what tells the engine it was accepted (not to send again).
  let msg = await db.message.findFirst({ where: { providerId: s.id, channel: "whatsapp" }, select: { id: true } });
  if (!msg && s.ourMessageId && s.ourMessageId.length <= 64) {
    msg = await db.message.findFirst({ where: { id: s.ourMessageId, channel: "whatsapp" }, select: { id: true } });
    if (msg) await db.message.updateMany({ where: { id: msg.id, providerId: null }, data: { providerId: s.id.slice(0, 200) } });
  }
  const at = s.at ?? now;
  await recordProviderEvent({
    eventKey: `whatsapp:${s.id}:${s.status}`.slice(0, 190),
    messageId: msg?.id ?? null,
    type: s.status.slice(0, 40),
    occurredAt: at,
    apply: async (tx) => {
      if (!msg) return;
      if (s.status === "delivered") await markDelivered(tx, msg.id, at);
      else if (s.status === "read") await markOpened(tx, msg.id, at);
      else if (s.status === "failed") await markDropped(tx, msg.id, at, "whatsapp delivery failed");
    },
  });
}
