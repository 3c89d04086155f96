// The one place a stored shop becomes what channels, the engine and pages read. Nothing here is invented: a
// profile Shopify has not given us yet stays null, and `missingProfile` names what is missing for Settings.
import type { Settings } from "./settings";

export interface ShopAddress {
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province?: string | null;
  zip?: string | null;
  country?: string | null;
  countryCode?: string | null;
}

export interface ShopView {
  domain: string;
  /** The shop's name from Shopify; the myshopify domain until the profile is known. */
  name: string;
  /** The store owner's email (staff alerts fall back to it). */
  email: string | null;
  contactEmail: string | null;
  /** The shop's currency (every merchant figure); null until the profile or a webhook tells us. */
  currency: string | null;
  /** IANA time zone for quiet hours; null until the profile tells us (quiet hours then count in UTC, and Settings says so). */
  timezone: string | null;
  primaryDomain: string | null;
  primaryLocale: string | null;
  billingAddress: ShopAddress | null;
  settings: Settings;
}

export interface StoredShopProfile {
  domain: string;
  name: string;
  email: string | null;
  contactEmail?: string | null;
  currency: string | null;
  timezone: string | null;
  primaryDomain: string | null;
  primaryLocale?: string | null;
  billingAddress?: string | null;
}

/** Shop.billingAddress (JSON) as an address, or null when absent or unreadable. */
export function parseShopAddress(json: string | null | undefined): ShopAddress | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as ShopAddress) : null;
  } catch {
    return null;
  }
}

export function toShopView(shop: StoredShopProfile, settings: Settings): ShopView {
  return {
    domain: shop.domain,
    name: shop.name || shop.domain,
    email: shop.email,
    contactEmail: shop.contactEmail ?? null,
    currency: shop.currency,
    timezone: shop.timezone,
    primaryDomain: shop.primaryDomain,
    primaryLocale: shop.primaryLocale ?? null,
    billingAddress: parseShopAddress(shop.billingAddress),
    settings,
  };
}

/** One line for an email footer: "Super Toys, 190 MacLaren Street, Houston TN 37178, United States". */
export function formatShopAddress(name: string, a: ShopAddress | null): string | null {
  if (!a) return null;
  const cityLine = [a.city, [a.province, a.zip].filter(Boolean).join(" ")].filter(Boolean).join(" ");
  const parts = [a.company && a.company !== name ? a.company : null, a.address1, a.address2, cityLine, a.country].filter(
    (p): p is string => !!p && p.trim() !== "",
  );
  return parts.length ? parts.join(", ") : null;
}

/** The currency a merchant figure is shown in. Unknown (no profile, no webhook yet) falls back to `fallback`. */
export function merchantCurrency(shop: { currency: string | null }, fallback = "USD"): string {
  return shop.currency ?? fallback;
}

/** "4 Dec 2026, 10:15 (Asia/Tokyo)": a moment as Settings shows it, in the shop's zone (UTC while unknown). */
export function formatInZone(d: Date, timezone: string | null): string {
  const zone = timezone ?? "UTC";
  return `${new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(d)} (${zone})`;
}
