// Channel opt-outs and provider suppressions. The address is stored only as "sha256:<hex>" of its normalized form
// (app/lib/suppression.ts, the same keys the engine's eligibility check reads: email lower-cased, phone E.164 as
// normalizePhone gives it, push endpoint as is), so an opt-out that must outlive a GDPR redaction keeps no personal
// data, and every later message on that channel can still be checked against it.
import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import { normalizeEmail, normalizePhone } from "../lib/contact";
import { hashAddress } from "../lib/suppression";

export type SuppressionChannel = "email" | "push" | "whatsapp" | "all";
export type SuppressionReason = "unsubscribe" | "bounce" | "spam_report" | "stop_reply" | "manual" | "dropped";

/** The normalized form of an address for a channel, or null when it is not a usable address. */
export function normalizeAddress(channel: SuppressionChannel, address: string | null | undefined): string | null {
  if (!address) return null;
  if (channel === "email") return normalizeEmail(address);
  if (channel === "whatsapp") return normalizePhone(whatsappE164(address));
  if (channel === "push") return address.trim() || null;
  return normalizeEmail(address) ?? normalizePhone(address) ?? (address.trim() || null);
}

/** WhatsApp ids are full international numbers without "+": "15550102030" -> "+15550102030". */
export function whatsappE164(phone: string): string {
  const t = phone.trim();
  return t.startsWith("+") ? t : `+${t.replace(/\D/g, "")}`;
}

/** "sha256:<hex>" of the normalized address (null when the address is unusable). */
export function addressHash(channel: SuppressionChannel, address: string | null | undefined): string | null {
  const n = normalizeAddress(channel, address);
  return n ? hashAddress(n) : null;
}

function lookupKeys(channel: SuppressionChannel, address: string | null | undefined): string[] {
  const n = normalizeAddress(channel, address);
  return n ? [hashAddress(n), n] : []; // plain form: rows written by hand before hashing
}

type Client = Prisma.TransactionClient | typeof db;

/**
 * Whether the address may not be sent to on this channel (an opt-out on the channel, or on "all").
 * The engine's eligibility check and every sender call this.
 */
export async function isSuppressed(
  args: { shop: string; channel: Exclude<SuppressionChannel, "all">; address: string | null | undefined },
  client: Client = db,
): Promise<boolean> {
  const keys = lookupKeys(args.channel, args.address);
  if (!keys.length) return false;
  const hit = await client.suppression.findFirst({
    where: { shop: args.shop, channel: { in: [args.channel, "all"] }, address: { in: keys } },
    select: { id: true },
  });
  return hit !== null;
}

/** Record an opt-out/suppression. Idempotent: a second call for the same address and channel changes nothing. */
export async function suppress(
  args: { shop: string; channel: SuppressionChannel; address: string | null | undefined; reason: SuppressionReason },
  client: Client = db,
): Promise<boolean> {
  const hash = addressHash(args.channel, args.address);
  if (!hash) return false;
  const existing = await client.suppression.findUnique({
    where: { shop_channel_address: { shop: args.shop, channel: args.channel, address: hash } },
    select: { id: true },
  });
  if (existing) return false;
  try {
    await client.suppression.create({ data: { shop: args.shop, channel: args.channel, address: hash, reason: args.reason } });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") return false; // raced with another writer
    throw e;
  }
}

export async function unsuppress(args: { shop: string; channel: SuppressionChannel; address: string }, client: Client = db): Promise<void> {
  const hash = addressHash(args.channel, args.address);
  if (hash) await client.suppression.deleteMany({ where: { shop: args.shop, channel: args.channel, address: hash } });
}
