// Text every database of ours stores exactly: no NUL (PostgreSQL refuses it in text) and no lone UTF-16 surrogate
// (neither database can store one as UTF-8: the drivers silently write U+FFFD, so what is read back differs).
// `textProblem` says why a string is not storable; `storableText` replaces each offending unit with U+FFFD, for
// content we must keep a copy of after the fact (a message the provider already accepted).

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");

export function textProblem(value: string): "nul_character" | "lone_surrogate" | null {
  if (value.includes("\u0000")) return "nul_character";
  if (LONE_SURROGATE.test(value)) return "lone_surrogate";
  return null;
}

export function storableText(value: string): string {
  if (!textProblem(value)) return value;
  return value.replaceAll("\u0000", "\uFFFD").replace(LONE_SURROGATES, "\uFFFD");
}

/** `storableText` for a nullable value; any other type becomes its string form (a channel answered a number). */
export function storableOrNull(value: unknown, max = Number.POSITIVE_INFINITY): string | null {
  if (value === null || value === undefined) return null;
  const s = storableText(typeof value === "string" ? value : String(value));
  return s.length > max ? s.slice(0, max) : s;
}
