// Shopify's WhatsApp marketing consent per customer (customers_whats_app_marketing_consent/update), read at send
// time. Newest wins by the payload's updated_at: a delivery older than the stored state changes nothing.
import type { Prisma } from "@prisma/client";
import { db, type Db } from "../db.server";
import { recordWebhookEvent } from "./webhook-events.server";

export interface WhatsAppConsentUpdate {
  shop: string;
  customerId: string;
  /** subscribed | not_subscribed | unsubscribed | pending | redacted | null (Shopify has none). */
  state: string | null;
  /** The consent's updated_at; null when Shopify sends none (then the delivery time stands in). */
  updatedAt: Date | null;
  eventId: string;
  topic: string;
  now: Date;
}

/** Store one consent delivery (with its dedupe ledger entry, in one transaction). Returns the outcome. */
export async function applyWhatsAppConsent(u: WhatsAppConsentUpdate): Promise<"consent_updated" | "consent_stale"> {
  const at = u.updatedAt ?? u.now;
  return db.$transaction(async (tx: Prisma.TransactionClient) => {
    const current = await tx.customerConsent.findUnique({
      where: { shop_customerId: { shop: u.shop, customerId: u.customerId } },
      select: { whatsappUpdatedAt: true },
    });
    const stale = !!current?.whatsappUpdatedAt && current.whatsappUpdatedAt > at;
    await recordWebhookEvent(tx, { shop: u.shop, eventId: u.eventId, topic: u.topic, outcome: stale ? "stale" : "processed" });
    if (stale) return "consent_stale";
    await tx.customerConsent.upsert({
      where: { shop_customerId: { shop: u.shop, customerId: u.customerId } },
      create: { shop: u.shop, customerId: u.customerId, whatsappState: u.state, whatsappUpdatedAt: at },
      update: { whatsappState: u.state, whatsappUpdatedAt: at },
    });
    return "consent_updated";
  });
}

export interface StoredWhatsAppConsent {
  state: string | null;
  updatedAt: Date | null;
}

/** The stored consents of these customers, keyed `${shop}|${customerId}` (for a batch of the engine). */
export async function loadWhatsAppConsents(client: Db, pairs: Array<{ shop: string; customerId: string }>): Promise<Map<string, StoredWhatsAppConsent>> {
  const out = new Map<string, StoredWhatsAppConsent>();
  const byShop = new Map<string, string[]>();
  for (const p of pairs) byShop.set(p.shop, [...(byShop.get(p.shop) ?? []), p.customerId]);
  for (const [shop, ids] of byShop) {
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await client.customerConsent.findMany({
        where: { shop, customerId: { in: unique.slice(i, i + 500) } },
        select: { customerId: true, whatsappState: true, whatsappUpdatedAt: true },
      });
      for (const r of rows) out.set(`${shop}|${r.customerId}`, { state: r.whatsappState, updatedAt: r.whatsappUpdatedAt });
    }
  }
  return out;
}
