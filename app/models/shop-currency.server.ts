// The shop's currency as a webhook states it (checkouts/* `currency`, orders/create shop_money), stored while the
// profile from the Admin API has not given it yet (Shop.currency null). Cheap: one conditional UPDATE per shop and
// process at most (a shop whose currency is known, or was stored here already, costs no query), and it never
// overwrites a currency the profile wrote.
import { db } from "../db.server";
import { forgetShopCache } from "./shops.server";

const learned = new Set<string>();

const ISO_4217 = /^[A-Z]{3}$/;

/** Stores `currency` as the shop's when the stored shop has none. Returns whether this call wrote it. */
export async function learnShopCurrency(shop: { domain: string; currency: string | null }, currency: string | null): Promise<boolean> {
  if (shop.currency || !currency || !ISO_4217.test(currency) || learned.has(shop.domain)) return false;
  learned.add(shop.domain);
  const { count } = await db.shop.updateMany({ where: { domain: shop.domain, currency: null }, data: { currency } });
  forgetShopCache(shop.domain);
  return count > 0;
}

/** Tests: forget which shops this process has already stored a currency for. */
export function forgetLearnedCurrencies() {
  learned.clear();
}
