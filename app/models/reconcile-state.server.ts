// What reconciliation (app/recovery/reconcile.server.ts) reads and writes of a shop's sync state, and the stored
// versions of checkouts it compares Shopify's answers with.
import type { Shop } from "@prisma/client";
import { db } from "../db.server";

export async function hasOfflineToken(shop: string): Promise<boolean> {
  const s = await db.session.findFirst({ where: { shop, isOnline: false }, select: { accessToken: true } });
  return !!s?.accessToken;
}

/** A sync attempt starts now (and, with `error`, ended at once: e.g. no_session). */
export async function markSyncAttempt(domain: string, now: Date, error?: string): Promise<void> {
  await db.shop.update({ where: { domain }, data: { syncAttemptAt: now, ...(error ? { syncError: error } : {}) } });
}

/** Where a sync got to: orders and abandoned checkouts known up to these times, and the error (null = none). */
export async function recordSync(domain: string, a: { ordersSyncedAt: Date | null; checkoutsSyncedAt: Date | null; error: string | null }): Promise<void> {
  await db.shop.update({ where: { domain }, data: { ordersSyncedAt: a.ordersSyncedAt, checkoutsSyncedAt: a.checkoutsSyncedAt, syncError: a.error } });
}

export type HeldCheckout = {
  token: string;
  shopifyUpdatedAt: Date;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  customerId: string | null;
};

/** The stored checkouts of a shop among these tokens, by token (their version and contact). */
export async function heldCheckoutsByToken(shop: string, tokens: string[]): Promise<Map<string, HeldCheckout>> {
  const rows = await db.checkout.findMany({
    where: { shop, token: { in: tokens } },
    select: { token: true, shopifyUpdatedAt: true, email: true, phone: true, firstName: true, lastName: true, customerId: true },
  });
  return new Map(rows.map((r) => [r.token, r]));
}

/** Installed shops whose last sync attempt is older than `due` (never tried first), oldest first, at most `take`. */
export function shopsDueForSync(due: Date, take: number): Promise<Shop[]> {
  return db.shop.findMany({
    where: { uninstalledAt: null, OR: [{ syncAttemptAt: null }, { syncAttemptAt: { lte: due } }] },
    orderBy: [{ syncAttemptAt: { sort: "asc", nulls: "first" } }, { domain: "asc" }],
    take,
  });
}

export function shopsByDomain(domains: string[]): Promise<Shop[]> {
  return db.shop.findMany({ where: { domain: { in: domains } } });
}

/** Which of these order ids the shop already has stored. */
export async function knownOrderIds(shop: string, orderIds: string[]): Promise<Set<string>> {
  const rows = await db.order.findMany({ where: { shop, orderId: { in: orderIds } }, select: { orderId: true } });
  return new Set(rows.map((r) => r.orderId));
}
