// How opt-outs are keyed. Suppression.address holds the SHA-256 of the normalized address ("sha256:<hex>"), so an
// opt-out kept after a customer is redacted holds no personal data. Lookups also accept a plain normalized address
// (rows written before hashing, or by hand).
import { createHash } from "node:crypto";
import { normalizeEmail, normalizePhone } from "./contact";

export function hashAddress(normalized: string): string {
  return `sha256:${createHash("sha256").update(normalized).digest("hex")}`;
}

/** Every form an address may be stored under in Suppression.address. */
export function suppressionKeys(kind: "email" | "phone", address: string | null | undefined): string[] {
  const n = kind === "email" ? normalizeEmail(address) : normalizePhone(address);
  return n ? [n, hashAddress(n)] : [];
}
