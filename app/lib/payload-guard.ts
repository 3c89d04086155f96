// What no webhook value may carry into a statement, checked once on the parsed body before any handler runs:
// PostgreSQL refuses a NUL character in text (SQLite stores it), neither database can store a lone UTF-16 surrogate
// as valid UTF-8, and an over-long value in an indexed column fails PostgreSQL's btree row limit (about 2.7 KB). Each of
// these, once stored or half-stored, failed every retry of the delivery or a whole tick batch after it; refused here,
// the delivery gets one 422 and nothing is written. The scan is skipped for bodies that cannot hold such a value.

import { textProblem } from "./db-text";

/** Keys whose values are stored in indexed columns or used as identifiers: at most this many characters. */
export const IDENTIFIER_KEYS = new Set([
  "token",
  "cart_token",
  "checkout_token",
  "email",
  "phone",
  "sms_marketing_phone",
  "contact_email",
  "id",
  "customer_id",
  "name",
  "code",
]);
export const IDENTIFIER_MAX_CHARS = 512;
/** Any other string: a product title, a note, a URL. Larger bodies are refused by size before this. */
export const TEXT_MAX_CHARS = 16_384;
/** Nesting deeper than any Shopify payload: refused rather than walked. */
export const MAX_DEPTH = 32;

export interface PayloadProblem {
  /** Where in the body: "line_items.3.title". Never the value itself (it may be personal data). */
  path: string;
  reason: "nul_character" | "lone_surrogate" | "too_long" | "too_deep";
}

function stringProblem(value: string, key: string): PayloadProblem["reason"] | null {
  const max = IDENTIFIER_KEYS.has(key) ? IDENTIFIER_MAX_CHARS : TEXT_MAX_CHARS;
  if (value.length > max) return "too_long";
  return textProblem(value); // the same rule the statements apply (app/lib/db-text.ts)
}

/** The first value in `body` that no database of ours can take, or null. The path is built only for a problem. */
export function findPayloadProblem(body: unknown): PayloadProblem | null {
  const path: string[] = [];
  const found = (reason: PayloadProblem["reason"]): PayloadProblem => ({ path: path.join("."), reason });
  const walk = (v: unknown, key: string, depth: number): PayloadProblem | null => {
    if (typeof v === "string") {
      const reason = stringProblem(v, key);
      return reason ? found(reason) : null;
    }
    if (v === null || typeof v !== "object") return null;
    if (depth > MAX_DEPTH) return found("too_deep");
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(String(i));
        const p = walk(v[i], key, depth + 1);
        if (p) return p;
        path.pop();
      }
      return null;
    }
    for (const k in v) {
      path.push(k);
      const keyProblem = stringProblem(k, "");
      if (keyProblem) return found(keyProblem);
      const p = walk((v as Record<string, unknown>)[k], k, depth + 1);
      if (p) return p;
      path.pop();
    }
    return null;
  };
  return walk(body, "", 0);
}

const WORDS: Record<PayloadProblem["reason"], string> = {
  nul_character: "contains a NUL character",
  lone_surrogate: "contains an unpaired UTF-16 surrogate",
  too_long: "is too long",
  too_deep: "is nested too deeply",
};

export function describePayloadProblem(p: PayloadProblem): string {
  return `${p.path || "body"} ${WORDS[p.reason]}`;
}
