// Zod 3's default English messages, for our zod 4 schemas (one zod major in the codebase). The messages
// are what merchants, the storefront script and operators have always read ("Number must be less than or equal to 72",
// "Expected number, received string", "Required"): moving to v4 must not change them. A schema's own message (the
// `"use HH:MM (24-hour)"` kind) always wins; this only names what a schema left unnamed. Pass it as
// `schema.safeParse(input, { error: v3Message })`. Anything not listed falls back to zod's own message.
import type { core } from "zod";

type Issue = core.$ZodRawIssue;

/** Zod 3's name for a value's type (its `received`). */
function receivedType(input: unknown): string {
  if (input === undefined) return "undefined";
  if (input === null) return "null";
  if (Array.isArray(input)) return "array";
  if (input instanceof Date) return "date";
  if (input instanceof Map) return "map";
  if (input instanceof Set) return "set";
  if (typeof input === "number") return Number.isNaN(input) ? "nan" : "number";
  return typeof input;
}

const quoted = (values: readonly unknown[]) => values.map((v) => (typeof v === "string" ? `'${v}'` : String(v))).join(" | ");

function sizeMessage(iss: { origin?: string; inclusive?: boolean; exact?: boolean }, bound: unknown, big: boolean): string | undefined {
  const exact = iss.exact === true;
  const inclusive = iss.inclusive !== false;
  switch (iss.origin) {
    case "number":
    case "int":
    case "bigint":
      if (big) return `Number must be ${exact ? "exactly" : inclusive ? "less than or equal to" : "less than"} ${bound}`;
      return `Number must be ${exact ? "exactly equal to " : inclusive ? "greater than or equal to " : "greater than "}${bound}`;
    case "string":
      return `String must contain ${exact ? "exactly" : big ? (inclusive ? "at most" : "under") : inclusive ? "at least" : "over"} ${bound} character(s)`;
    case "array":
    case "set":
      return `Array must contain ${exact ? "exactly" : big ? (inclusive ? "at most" : "less than") : inclusive ? "at least" : "more than"} ${bound} element(s)`;
    default:
      return undefined;
  }
}

/** The options of a discriminated union whose discriminator matched none (zod 3 named them). */
function discriminatorOptions(iss: Issue): string | null {
  const def = (
    iss.inst as
      | {
          _zod?: {
            def?: { discriminator?: string; options?: Array<{ _zod?: { def?: { shape?: Record<string, { _zod?: { def?: { values?: unknown[] } } }> } } }> };
          };
        }
      | undefined
  )?._zod?.def;
  if (!def?.discriminator || !def.options) return null;
  const values = def.options.flatMap((o) => o._zod?.def?.shape?.[def.discriminator!]?._zod?.def?.values ?? []);
  return values.length ? quoted(values) : null;
}

export function v3Message(iss: Issue): string | undefined {
  switch (iss.code) {
    case "invalid_type": {
      if (iss.input === undefined) return "Required";
      if (iss.expected === "int")
        return `Expected integer, received ${typeof iss.input === "number" && !Number.isNaN(iss.input) ? "float" : receivedType(iss.input)}`;
      return `Expected ${iss.expected}, received ${receivedType(iss.input)}`;
    }
    case "too_small":
      return sizeMessage(iss, iss.minimum, false);
    case "too_big":
      return sizeMessage(iss, iss.maximum, true);
    case "invalid_format":
      switch (iss.format) {
        case "url":
          return "Invalid url";
        case "email":
          return "Invalid email";
        case "datetime":
          return "Invalid datetime";
        case "regex":
          return "Invalid";
        case "starts_with":
          return `Invalid input: must start with "${(iss as { prefix?: string }).prefix}"`;
        case "ends_with":
          return `Invalid input: must end with "${(iss as { suffix?: string }).suffix}"`;
        default:
          return undefined;
      }
    case "invalid_value":
      if (iss.values.length === 1) return `Invalid literal value, expected ${JSON.stringify(iss.values[0])}`;
      return `Invalid enum value. Expected ${quoted(iss.values)}, received ${typeof iss.input === "string" ? `'${iss.input}'` : String(iss.input)}`;
    case "unrecognized_keys":
      return `Unrecognized key(s) in object: ${iss.keys.map((k) => `'${k}'`).join(", ")}`;
    case "invalid_union": {
      const options = discriminatorOptions(iss);
      return options ? `Invalid discriminator value. Expected ${options}` : "Invalid input";
    }
    default:
      return undefined;
  }
}
