// What a person does to a checkout from the admin: notes, owner, follow-ups, manual WhatsApp messages.
// Every write is scoped to the shop, refused with a 404 for another shop's checkout, and audited.
import { db } from "../db.server";
import { InputError } from "../lib/errors";
import { audit } from "./audit.server";

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

export async function scheduleFollowUp({ shop, checkoutId, at, note, actor }: { shop: string; checkoutId: string; at: Date | null; note?: string | null; actor: string }) {
  return db.$transaction(async (tx) => {
    const c = await owned(tx, shop, checkoutId);
    await tx.checkout.update({ where: { id: checkoutId }, data: { followUpAt: at, followUpNote: at ? (note?.trim() || null) : null } });
    await audit(tx, { shop, checkoutId, actor, action: at ? "follow_up_scheduled" : "follow_up_cleared", fromValue: c.followUpAt?.toISOString() ?? null, toValue: at?.toISOString() ?? null });
  });
}

/** A WhatsApp message a person opened in click-to-chat: kept in the conversation and the audit log. */
export async function logManualWhatsApp({ shop, checkoutId, author, template, body, now }: { shop: string; checkoutId: string; author: string; template: string; body: string; now: Date }) {
  const text = body.trim();
  if (!text) throw new InputError(400, "the message is empty");
  return db.$transaction(async (tx) => {
    await owned(tx, shop, checkoutId);
    const entry = await tx.conversationEntry.create({
      data: { shop, checkoutId, channel: "whatsapp", direction: "outbound", body: text.slice(0, 4000), author, createdAt: now },
    });
    await audit(tx, { shop, checkoutId, actor: `staff:${author}`, action: "manual_whatsapp", toValue: template, detail: { entryId: entry.id } });
    return entry;
  });
}
