// Money is integer minor units plus an ISO 4217 currency code. Parsing is exact (no floating point).

const exponentCache = new Map<string, number>();

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

/**
 * "12.34" (Shopify's decimal strings) -> 1234 for USD. Accepts numbers too. Rounds half away from zero beyond the
 * currency's precision. Returns null for anything that is not a finite decimal.
 */
export function toMinorUnits(value: string | number | null | undefined, currency: string): number | null {
  if (value === null || value === undefined || value === "") return null;
  const text = typeof value === "number" ? (Number.isFinite(value) ? value.toFixed(6) : "") : String(value).trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const exp = currencyExponent(currency);
  const [, sign, whole, frac = ""] = m;
  const kept = frac.slice(0, exp).padEnd(exp, "0");
  let minor = Number(whole) * 10 ** exp + (exp > 0 ? Number(kept) : 0);
  const next = frac.charAt(exp);
  if (next !== "" && Number(next) >= 5) minor += 1;
  if (!Number.isSafeInteger(minor)) return null;
  return sign ? -minor : minor;
}

/** 1234, "USD" -> "$12.34" (in the given locale). */
export function formatMoney(minor: number, currency: string, locale = "en-US"): string {
  const exp = currencyExponent(currency);
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(minor / 10 ** exp);
  } catch {
    return `${(minor / 10 ** exp).toFixed(exp)} ${currency}`;
  }
}
