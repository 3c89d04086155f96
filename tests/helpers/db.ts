// Database helpers for tests: a clean slate, a shop, an offline session (as after a real install).
import { Session } from "@shopify/shopify-api";
import { db } from "../../app/db.server";
import { ensureShop, forgetShopCache } from "../../app/models/shops.server";
import type { Settings } from "../../app/lib/settings";
import { TEST_SHOP } from "./constants";

// Children before parents (foreign keys).
const TABLES = [
  "messageEvent",
  "message",
  "incentive",
  "conversationEntry",
  "checkoutNote",
  "auditLog",
  "checkout",
  "order",
  "webhookEvent",
  "pushSubscription",
  "suppression",
  "dataRequest",
  "customerConsent",
  "channelCheck",
  "shopSecret",
  "appSetting",
  "shop",
  "session",
] as const;

export async function resetDatabase() {
  for (const t of TABLES) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await (db as any)[t].deleteMany({});
  }
  forgetShopCache();
}

/**
 * A shop row as an install makes it: only its domain (and, for the test, its settings). No name, email, currency or
 * time zone: a test that needs the shop's profile installs it through the real path (tests/helpers/install.ts).
 */
export async function seedShop(domain = TEST_SHOP, settings?: Partial<Settings> & Record<string, unknown>) {
  const shop = await ensureShop({ domain });
  if (settings) {
    await db.shop.update({ where: { domain }, data: { settings: JSON.stringify(settings) } });
    forgetShopCache(domain);
  }
  return shop;
}

/** An offline session in storage, as the OAuth / token exchange would leave it. */
export async function seedOfflineSession(shop = TEST_SHOP, scope = "read_orders,write_discounts") {
  const session = new Session({ id: `offline_${shop}`, shop, state: "state", isOnline: false, scope, accessToken: "shpat_test_token" });
  await db.session.upsert({
    where: { id: session.id },
    create: { id: session.id, shop, state: "state", isOnline: false, scope, accessToken: "shpat_test_token" },
    update: {},
  });
  return session;
}
