// Incentive rules with no I/O: who qualifies, what a code looks like, how it is described and linked.
import { randomInt } from "node:crypto";
import { currencyExponent, formatMoney } from "../lib/money";
import type { Settings } from "../lib/settings";

export type IncentiveKind = Settings["incentive"]["type"]; // percentage | fixed_amount | free_shipping
export const MANUAL_PERCENTAGES = [5, 10, 15, 20] as const;
export type ManualPercent = (typeof MANUAL_PERCENTAGES)[number];

/** Statuses of a code that reached the shopper (or could have): they count for "not twice within N days". */
export const GIVEN_STATUSES = ["pending", "active", "used", "expired", "deactivated"] as const;
/** Statuses of a code that exists on Shopify: the page's "issued". */
export const ISSUED_STATUSES = ["active", "used", "expired", "deactivated"] as const;

// No I, O, 0, 1: codes are read aloud and typed from a phone. 32 symbols x 10 = 50 bits: not guessable.
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const CODE_SUFFIX_LENGTH = 10;

export function randomCodeSuffix(length = CODE_SUFFIX_LENGTH, pick: (max: number) => number = randomInt): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[pick(ALPHABET.length)];
  return out;
}

/** "BACK" + "7KQ2M9XHTP" -> "BACK-7KQ2M9XHTP"; no prefix -> the suffix alone. Always upper case. */
export function makeCode(prefix: string, suffix: string): string {
  const p = prefix.trim().toUpperCase();
  if (!p) return suffix.toUpperCase();
  return p.endsWith("-") ? `${p}${suffix}`.toUpperCase() : `${p}-${suffix}`.toUpperCase();
}

/** 500, "USD" -> "5.00" (Shopify's Decimal). */
export function minorToDecimal(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(Math.trunc(minor));
  if (exp === 0) return `${sign}${abs}`;
  const s = String(abs).padStart(exp + 1, "0");
  return `${sign}${s.slice(0, -exp)}.${s.slice(-exp)}`;
}

export function describeIncentive(
  i: { kind: string; percentOff?: number | null; amountOffMinor?: number | null; currency?: string | null },
  locale = "en-US",
): string {
  if (i.kind === "free_shipping") return "Free shipping";
  if (i.kind === "fixed_amount") return `${formatMoney(i.amountOffMinor ?? 0, i.currency ?? "USD", locale)} off`;
  return `${i.percentOff ?? 0}% off`;
}

/** The path (and query: the recovery key lives there) of a checkout's recovery URL; "/cart" when unknown. */
export function recoveryPath(abandonedCheckoutUrl: string | null | undefined): string {
  if (!abandonedCheckoutUrl) return "/cart";
  try {
    const u = new URL(abandonedCheckoutUrl);
    return `${u.pathname}${u.search}` || "/cart";
  } catch {
    return abandonedCheckoutUrl.startsWith("/") ? abandonedCheckoutUrl : "/cart";
  }
}

/** https://<shop>/discount/<CODE>?redirect=<checkout path>: Shopify applies the code, then opens the checkout. */
export function applyUrl(shopDomain: string, code: string, abandonedCheckoutUrl: string | null | undefined): string {
  return `https://${shopDomain}/discount/${encodeURIComponent(code)}?redirect=${encodeURIComponent(recoveryPath(abandonedCheckoutUrl))}`;
}

export type SkipReason =
  | "disabled"
  | "step_does_not_carry_incentive"
  | "cart_has_discount"
  | "below_min_cart_value"
  | "below_min_subtotal"
  | "recently_given_to_customer"
  | "checkout_not_found"
  | "checkout_closed";

export interface EligibilityInput {
  settings: Settings["incentive"];
  checkout: { subtotalMinor: number; totalMinor: number; discountCodes: string[]; status: string; completedAt: Date | null };
  /** Another code went to this shopper within `notTwiceWithinDays`. */
  recentlyGiven: boolean;
}

/** Why an automatic incentive is not given, or null when it is. The order of checks is the order merchants read them. */
export function skipReason({ settings, checkout, recentlyGiven }: EligibilityInput): SkipReason | null {
  if (!settings.enabled) return "disabled";
  if (checkout.completedAt || ["completed", "recovered"].includes(checkout.status)) return "checkout_closed";
  if (settings.skipIfCartHasDiscount && checkout.discountCodes.length > 0) return "cart_has_discount";
  if (checkout.totalMinor < settings.minCartValueMinor) return "below_min_cart_value";
  if (checkout.subtotalMinor < settings.minSubtotalMinor) return "below_min_subtotal";
  if (settings.notTwiceWithinDays > 0 && recentlyGiven) return "recently_given_to_customer";
  return null;
}

export function parseCodes(json: string | null | undefined): string[] {
  try {
    const v = JSON.parse(json ?? "[]");
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x.trim() !== "") : [];
  } catch {
    return [];
  }
}
