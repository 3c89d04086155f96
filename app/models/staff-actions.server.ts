// What a person does to a checkout from the admin: notes, owner, follow-ups, manual WhatsApp messages.
// Every write is scoped to the shop, refused with a 404 for another shop's checkout, and audited.
import { checkoutWritten } from "./metric-days.server";
import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import { normalizePhone } from "../lib/contact";
import { InputError } from "../lib/errors";
import { MANUAL_STEP_PREFIX, type ManualChannel } from "../lib/message-kinds";
import { audit } from "./audit.server";
import { moveByHandTx } from "./stage-moves.server";

async function owned(tx: Pick<typeof db, "checkout">, shop: string, checkoutId: string) {
  const c = await tx.checkout.findFirst({ where: { id: checkoutId, shop }, select: { id: true, owner: true, followUpAt: true } });
  if (!c) throw new InputError(404, "checkout not found");
  return c;
}

export async function addNote({ shop, checkoutId, author, body, now }: { shop: string; checkoutId: string; author: string; body: string; now: Date }) {
  const text = body.trim();
  if (!text) throw new InputError(400, "the note is empty");
  if (text.length > 5000) throw new InputError(400, "the note is longer than 5,000 characters");
  return db.$transaction(async (tx) => {
    await owned(tx, shop, checkoutId);
    const note = await tx.checkoutNote.create({ data: { shop, checkoutId, author, body: text, createdAt: now } });
    await checkoutWritten(tx, checkoutId); // a person acted on it: the staff figures of its day
    await audit(tx, { shop, checkoutId, actor: `staff:${author}`, action: "note", toValue: note.id });
    return note;
  });
}

export async function assignOwner({ shop, checkoutId, owner, actor }: { shop: string; checkoutId: string; owner: string | null; actor: string }) {
  const value = owner?.trim() ? owner.trim().slice(0, 120) : null;
  return db.$transaction(async (tx) => {
    const c = await owned(tx, shop, checkoutId);
    await tx.checkout.update({ where: { id: checkoutId }, data: { owner: value } });
    await audit(tx, { shop, checkoutId, actor, action: "owner_change", fromValue: c.owner, toValue: value });
  });
}

export async function scheduleFollowUp({
  shop,
  checkoutId,
  at,
  note,
  actor,
}: {
  shop: string;
  checkoutId: string;
  at: Date | null;
  note?: string | null;
  actor: string;
}) {
  return db.$transaction(async (tx) => {
    const c = await owned(tx, shop, checkoutId);
    await tx.checkout.update({ where: { id: checkoutId }, data: { followUpAt: at, followUpNote: at ? note?.trim() || null : null } });
    await audit(tx, {
      shop,
      checkoutId,
      actor,
      action: at ? "follow_up_scheduled" : "follow_up_cleared",
      fromValue: c.followUpAt?.toISOString() ?? null,
      toValue: at?.toISOString() ?? null,
    });
  });
}

/**
 * A WhatsApp message a person opened in click-to-chat: kept in the conversation, the audit log and the send ledger
 * (a shopper message, channel "manual_whatsapp"), and the card moves to Contacted (see recordManualContact).
 */
export async function logManualWhatsApp({
  shop,
  checkoutId,
  author,
  template,
  body,
  now,
}: {
  shop: string;
  checkoutId: string;
  author: string;
  template: string;
  body: string;
  now: Date;
}) {
  const text = body.trim();
  if (!text) throw new InputError(400, "the message is empty");
  return db.$transaction(async (tx) => {
    await owned(tx, shop, checkoutId);
    const entry = await tx.conversationEntry.create({
      data: { shop, checkoutId, channel: "whatsapp", direction: "outbound", body: text.slice(0, 4000), author, createdAt: now },
    });
    await audit(tx, { shop, checkoutId, actor: `staff:${author}`, action: "manual_whatsapp", toValue: template, detail: { entryId: entry.id } });
    await recordManualContact(tx, { shop, checkoutId, author, channel: "manual_whatsapp", bodyText: text.slice(0, 4000), now });
    return entry;
  });
}

/** A call a person started from a card (tel: link): logged as a shopper contact and the card moves to Contacted. */
export async function logManualCall({ shop, checkoutId, author, now }: { shop: string; checkoutId: string; author: string; now: Date }) {
  return db.$transaction(async (tx) => {
    await owned(tx, shop, checkoutId);
    await audit(tx, { shop, checkoutId, actor: `staff:${author}`, action: "manual_call" });
    return recordManualContact(tx, { shop, checkoutId, author, channel: "manual_call", bodyText: null, now });
  });
}

/**
 * The ledger row of a message a person sent (step id "manual:<n>", n counting this checkout's manual messages: a
 * colon is not allowed in cadence step ids, so it never meets one), and the move to Contacted from Abandoned or Lost
 * (from Lost it resumes automation as the card said). Negotiating and Contacted cards stay where they are.
 */
async function recordManualContact(
  tx: Prisma.TransactionClient,
  a: { shop: string; checkoutId: string; author: string; channel: ManualChannel; bodyText: string | null; now: Date },
) {
  const c = await tx.checkout.findUniqueOrThrow({ where: { id: a.checkoutId }, select: { stage: true, phone: true } });
  const n = await tx.message.count({ where: { checkoutId: a.checkoutId, stepId: { startsWith: MANUAL_STEP_PREFIX } } });
  const message = await tx.message.create({
    data: {
      shop: a.shop,
      checkoutId: a.checkoutId,
      stepId: `${MANUAL_STEP_PREFIX}${n + 1}`,
      stepIndex: -1,
      channel: a.channel,
      status: "sent",
      attempts: 1,
      recipient: normalizePhone(c.phone),
      bodyText: a.bodyText,
      sentAt: a.now,
      createdAt: a.now,
    },
  });
  if (c.stage === "abandoned" || c.stage === "lost") {
    await moveByHandTx(tx, { shop: a.shop, checkoutId: a.checkoutId, to: "contacted", actor: `staff:${a.author}`, now: a.now, reason: a.channel });
  }
  return message;
}
