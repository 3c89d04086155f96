// A shopper's reply (WhatsApp, or email through SendGrid Inbound Parse) becomes a handoff: stored on the checkout as
// a conversation entry, classified, and then either an opt-out (STOP and friends: the address is suppressed on that
// channel) or a move to Negotiating (automation pauses; audited with the webhook as actor) plus a staff alert with
// the cart summary. A repeated delivery of the same provider message id is recorded once.
import { checkoutWritten } from "./metric-days.server";
import { adminCheckoutUrl as adminLink } from "../lib/admin-links";
import { toShopView } from "../lib/shop-view";
import { checkoutViewOf } from "../lib/checkout-view";
import type { Checkout } from "@prisma/client";
import type { CheckoutView, StaffNotifier } from "../channels/types";
import { db } from "../db.server";
import { withNumbers } from "./int64-columns.server";
import { normalizeEmail, normalizePhone } from "../lib/contact";
import { formatMoney } from "../lib/money";
import { classifyReplyTopic, replyTopicLabel, type ReplyTopic, type ReplyTopicResult } from "../lib/reply-topics";
import { parseSettings } from "../lib/settings";
import { log } from "../log.server";
import { audit } from "./audit.server";
import { moveStageTx } from "./pipeline.server";
import { suppress } from "./suppressions.server";
import { keepUnmatchedReply } from "./unmatched-replies.server";
import { recordStaffAlert } from "./staff-alert-ledger.server";
import { isUniqueViolation } from "./webhook-events.server";

export type ReplyChannel = "whatsapp" | "email";

export interface InboundReply {
  shop: string;
  channel: ReplyChannel;
  /** Phone (WhatsApp wa_id / E.164) or email address of the sender. */
  from: string;
  body: string;
  providerMessageId: string | null;
  /** Our message id when the reply names it (reply+<id>@ address). */
  messageId?: string | null;
  /** The checkout a person linked it to (an unmatched reply, from the inbox). */
  checkoutId?: string | null;
  now: Date;
}

export type ReplyOutcome = "recorded" | "opted_out" | "duplicate" | "no_checkout";

/** The alert's link: the checkout inside the embedded admin (one builder: app/lib/admin-links.ts). */
export function adminCheckoutUrl(shop: string, checkoutId: string, apiKey: string | undefined = process.env.SHOPIFY_API_KEY): string {
  return adminLink(shop, checkoutId, apiKey);
}

async function findCheckout(r: InboundReply): Promise<Checkout | null> {
  if (r.checkoutId) return db.checkout.findFirst({ where: { id: r.checkoutId, shop: r.shop } });
  if (r.messageId) {
    const m = await db.message.findFirst({ where: { id: r.messageId, shop: r.shop }, select: { checkout: true } });
    if (m?.checkout) return m.checkout;
  }
  const order = [{ abandonedAt: "desc" as const }, { createdAt: "desc" as const }];
  if (r.channel === "whatsapp") {
    const p = normalizePhone(r.from.startsWith("+") ? r.from : `+${r.from.replace(/\D/g, "")}`);
    if (!p) return null;
    const digits = p.replace(/\D/g, "");
    return db.checkout.findFirst({ where: { shop: r.shop, redactedAt: null, phone: { in: [`+${digits}`, digits] } }, orderBy: order });
  }
  const e = normalizeEmail(r.from);
  return e ? db.checkout.findFirst({ where: { shop: r.shop, redactedAt: null, email: e }, orderBy: order }) : null;
}

/** The alert's one line about the reply: its topic, and whether it is urgent or the rules were unsure. */
function topicLine(t: Pick<ReplyTopicResult, "topic" | "urgency" | "confidence">): string {
  const notes = [t.urgency === "high" ? "urgent" : null, t.confidence < 0.6 ? "topic uncertain, please read" : null].filter(Boolean);
  return `${replyTopicLabel(t.topic)}${notes.length ? `, ${notes.join(", ")}` : ""}`;
}

