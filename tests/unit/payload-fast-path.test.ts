// The checkouts/* fast path (checkoutFastPath in app/lib/shopify-payloads.ts) against the schema it restates
// (CheckoutPayload): for each payload below, a realistic one with one field (at any depth) set to each of a palette
// of values, the fast path must give exactly the schema's output when the schema accepts it, and must not answer
// (null: the schema then decides and names the field) when the schema refuses it.
//
// Then fast-check: Shopify's documented checkouts/create and checkouts/update examples with 1 to 5 generated mutations
// each (a field removed, set to null, to another type, to a huge or odd number, to unicode text, an extra field,
// many line items), the same two rules: fast path === schema output whenever the fast path answers, and never an
// answer when the schema refuses.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CheckoutPayload, checkoutFastPath, parseCheckout } from "../../app/lib/shopify-payloads";
import { documentedPayload } from "../helpers/documented-payloads";
import { checkoutPayload } from "../helpers/factories";

const PALETTE: unknown[] = [
  undefined,
  null,
  "",
  "x",
  "2026-11-20T10:00:00Z",
  "2026-11-20",
  "not a date",
  "12.50",
  0,
  1,
  -1,
  2.5,
  1e21,
  true,
  false,
  {},
  [],
  ["a", "b"],
  [1],
  [{}],
  [{ code: "SAVE10" }],
  [{ code: 5 }],
  { src: "https://cdn.example.com/a.jpg" },
  { src: 5 },
  { state: "subscribed" },
  { state: 1 },
];

type Json = Record<string, unknown>;

/** Every path to a value in the payload (objects and arrays), plus paths to fields the payload does not have. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...paths(v, [...prefix, i])]);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
  return [];
}

function withValue(payload: Json, path: Array<string | number>, v: unknown): Json {
  const copy = structuredClone(payload);
  let at: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (v === undefined) delete at[last];
  else at[last] = v;
  return copy;
}

function base(): Json {
  const p = checkoutPayload({ customerId: 4242, phone: "+14155550100", discountCodes: ["WELCOME"], ordersCount: 2 }) as unknown as Json;
  // Fields the factory leaves out, so that they are exercised too.
  (p.line_items as Json[])[0].image = { src: "https://cdn.example.com/shirt.jpg" };
  (p.customer as Json).tags = "vip, wholesale";
  (p.customer as Json).number_of_orders = "3";
  (p.customer as Json).whats_app_marketing_consent = { state: "subscribed", opt_in_level: "single_opt_in", collected_from: "other" };
  p.shipping_address = { first_name: "Ada", last_name: "Lovelace", phone: null, country_code: "GB" };
  p.sms_marketing_phone = "+14155550101";
  p.test = false;
  return p;
}

describe("checkouts/* fast path", () => {
  it("gives the schema's output for every payload the schema accepts, and no answer for any it refuses", () => {
    const start = base();
    const extra = [
      ["customer", "tags"],
      ["customer", "whats_app_marketing_consent"],
      ["customer", "whats_app_marketing_consent", "state"],
      ["line_items", 0, "image"],
      ["not_a_field"],
      ["customer", "not_a_field"],
      ["line_items", 1, "title"],
      ["line_items", 1, "quantity"],
    ];
    let accepted = 0;
    let refused = 0;
    const cases: Json[] = [start];
    for (const path of [...paths(start), ...extra]) for (const v of PALETTE) cases.push(withValue(start, path, v));
    for (const body of [...cases, [], "text", null, 5]) {
      const schema = CheckoutPayload.safeParse(body);
      const fast = checkoutFastPath(body);
      if (schema.success) {
        accepted += 1;
        expect(fast, JSON.stringify(body)).not.toBeNull();
        expect(fast).toEqual(schema.data);
      } else {
        refused += 1;
        expect(fast, JSON.stringify(body)).toBeNull();
      }
    }
    // Both sides are exercised in earnest.
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(1000);
  });

  it("keeps the schema's message for what it refuses", () => {
    const body = { ...base(), updated_at: "yesterday" };
    expect(checkoutFastPath(body)).toBeNull();
    expect(() => parseCheckout(body)).toThrow(/not a date/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Generated mutations of the documented examples.
const DOCUMENTED = { create: documentedPayload("checkouts/create"), update: documentedPayload("checkouts/update") };

/** Fields the schema reads, so that most mutations hit them; the rest of the documented body is mutated too. */
const TOP = [
  "token",
  "cart_token",
  "email",
  "phone",
  "sms_marketing_phone",
  "created_at",
  "updated_at",
  "completed_at",
  "currency",
  "presentment_currency",
  "customer_locale",
  "buyer_accepts_marketing",
  "buyer_accepts_sms_marketing",
  "line_items",
  "subtotal_price",
  "total_price",
  "discount_codes",
  "abandoned_checkout_url",
  "source_name",
  "user_id",
  "gateway",
  "test",
  "customer",
  "billing_address",
  "shipping_address",
];
const CUSTOMER = [
  "id",
  "email",
  "phone",
  "first_name",
  "last_name",
  "orders_count",
  "number_of_orders",
  "tags",
  "email_marketing_consent",
  "sms_marketing_consent",
  "whats_app_marketing_consent",
];
const LINE = ["title", "variant_title", "variant_id", "product_id", "quantity", "price", "sku", "image_url", "image"];
const ADDRESS = ["first_name", "last_name", "phone", "country_code"];
const READ_PATHS: Array<Array<string | number>> = [
  ...TOP.map((k) => [k]),
  ...CUSTOMER.map((k) => ["customer", k]),
  ["customer", "email_marketing_consent", "state"],
  ["customer", "sms_marketing_consent", "state"],
  ["customer", "whats_app_marketing_consent", "state"],
  ...LINE.flatMap((k) => [
    ["line_items", 0, k],
    ["line_items", 1, k],
  ]),
  ["line_items", 0, "image", "src"],
  ["line_items", 0],
  ["discount_codes", 0],
  ["discount_codes", 0, "code"],
  ...ADDRESS.flatMap((k) => [
    ["billing_address", k],
    ["shipping_address", k],
  ]),
];

