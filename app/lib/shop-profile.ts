// The shop's profile as Shopify tells it, mapped to the columns of Shop. Two sources: the Admin GraphQL `shop`
// query (install, backfill, "Reload from Shopify") and the shop/update webhook (REST shape). Pure: no database, no
// Shopify client. A value Shopify did not send (null, blank, or a time zone that is not an IANA name) is left out of
// the update, so a known value is never overwritten with nothing.
import { z } from "zod";
import { isValidTimeZone } from "./settings";
import { formatInZone, formatShopAddress, parseShopAddress, type ShopAddress } from "./shop-view";

export interface StoredAddress extends ShopAddress {
  provinceCode?: string | null;
}

/** The Shop columns a profile update may set; a missing key means "leave as it is". */
export interface ProfileUpdate {
  name?: string;
  email?: string;
  contactEmail?: string;
  currency?: string;
  timezone?: string;
  primaryDomain?: string;
  primaryLocale?: string;
  billingAddress?: string; // JSON of StoredAddress
  planName?: string;
  devStore?: boolean;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** An IANA zone name this runtime knows ("Asia/Tokyo"); Shopify's display form "(GMT-05:00) Eastern Time" is not one. */
export function ianaZone(v: unknown): string | undefined {
  const zone = text(v);
  return zone && !zone.startsWith("(") && isValidTimeZone(zone) ? zone : undefined;
}

const currencyCode = (v: unknown): string | undefined => {
  const c = text(v)?.toUpperCase();
  return c && /^[A-Z]{3}$/.test(c) ? c : undefined;
};

const email = (v: unknown): string | undefined => {
  const e = text(v);
  return e && /^[^\s@]+@[^\s@]+$/.test(e) ? e : undefined;
};

function addressJson(a: StoredAddress): string | undefined {
  const clean: StoredAddress = {};
  for (const key of ["company", "address1", "address2", "city", "province", "provinceCode", "zip", "country", "countryCode"] as const) {
    const v = text(a[key]);
    if (v) clean[key] = v;
  }
  // An address with no street and no city is no address for a footer.
  return clean.address1 || clean.city ? JSON.stringify(clean) : undefined;
}

function compact(u: Record<string, unknown>): ProfileUpdate {
  return Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined)) as ProfileUpdate;
}

/** GraphQL ShopAddress / Shop (2026-10), loosely typed: the answer is checked here, not trusted. */
const GraphqlShop = z.object({
  name: z.string().nullish(),
  email: z.string().nullish(),
  contactEmail: z.string().nullish(),
  currencyCode: z.string().nullish(),
  ianaTimezone: z.string().nullish(),
  primaryDomain: z.object({ host: z.string().nullish() }).nullish(),
  billingAddress: z
    .object({
      company: z.string().nullish(),
      address1: z.string().nullish(),
      address2: z.string().nullish(),
      city: z.string().nullish(),
      province: z.string().nullish(),
      provinceCode: z.string().nullish(),
      zip: z.string().nullish(),
      country: z.string().nullish(),
      countryCodeV2: z.string().nullish(),
    })
    .nullish(),
  plan: z.object({ publicDisplayName: z.string().nullish(), partnerDevelopment: z.boolean().nullish() }).nullish(),
});

/** The `shop` of a ShopProfile answer -> the columns to set. Throws a ZodError when it is not a shop at all. */
export function profileFromGraphql(shop: unknown): ProfileUpdate {
  const s = GraphqlShop.parse(shop);
  const a = s.billingAddress;
  return compact({
    name: text(s.name),
    email: email(s.email),
    contactEmail: email(s.contactEmail),
    currency: currencyCode(s.currencyCode),
    timezone: ianaZone(s.ianaTimezone),
    primaryDomain: text(s.primaryDomain?.host),
    billingAddress: a
      ? addressJson({
          company: a.company,
          address1: a.address1,
          address2: a.address2,
          city: a.city,
          province: a.province,
          provinceCode: a.provinceCode,
          zip: a.zip,
          country: a.country,
          countryCode: a.countryCodeV2,
        })
      : undefined,
    planName: text(s.plan?.publicDisplayName),
    devStore: typeof s.plan?.partnerDevelopment === "boolean" ? s.plan.partnerDevelopment : undefined,
  });
}

// REST plan_name values of development and sandbox stores (shop/update carries no partnerDevelopment flag).
const DEV_PLANS = new Set(["affiliate", "partner_test", "plus_partner_sandbox", "staff", "staff_business"]);

/** The documented shop/update payload (2026-07 example: iana_timezone may be null, updated_at may be null). */
const ShopUpdatePayload = z.object({
  name: z.string().nullish(),
  email: z.string().nullish(),
  customer_email: z.string().nullish(),
  currency: z.string().nullish(),
  iana_timezone: z.string().nullish(),
  primary_locale: z.string().nullish(),
  domain: z.string().nullish(),
  address1: z.string().nullish(),
  address2: z.string().nullish(),
  city: z.string().nullish(),
  province: z.string().nullish(),
  province_code: z.string().nullish(),
  zip: z.string().nullish(),
  country_name: z.string().nullish(),
  country_code: z.string().nullish(),
  plan_display_name: z.string().nullish(),
  plan_name: z.string().nullish(),
  updated_at: z.string().nullish(),
});

