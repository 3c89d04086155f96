// Values no database of ours can store are found before any handler runs, by path and never by value.
import { describe, expect, it } from "vitest";
import { IDENTIFIER_MAX_CHARS, MAX_DEPTH, TEXT_MAX_CHARS, describePayloadProblem, findPayloadProblem } from "../../app/lib/payload-guard";
import { checkoutPayload } from "../helpers/factories";

describe("findPayloadProblem", () => {
  it("accepts a realistic checkout, including non-Latin text, emoji and paired surrogates", () => {
    const body = checkoutPayload({ items: [{ title: "Écharpe 🧣 – 手袋", price: "10.00" }] });
    expect(findPayloadProblem(body)).toBeNull();
  });

  it("finds a NUL character in a nested line item title, and names only its path", () => {
    const body = checkoutPayload({
      items: [
        { title: "ok", price: "1.00" },
        { title: "bad\u0000title", price: "2.00" },
      ],
    });
    const p = findPayloadProblem(body);
    expect(p).toEqual({ path: "line_items.1.title", reason: "nul_character" });
    expect(describePayloadProblem(p!)).toBe("line_items.1.title contains a NUL character");
    expect(describePayloadProblem(p!)).not.toContain("bad");
  });

  it("finds lone high and low surrogates, but not a pair", () => {
    expect(findPayloadProblem({ a: "x\uD83D" })?.reason).toBe("lone_surrogate");
    expect(findPayloadProblem({ a: "\uDE00y" })?.reason).toBe("lone_surrogate");
    expect(findPayloadProblem({ a: "\uD83D\uDE00" })).toBeNull();
    // As Shopify would send it: an escaped lone surrogate in the JSON text.
    expect(findPayloadProblem(JSON.parse('{"email":"a\\ud800@example.com"}'))).toEqual({ path: "email", reason: "lone_surrogate" });
  });

  it("limits identifiers (indexed columns) more tightly than free text", () => {
    expect(findPayloadProblem({ email: "a".repeat(IDENTIFIER_MAX_CHARS) })).toBeNull();
    expect(findPayloadProblem({ email: "a".repeat(IDENTIFIER_MAX_CHARS + 1) })).toEqual({ path: "email", reason: "too_long" });
    expect(findPayloadProblem({ customer: { email: "a".repeat(IDENTIFIER_MAX_CHARS + 1) } })?.path).toBe("customer.email");
    expect(findPayloadProblem({ note: "a".repeat(TEXT_MAX_CHARS) })).toBeNull();
    expect(findPayloadProblem({ note: "a".repeat(TEXT_MAX_CHARS + 1) })?.reason).toBe("too_long");
  });

  it("checks keys too, and refuses nesting deeper than any Shopify payload", () => {
    expect(findPayloadProblem({ ["k\u0000"]: 1 })).toEqual({ path: "k\u0000", reason: "nul_character" });
    let deep: unknown = "leaf";
    for (let i = 0; i < MAX_DEPTH + 2; i++) deep = { d: deep };
    expect(findPayloadProblem(deep)?.reason).toBe("too_deep");
  });
});
