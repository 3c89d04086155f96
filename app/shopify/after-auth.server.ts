// What an install (or a re-auth) does once Shopify handed over the offline session: the shop's row, then its profile
// from the Admin API. The profile load never fails the install: Shopify down or slow means the error is recorded
// (Settings says so) and the admin load or the tick tries again later.
import type { Session } from "@shopify/shopify-api";
import { loadShopProfile } from "../models/shop-profile.server";
import { ensureShop } from "../models/shops.server";
import type { AdminGraphqlOptions } from "./admin-graphql.server";

export async function afterAuth({ session }: { session: Pick<Session, "shop" | "accessToken"> }, o: { now?: Date; graphql?: AdminGraphqlOptions } = {}) {
  const now = o.now ?? new Date();
  await ensureShop({ domain: session.shop });
  // The session is the one just stored: use its token rather than read it back.
  const token = session.accessToken ?? null;
  await loadShopProfile({
    domain: session.shop,
    now,
    graphql: { ...(token ? { loadAccessToken: async () => token } : {}), maxNetworkRetries: 1, timeoutMs: 5_000, ...o.graphql },
  });
}
