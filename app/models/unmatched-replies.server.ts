// Replies that matched no checkout: kept (once per provider message), listed for a person, linked to a checkout (then
// they go the usual reply path: conversation entry, Negotiating, staff alert) or dismissed. Every decision audited.
import type { StaffNotifier } from "../channels/types";
import { db } from "../db.server";
import { InputError } from "../lib/errors";
import { normalizeEmail, normalizePhone } from "../lib/contact";
import { audit } from "./audit.server";
import type { InboundReply, ReplyOutcome } from "./replies.server";
import { isUniqueViolation } from "./webhook-events.server";

export interface UnmatchedRow {
  id: string;
  channel: string;
  sender: string;
  body: string;
  receivedAt: string;
}

/** Keep a reply no checkout matched; a repeated delivery of the same provider message is kept once. */
export async function keepUnmatchedReply(r: InboundReply): Promise<{ id: string | null; duplicate: boolean }> {
  try {
    const row = await db.unmatchedReply.create({
      data: {
        shop: r.shop,
        channel: r.channel,
        sender: senderKey(r.channel, r.from),
        body: r.body.slice(0, 10_000),
        providerMessageId: r.providerMessageId,
        receivedAt: r.now,
      },
    });
    return { id: row.id, duplicate: false };
  } catch (err) {
    if (isUniqueViolation(err)) return { id: null, duplicate: true };
    throw err;
  }
}

export async function listUnmatchedReplies(shop: string): Promise<UnmatchedRow[]> {
  const rows = await db.unmatchedReply.findMany({ where: { shop, status: "open" }, orderBy: [{ receivedAt: "desc" }, { id: "asc" }], take: 200 });
  return rows.map((r) => ({ id: r.id, channel: r.channel, sender: r.sender, body: r.body, receivedAt: r.receivedAt.toISOString() }));
}

/** Checkouts a person may link a reply to: matching the search (email, name or phone digits), newest first. */
export async function linkCandidates(shop: string, q: string): Promise<Array<{ id: string; label: string }>> {
  const term = q.trim().slice(0, 100);
  if (term.length < 2) return [];
  const digits = term.replace(/\D/g, "");
  const rows = await db.checkout.findMany({
    where: {
      shop,
      redactedAt: null,
      OR: [
        { email: { contains: term.toLowerCase() } },
        { firstName: { contains: term } },
        { lastName: { contains: term } },
        ...(digits.length >= 4 ? [{ phone: { contains: digits } }] : []),
      ],
    },
    orderBy: [{ abandonedAt: "desc" }, { createdAt: "desc" }],
    take: 10,
    select: { id: true, email: true, phone: true, firstName: true, lastName: true, abandonedAt: true },
  });
  return rows.map((c) => ({
    id: c.id,
    label: [[c.firstName, c.lastName].filter(Boolean).join(" "), c.email ?? c.phone, c.abandonedAt ? c.abandonedAt.toISOString().slice(0, 10) : null]
      .filter(Boolean)
      .join(" · "),
  }));
}

async function claim(shop: string, id: string, status: "linked" | "dismissed", actor: string, now: Date, checkoutId: string | null) {
  const res = await db.unmatchedReply.updateMany({ where: { id, shop, status: "open" }, data: { status, checkoutId, decidedBy: actor, decidedAt: now } });
  if (res.count === 0) throw new InputError(409, "this reply was already handled, or is not this shop's");
}

/** A person links the reply to a checkout: it is recorded as that checkout's reply (the usual path), then audited. */
export async function linkUnmatchedReply(
  a: { shop: string; id: string; checkoutId: string; actor: string; now: Date },
  record: (r: InboundReply, notifier: StaffNotifier | null) => Promise<{ outcome: ReplyOutcome }>,
  notifier: StaffNotifier | null,
): Promise<ReplyOutcome> {
  const reply = await db.unmatchedReply.findFirst({ where: { id: a.id, shop: a.shop, status: "open" } });
  if (!reply) throw new InputError(404, "no such reply waiting");
  const checkout = await db.checkout.findFirst({ where: { id: a.checkoutId, shop: a.shop }, select: { id: true } });
  if (!checkout) throw new InputError(404, "no such checkout");
  await claim(a.shop, a.id, "linked", a.actor, a.now, checkout.id);
  const channel = reply.channel === "whatsapp" ? "whatsapp" : "email";
  const r = await record(
    { shop: a.shop, channel, from: reply.sender, body: reply.body, providerMessageId: reply.providerMessageId, checkoutId: checkout.id, now: a.now },
    notifier,
  );
  await audit(db, { shop: a.shop, checkoutId: checkout.id, actor: a.actor, action: "reply_linked", toValue: reply.id, detail: { outcome: r.outcome } });
  return r.outcome;
}

export async function dismissUnmatchedReply(a: { shop: string; id: string; actor: string; now: Date }): Promise<void> {
  await claim(a.shop, a.id, "dismissed", a.actor, a.now, null);
  await audit(db, { shop: a.shop, checkoutId: null, actor: a.actor, action: "reply_dismissed", toValue: a.id });
}

/** The sender as kept: a normalised email, or a phone as +digits (WhatsApp sends digits only). */
export function senderKey(channel: string, from: string): string {
  if (channel === "email") return normalizeEmail(from) ?? from.trim().toLowerCase().slice(0, 320);
  const p = normalizePhone(from.startsWith("+") ? from : `+${from.replace(/\D/g, "")}`);
  return p ?? from.trim().slice(0, 320);
}

/** customers/redact: the sender keys a customer's addresses are kept under. */
export function unmatchedSenders(addresses: Array<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const a of addresses) {
    if (!a) continue;
    out.add(senderKey("email", a));
    out.add(senderKey("whatsapp", a));
  }
  return [...out];
}
