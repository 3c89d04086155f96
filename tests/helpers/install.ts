// A shop installed the way Shopify installs it: an offline session, then the app's real afterAuth hook, which makes
// the shop's row and loads its profile from the Admin GraphQL stand-in (answering with the documented Shop shape).
import { db } from "../../app/db.server";
import type { Settings } from "../../app/lib/settings";
import { forgetShopCache } from "../../app/models/shops.server";
import { afterAuth } from "../../app/shopify/after-auth.server";
import { TEST_SHOP } from "./constants";
import { seedOfflineSession } from "./db";
import type { AdminGraphqlStandin } from "./standins/admin-graphql";
import { documentedShop, registerShopProfile, type ShopProfileStandin } from "./standins/shop-profile";

const registered = new WeakMap<AdminGraphqlStandin, ShopProfileStandin>();

/** The ShopProfile answers of this stand-in (registered on first use). */
export function shopProfiles(standin: AdminGraphqlStandin): ShopProfileStandin {
  let p = registered.get(standin);
  if (!p) {
    p = registerShopProfile(standin);
    registered.set(standin, p);
  }
  return p;
}

export async function installShop(
  standin: AdminGraphqlStandin,
  o: { domain?: string; shop?: Parameters<typeof documentedShop>[1]; settings?: Partial<Settings> & Record<string, unknown>; now?: Date } = {},
) {
  const domain = o.domain ?? TEST_SHOP;
  shopProfiles(standin).set(domain, documentedShop(domain, o.shop));
  const session = await seedOfflineSession(domain);
  await afterAuth({ session }, { now: o.now, graphql: { baseUrl: standin.shopBaseUrl } });
  if (o.settings) {
    await db.shop.update({ where: { domain }, data: { settings: JSON.stringify(o.settings) } });
    forgetShopCache(domain);
  }
  return db.shop.findUniqueOrThrow({ where: { domain } });
}
