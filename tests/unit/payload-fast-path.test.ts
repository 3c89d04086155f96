// The checkouts/* fast path (checkoutFastPath in app/lib/shopify-payloads.ts) against the schema it restates
// (CheckoutPayload): for each payload below, a realistic one with one field (at any depth) set to each of a palette
// of values, the fast path must give exactly the schema's output when the schema accepts it, and must not answer
// (null: the schema then decides and names the field) when the schema refuses it.
import { describe, expect, it } from "vitest";
import { CheckoutPayload, checkoutFastPath, parseCheckout } from "../../app/lib/shopify-payloads";
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
    const extra = [["customer", "tags"], ["customer", "whats_app_marketing_consent"], ["customer", "whats_app_marketing_consent", "state"], ["line_items", 0, "image"], ["not_a_field"], ["customer", "not_a_field"], ["line_items", 1, "title"], ["line_items", 1, "quantity"]];
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
