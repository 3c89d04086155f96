// Shoppers' replies from the two inbound webhooks (SendGrid Inbound Parse, the WhatsApp Cloud API), each matched to
// its shop and recorded as a handoff (app/models/replies.server.ts), with the staff alert sent through the wired
// staff channel; WhatsApp delivery statuses are applied to the send ledger. The routes check the request; this acts.
import type { StaffNotifier } from "../channels/types";
import type { InboundEmail } from "../lib/inbound-email";
import type { InboundWhatsApp, WhatsAppStatus } from "../lib/whatsapp";
import { recordWhatsAppStatus } from "../models/message-tracking.server";
import { findShopByWhatsAppNumber, findShopForEmailReply, recordInboundReply } from "../models/replies.server";
import { linkUnmatchedReply } from "../models/unmatched-replies.server";
import { buildStaffNotifier } from "./wiring.server";

/** An emailed reply: its outcome (no_sender, empty, no_checkout, recorded, opted_out, duplicate). */
export async function receiveEmailReply(mail: InboundEmail, o: { now: Date; notifier?: StaffNotifier }): Promise<string> {
  if (mail.kind === "ignored") return mail.outcome;
  const shop = await findShopForEmailReply({ messageId: mail.messageId, from: mail.from });
  if (!shop) return "no_checkout";
  const r = await recordInboundReply(
    { shop, channel: "email", from: mail.from, body: mail.text, providerMessageId: mail.providerMessageId, messageId: mail.messageId, now: o.now },
    o.notifier ?? buildStaffNotifier(),
  );
  return r.outcome;
}

/** A WhatsApp webhook's messages (replies) and statuses, in order: one outcome each. */
export async function receiveWhatsAppWebhook(
  body: { messages: InboundWhatsApp[]; statuses: WhatsAppStatus[] },
  o: { now: Date; notifier?: StaffNotifier },
): Promise<string[]> {
  const { now } = o;
  const shops = new Map<string, string | null>();
  const shopFor = async (pnid: string | null) => {
    if (!pnid) return null;
    if (!shops.has(pnid)) shops.set(pnid, await findShopByWhatsAppNumber(pnid));
    return shops.get(pnid) ?? null;
  };
  const outcomes: string[] = [];
  const notifier = o.notifier ?? buildStaffNotifier();
  for (const m of body.messages) {
    const shop = await shopFor(m.phoneNumberId);
    if (!shop) {
      outcomes.push("unknown_number");
      continue;
    }
    const r = await recordInboundReply(
      { shop, channel: "whatsapp", from: `+${m.from.replace(/\D/g, "")}`, body: m.text, providerMessageId: `whatsapp:${m.id}`, now: m.at ?? now },
      notifier,
    );
    outcomes.push(r.outcome);
  }
  for (const s of body.statuses) {
    await recordWhatsAppStatus(s, now);
    outcomes.push(`status:${s.status}`);
  }
  return outcomes;
}

/** A person links a kept reply to a checkout (Unmatched replies): recorded as that checkout's reply, alert and all. */
export async function linkReplyFromInbox(a: { shop: string; id: string; checkoutId: string; actor: string; now: Date }, notifier?: StaffNotifier) {
  return linkUnmatchedReply(a, recordInboundReply, notifier ?? buildStaffNotifier());
}