export function replySummary(c: CheckoutView, channel: ReplyChannel, t: Pick<ReplyTopicResult, "topic" | "urgency" | "confidence">, body: string): string {
  const who = [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email || c.phone || "A shopper";
  const items = c.lineItems.map((li) => `${li.title}${li.variantTitle ? ` (${li.variantTitle})` : ""} x ${li.quantity}`).join(", ");
  const quoted = body.length > 800 ? `${body.slice(0, 799)}…` : body;
  return `${who} replied by ${channel === "whatsapp" ? "WhatsApp" : "email"} (${topicLine(t)}):\n"${quoted}"\n\nCart: ${items || "empty"}. Total ${formatMoney(c.totalMinor, c.currency)}.`;
}

export async function recordInboundReply(
  r: InboundReply,
  notifier: StaffNotifier | null,
): Promise<{ outcome: ReplyOutcome; checkoutId?: string; classification?: ReplyTopic; unmatchedId?: string }> {
  const checkout = await findCheckout(r);
  if (!checkout) {
    // Nothing a shopper writes is lost: kept for a person to link or dismiss (Unmatched replies).
    const kept = await keepUnmatchedReply(r);
    log.info({ shop: r.shop, channel: r.channel, unmatchedId: kept.id }, "reply not matched to a checkout; kept for a person");
    return kept.duplicate ? { outcome: "duplicate" } : { outcome: "no_checkout", unmatchedId: kept.id ?? undefined };
  }
  // Topics in the shopper's language (the checkout's locale, else detected): app/lib/reply-topics.ts.
  const topic = classifyReplyTopic(r.body, { locale: checkout.locale });
  const classification = topic.topic;
  const actor = r.channel === "whatsapp" ? "webhook:whatsapp" : "webhook:inbound-email";
  let entryId: string;
  try {
    entryId = await db.$transaction(async (tx) => {
      const entry = await tx.conversationEntry.create({
        data: {
          shop: r.shop,
          checkoutId: checkout.id,
          channel: r.channel,
          direction: "inbound",
          body: r.body.slice(0, 10_000),
          classification,
          providerMessageId: r.providerMessageId,
          createdAt: r.now,
        },
      });
      await checkoutWritten(tx, checkout.id); // its topic counts in its day's figures
      if (classification === "opt_out") {
        await suppress({ shop: r.shop, channel: r.channel, address: r.from, reason: "stop_reply" }, tx);
        const own = r.channel === "whatsapp" ? checkout.phone : checkout.email;
        if (own) await suppress({ shop: r.shop, channel: r.channel, address: own, reason: "stop_reply" }, tx);
        await audit(tx, { shop: r.shop, checkoutId: checkout.id, actor, action: "opt_out", toValue: r.channel });
      } else {
        await moveStageTx(tx, { shop: r.shop, checkoutId: checkout.id, to: "negotiating", actor, now: r.now, reason: `reply:${classification}` });
        await tx.checkout.updateMany({ where: { id: checkout.id, handoff: false }, data: { handoff: true, handoffReason: "reply", handedOffAt: r.now } });
      }
      return entry.id;
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { outcome: "duplicate", checkoutId: checkout.id };
    throw error;
  }
  if (classification === "opt_out") return { outcome: "opted_out", checkoutId: checkout.id, classification };

  if (notifier) {
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: r.shop } });
    const fresh = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    const shopView = toShopView(shop, parseSettings(shop.settings));
    const view = checkoutViewOf(withNumbers(fresh));
    const result = await notifier
      .notify({
        shop: shopView,
        checkout: view,
        reason: "reply",
        summary: replySummary(view, r.channel, topic, r.body),
        adminUrl: adminCheckoutUrl(r.shop, checkout.id),
        now: r.now,
      })
      .catch((e: unknown) => ({ kind: "failed" as const, reason: String((e as Error)?.message ?? e) }));
    // The alert goes into the send ledger too (Logs page), one per reply.
    await recordStaffAlert({ shop: r.shop, checkoutId: checkout.id, stepId: `reply:${entryId}`, result, now: r.now });
    if (result.kind !== "sent") log.warn({ shop: r.shop, checkoutId: checkout.id, reason: result.reason }, "staff alert for a reply not sent");
  }
  return { outcome: "recorded", checkoutId: checkout.id, classification };
}

/** The shop whose WhatsApp settings use this phone number id. */
export async function findShopByWhatsAppNumber(phoneNumberId: string): Promise<string | null> {
  const candidates = await db.shop.findMany({
    where: { settings: { contains: phoneNumberId }, uninstalledAt: null },
    select: { domain: true, settings: true },
  });
  return candidates.find((s) => parseSettings(s.settings).whatsapp.phoneNumberId === phoneNumberId)?.domain ?? null;
}

/** The shop an emailed reply belongs to: the message it answers (reply+<id>@), else the sender's latest emailed checkout. */
export async function findShopForEmailReply(r: { messageId: string | null; from: string }): Promise<string | null> {
  let shop: string | null = null;
  if (r.messageId) shop = (await db.message.findUnique({ where: { id: r.messageId }, select: { shop: true } }))?.shop ?? null;
  if (!shop)
    shop =
      (
        await db.checkout.findFirst({
          where: { email: r.from, messages: { some: { channel: "email" } } },
          orderBy: { createdAt: "desc" },
          select: { shop: true },
        })
      )?.shop ?? null;
  return shop;
}
