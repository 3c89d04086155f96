// shop (Admin API 2026-10, no access scope needed): the profile the app shows and acts on. `plan.displayName` is
// deprecated in 2026-10; `publicDisplayName` replaces it. The primary locale is not asked for here (`shopLocales`
// needs read_locales, a scope the app does not otherwise use): shop/update's `primary_locale` fills it.
import type { GraphqlOperation } from "./operation";

export type ShopProfileVariables = Record<string, never>;

/** ShopAddress (2026-10): every field nullable. */
export interface ShopProfileAddress {
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCodeV2: string | null;
}

export interface ShopProfileNode {
  name: string;
  /** The shop owner's email: Shopify writes to the owner there (staff alerts fall back to it). */
  email: string;
  /** The public-facing contact email customers use. */
  contactEmail: string;
  /** CurrencyCode enum, e.g. "USD", "JPY". */
  currencyCode: string;
  /** IANA time zone, e.g. "America/New_York". */
  ianaTimezone: string;
  myshopifyDomain: string;
  primaryDomain: { host: string } | null;
  billingAddress: ShopProfileAddress;
  plan: { publicDisplayName: string; partnerDevelopment: boolean; shopifyPlus: boolean };
}

export interface ShopProfileData {
  shop: ShopProfileNode;
}

export const ShopProfile: GraphqlOperation<ShopProfileVariables, ShopProfileData> = {
  name: "ShopProfile",
  query: `#graphql
query ShopProfile {
  shop {
    name
    email
    contactEmail
    currencyCode
    ianaTimezone
    myshopifyDomain
    primaryDomain {
      host
    }
    billingAddress {
      company
      address1
      address2
      city
      province
      provinceCode
      zip
      country
      countryCodeV2
    }
    plan {
      publicDisplayName
      partnerDevelopment
      shopifyPlus
    }
  }
}`,
};
