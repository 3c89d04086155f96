// Money is integer minor units plus an ISO 4217 currency code. Parsing is exact (no floating point).
//
// Bounds (issue 15). Amounts are stored in 64-bit columns and carried as JavaScript numbers, which hold every integer
// up to 2^53 (about 9.007 * 10^15) exactly. Every amount we accept is at most MAX_MINOR_UNITS = 10^15 minor units,
// so a stored amount always converts to a number exactly. 10^15 covers the largest realistic order in every ISO 4217
// currency with room to spare: 22,400,000.00 UZS is 2.24 * 10^9; 150,000,000 IDR is 1.5 * 10^10; 3,000,000,000 IRR
// is 3 * 10^11; 10^15 minor units is 10 trillion of a 2-decimal currency (about US$10 million even in IRR at its
// market rate), 10^15 VND (0 decimals, about US$40 billion), 10^12 KWD (3 decimals). Sums (an Overview period, a
// shop's lifetime revenue) can in principle pass 2^53: Shop.orderRevenueMinor is kept as bigint; a period figure is a
// number, exact up to 2^53 minor units (over 9 * 10^13 of a 2-decimal currency in one period).

const exponentCache = new Map<string, number>();

/** The largest amount accepted anywhere, in minor units (either sign). Below Number.MAX_SAFE_INTEGER. */
export const MAX_MINOR_UNITS = 10 ** 15;
/** The largest quantity on one line item. */
export const MAX_QUANTITY = 1_000_000;
/** The largest count of a customer's orders (stored in a 32-bit column). */
export const MAX_ORDER_COUNT = 1_000_000_000;

/** Number of minor-unit digits for a currency (USD 2, JPY 0, KWD 3). Unknown codes fall back to 2. */
export function currencyExponent(currency: string): number {
  const code = (currency || "USD").toUpperCase();
  const hit = exponentCache.get(code);
  if (hit !== undefined) return hit;
  let digits = 2;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    digits = 2;
  }
  exponentCache.set(code, digits);
  return digits;
}

export type MinorUnits = { ok: true; minor: number | null } | { ok: false; problem: string };

/**
 * "12.34" (Shopify's decimal strings) -> 1234 for USD. Accepts numbers too. Rounds half away from zero beyond the
 * currency's precision. Absent (null, undefined, "") is `minor: null`; anything else that is not a finite decimal,
 * or is beyond MAX_MINOR_UNITS, is a problem in words.
 */
export function parseMinorUnits(value: unknown, currency: string): MinorUnits {
  if (value === null || value === undefined || value === "") return { ok: true, minor: null };
  if (typeof value !== "string" && typeof value !== "number") return { ok: false, problem: "not an amount" };
  const text = typeof value === "number" ? (Number.isFinite(value) ? value.toFixed(6) : "") : value.trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return { ok: false, problem: "not an amount" };
  const exp = currencyExponent(currency);
  const [, sign, digits, frac = ""] = m;
  const whole = digits.replace(/^0+(?=\d)/, "");
  const tooLarge = { ok: false as const, problem: `amount beyond ${MAX_MINOR_UNITS} minor units of ${currency.toUpperCase() || "USD"}` };
  if (whole.length > 16) return tooLarge; // Number(whole) would no longer be exact
  const kept = frac.slice(0, exp).padEnd(exp, "0");
  let minor = Number(whole) * 10 ** exp + (exp > 0 ? Number(kept) : 0);
  const next = frac.charAt(exp);
  if (next !== "" && Number(next) >= 5) minor += 1;
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR_UNITS) return tooLarge;
  return { ok: true, minor: sign && minor !== 0 ? -minor : minor };
}

/** parseMinorUnits' amount, or null when absent or refused (for forms and filters that say "enter an amount"). */
export function toMinorUnits(value: string | number | null | undefined, currency: string): number | null {
  const r = parseMinorUnits(value, currency);
  return r.ok ? r.minor : null;
}

/** 1234, "USD" -> "12.34": the exact decimal text of an integer amount (bigint too), for Intl's exact formatting. */
export function minorToDecimalText(minor: number | bigint, exp: number): string {
  if (typeof minor === "number" && !Number.isFinite(minor)) return String(minor); // "NaN", as Intl would show it
  const n = typeof minor === "bigint" ? minor : BigInt(Math.round(minor));
  const neg = n < 0n;
  const digits = (neg ? -n : n).toString().padStart(exp + 1, "0");
  const text = exp > 0 ? `${digits.slice(0, -exp)}.${digits.slice(-exp)}` : digits;
  return neg ? `-${text}` : text;
}

/** 1234, "USD" -> "$12.34" (in the given locale). Exact at any size (no division in floating point). */
export function formatMoney(minor: number | bigint, currency: string, locale = "en-US"): string {
  const exp = currencyExponent(currency);
  const text = minorToDecimalText(minor, exp) as Intl.StringNumericLiteral;
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(text);
  } catch {
    return `${text} ${currency}`;
  }
}