export interface ShopUpdate {
  update: ProfileUpdate;
  /** When this state of the shop was true: the payload's updated_at, else the delivery's X-Shopify-Triggered-At. */
  asOf: Date | null;
}

const validDate = (v: string | null | undefined): Date | null => {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** A shop/update body -> the columns to set and the moment it describes. Throws a ZodError on a non-object body. */
export function profileFromShopUpdate(payload: unknown, triggeredAt?: string | null): ShopUpdate {
  const p = ShopUpdatePayload.parse(payload);
  const planName = text(p.plan_name);
  return {
    update: compact({
      name: text(p.name),
      email: email(p.email),
      contactEmail: email(p.customer_email),
      currency: currencyCode(p.currency),
      timezone: ianaZone(p.iana_timezone),
      primaryLocale: text(p.primary_locale),
      primaryDomain: text(p.domain),
      billingAddress: addressJson({
        address1: p.address1,
        address2: p.address2,
        city: p.city,
        province: p.province,
        provinceCode: p.province_code,
        zip: p.zip,
        country: p.country_name,
        countryCode: p.country_code,
      }),
      planName: text(p.plan_display_name),
      devStore: planName ? DEV_PLANS.has(planName) : undefined,
    }),
    asOf: validDate(p.updated_at) ?? validDate(triggeredAt),
  };
}

export interface StoredProfileState {
  name: string;
  email: string | null;
  currency: string | null;
  timezone: string | null;
  billingAddress: string | null;
  profileSyncedAt: Date | null;
  profileError: string | null;
}

export interface MissingProfileItem {
  field: "profile" | "name" | "email" | "currency" | "timezone" | "billingAddress";
  /** What is missing and what it means for the merchant. */
  message: string;
}

/** What Settings says is missing from the profile, and what that means. Empty when Shopify told us everything. */
export function missingProfile(shop: StoredProfileState): MissingProfileItem[] {
  const out: MissingProfileItem[] = [];
  if (!shop.profileSyncedAt) {
    out.push({
      field: "profile",
      message: shop.profileError
        ? `The store profile could not be loaded from Shopify (${shop.profileError}). The app works meanwhile; it tries again on its own.`
        : "The store profile has not been loaded from Shopify yet. The app works meanwhile; it loads it on its own.",
    });
  }
  if (!shop.name)
    out.push({ field: "name", message: "Store name unknown: emails are signed with the store's myshopify address until Shopify sends the name." });
  if (!shop.email)
    out.push({ field: "email", message: "Store owner email unknown: staff alerts go only to the alert address set below until Shopify sends it." });
  if (!shop.currency) out.push({ field: "currency", message: "Currency unknown: amounts show in USD until Shopify sends the store's currency." });
  if (!shop.timezone) out.push({ field: "timezone", message: "Time zone unknown: quiet hours count in UTC until Shopify sends it." });
  if (!shop.billingAddress)
    out.push({ field: "billingAddress", message: "Store address unknown: recovery emails carry no postal address unless you set one under Branding." });
  return out;
}

/** Why a load failed, in words for the merchant (no internal detail: that goes to the log). */
export function profileErrorText(kind: string, status?: number): string {
  if (kind === "http" && (status === 401 || status === 403)) return "Shopify refused the app's access; open the app from the Shopify admin to renew it";
  switch (kind) {
    case "no_session":
      return "the app has no access to the store yet; open the app from the Shopify admin";
    case "throttled":
      return "Shopify asked the app to slow down";
    case "network":
    case "http":
      return "Shopify could not be reached";
    case "graphql":
      return "Shopify refused the request";
    case "invalid":
      return "Shopify's answer could not be read";
    default:
      return "an unexpected error";
  }
}

export interface StoreProfileSummary {
  /** The name Shopify gave, or null (the page then shows the myshopify domain). */
  name: string | null;
  domain: string;
  email: string | null;
  contactEmail: string | null;
  currency: string | null;
  timezone: string | null;
  plan: string | null;
  devStore: boolean | null;
  /** One line, as the email footer prints it. */
  address: string | null;
  /** "4 Dec 2026, 10:15 (Asia/Tokyo)" or null when never loaded. */
  syncedAt: string | null;
  missing: MissingProfileItem[];
}

/** What the Settings "Store profile" card shows. */
export function storeProfileSummary(
  shop: StoredProfileState & { domain: string; contactEmail: string | null; planName: string | null; devStore: boolean | null },
): StoreProfileSummary {
  const syncedAt = shop.profileSyncedAt ? formatInZone(shop.profileSyncedAt, shop.timezone) : null;
  return {
    name: shop.name || null,
    domain: shop.domain,
    email: shop.email,
    contactEmail: shop.contactEmail,
    currency: shop.currency,
    timezone: shop.timezone,
    plan: shop.planName,
    devStore: shop.devStore,
    address: formatShopAddress(shop.name || shop.domain, parseShopAddress(shop.billingAddress)),
    syncedAt,
    missing: missingProfile(shop),
  };
}