const HUGE = [1e21, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1e-7, -0, 0.1 + 0.2, 999999999999.99];
const DATES = [
  "2026-11-20T10:00:00Z",
  "2021-12-31T19:00:00-05:00",
  "2026-11-20",
  "2026-02-30T10:00:00Z",
  "20261120",
  "0",
  "1e3",
  " 2026-11-20T10:00:00Z ",
  "Tue, 20 Nov 2026 10:00:00 GMT",
  "2026-11-20T25:00:00Z",
  "+275760-09-13T00:00:00Z",
  "+275760-09-13T00:00:00.001Z",
  "",
];
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 100_000_000 }),
  fc.double(),
  fc.constantFrom(...HUGE),
  fc.string({ unit: "binary", maxLength: 20 }), // unicode, lone surrogates included
  fc.constantFrom(...DATES),
  fc.stringMatching(/^-?\d{1,16}(\.\d{1,4})?$/), // amounts as text
  fc.constantFrom(
    {},
    [],
    { state: "subscribed" },
    { state: 5 },
    { src: "https://cdn.example.com/a.jpg" },
    { src: null },
    [{ code: "SAVE10" }],
    [{ code: 10 }],
    ["vip", "b2b"],
    ["vip", 3],
    [null],
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

type Mutation = { path: Array<string | number>; op: "delete" | "set"; value?: unknown };

function allPaths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...allPaths(x, [...prefix, i])]);
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...allPaths(x, [...prefix, k])]);
  return [];
}
const ANY_PATHS = [...allPaths(DOCUMENTED.create), ...allPaths(DOCUMENTED.update)];

const mutation: fc.Arbitrary<Mutation> = fc.record({
  path: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...READ_PATHS) },
    { weight: 2, arbitrary: fc.constantFrom(...ANY_PATHS) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom([], ["customer"], ["line_items", 0]), fc.string({ unit: "binary", maxLength: 8 })).map(([p, k]) => [...p, k]),
    }, // an extra field
  ),
  op: fc.constantFrom("delete", "set", "set", "set"),
  value,
});

/** Applies a mutation where its path leads (a path through a missing or non-object value is skipped). */
function mutate(body: Json, m: Mutation): void {
  let at: unknown = body;
  for (const k of m.path.slice(0, -1)) {
    if (!at || typeof at !== "object") return;
    at = (at as Record<string | number, unknown>)[k];
  }
  if (!at || typeof at !== "object") return;
  const last = m.path[m.path.length - 1];
  if (m.op === "delete") {
    if (Array.isArray(at) && typeof last === "number") at.splice(last, 1);
    else delete (at as Record<string | number, unknown>)[last];
  } else (at as Record<string | number, unknown>)[last] = structuredClone(m.value);
}

const mutatedPayload = fc
  .record({
    which: fc.constantFrom("create", "update"),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }),
    extraLines: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }) }),
  })
  .map(({ which, mutations, extraLines }) => {
    const body = structuredClone(DOCUMENTED[which as "create" | "update"]) as Json;
    const lines = body.line_items as Json[];
    for (let i = 0; i < extraLines; i++) lines.push({ ...structuredClone(lines[i % 2]), title: `Line ${i} ✓` });
    for (const m of mutations) mutate(body, m);
    // What a webhook body is: JSON text, parsed (so only what JSON can carry, -0 included).
    return JSON.parse(JSON.stringify(body)) as unknown;
  });

describe("checkouts/* fast path on generated mutations of Shopify's documented examples", () => {
  it("answers the documented examples themselves, with the schema's output", () => {
    for (const body of Object.values(DOCUMENTED)) {
      const fast = checkoutFastPath(body);
      expect(fast).not.toBeNull();
      expect(fast).toEqual(CheckoutPayload.parse(body));
    }
  });

  it("gives the schema's output whenever it answers, and never answers what the schema refuses", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutatedPayload, (body) => {
        const schema = CheckoutPayload.safeParse(body);
        const fast = checkoutFastPath(body);
        if (schema.success) {
          accepted += 1;
          // It answers everything the schema accepts (so the fast path is the path), with exactly its output.
          expect(fast).not.toBeNull();
          expect(fast).toEqual(schema.data);
        } else {
          refused += 1;
          expect(fast).toBeNull();
        }
      }),
      { numRuns: 1500 },
    );
    expect(accepted).toBeGreaterThan(150);
    expect(refused).toBeGreaterThan(150);
  });
});
