// Normalized shopper addresses: one shopper across devices and checkouts is one customer key.

export function normalizeEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const e = email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) ? e : null;
}

/** Keeps a leading + and digits. Returns null for fewer than 7 digits. */
export function normalizePhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return null;
  return (trimmed.startsWith("+") ? "+" : "") + digits;
}

/** The key used for frequency caps and cross-device duplicates: email first, else phone. */
export function customerKeyOf(email: string | null | undefined, phone: string | null | undefined): string | null {
  const e = normalizeEmail(email);
  if (e) return `email:${e}`;
  const p = normalizePhone(phone);
  return p ? `phone:${p}` : null;
}
