import type { Shop } from "@prisma/client";
import { db } from "../db.server";
import { parseSettings, type Settings } from "../lib/settings";
import { audit } from "./audit.server";

/** The holdout share a new install starts with (Settings > Measurement). */
export const NEW_INSTALL_HOLDOUT_PERCENT = 5;

export type ShopWithSettings = Shop & { parsedSettings: Settings };

// Webhooks arrive by the thousand per shop: keep each shop's row (with parsed settings) for a few seconds.
const CACHE_MS = 5_000;
const cache = new Map<string, { shop: ShopWithSettings | null; until: number }>();

export function forgetShopCache(domain?: string) {
  if (domain) cache.delete(domain);
  else cache.clear();
}

/**
 * The shop's row as an install makes it: only its domain. Nothing is invented: the name, emails, currency and time
 * zone come from Shopify (app/models/shop-profile.server.ts). A reinstall clears uninstalledAt and keeps the rest.
 */
export async function ensureShop({ domain }: { domain: string }) {
  // A new install measures its lift from the start: the holdout is on (Settings turns it off). A reinstall keeps the
  // shop's own settings.
  const settings = JSON.stringify({ holdout: { percent: NEW_INSTALL_HOLDOUT_PERCENT } });
  const shop = await db.shop.upsert({ where: { domain }, create: { domain, settings }, update: { uninstalledAt: null } });
  forgetShopCache(domain);
  return shop;
}

export async function getShop(domain: string): Promise<ShopWithSettings | null> {
  const shop = await db.shop.findUnique({ where: { domain } });
  return shop ? { ...shop, parsedSettings: parseSettings(shop.settings) } : null;
}

/** The shop with parsed settings, cached for a few seconds per process. */
export async function getShopCached(domain: string, now = Date.now()): Promise<ShopWithSettings | null> {
  const hit = cache.get(domain);
  if (hit && hit.until > now) return hit.shop;
  const shop = await getShop(domain);
  cache.set(domain, { shop, until: now + CACHE_MS });
  return shop;
}

export async function saveShopSettings({ domain, settings, actor }: { domain: string; settings: Settings; actor: string }) {
  await db.$transaction(async (tx) => {
    const before = await tx.shop.findUniqueOrThrow({ where: { domain } });
    await tx.shop.update({
      where: { domain },
      data: { settings: JSON.stringify(settings), settingsVersion: { increment: 1 } },
    });
    await audit(tx, { shop: domain, actor, action: "settings_update", fromValue: String(before.settingsVersion), toValue: String(before.settingsVersion + 1) });
  });
  forgetShopCache(domain);
}

/** app/uninstalled: sessions go, pending recovery stops, data stays until shop/redact. */
export async function markUninstalled(domain: string, now: Date) {
  await db.$transaction(async (tx) => {
    await tx.session.deleteMany({ where: { shop: domain } });
    const exists = await tx.shop.findUnique({ where: { domain }, select: { domain: true } });
    if (!exists) return;
    await tx.shop.update({ where: { domain }, data: { uninstalledAt: now } });
    const stopped = await tx.checkout.updateMany({
      where: { shop: domain, nextDueAt: { not: null } },
      data: { nextDueAt: null, leaseOwner: null, leaseUntil: null, status: "stopped", stopReason: "app_uninstalled" },
    });
    await audit(tx, { shop: domain, actor: "webhook:app/uninstalled", action: "uninstalled", detail: { stoppedCheckouts: stopped.count } });
  });
  forgetShopCache(domain);
}
