// Pure rules of issue 15 items 3, 5 and 6: the sane date range, which of two versions of a checkout wins (same
// second), the same-second sibling tie, and bounded cart summaries in parse and in the emails.
import { describe, expect, it } from "vitest";
import { EMAIL_LINE_ITEMS, STORED_LINE_ITEMS, moreItemsText, summarizeItems, unstoredUnits } from "../../app/lib/line-items";
import { EARLIEST_TIME, MAX_AHEAD_MS, checkoutDateProblem, clampCheckoutDates, clampOrderDates, isSaneTime } from "../../app/lib/sane-dates";
import { renderRecoveryEmail, renderStaffAlertEmail } from "../../app/lib/email-template";
import { parseCheckout, type LineItemRecord } from "../../app/lib/shopify-payloads";
import { compareUpdate, isNewerCheckout, mergeSameSecond, type HeldContact } from "../../app/lib/update-order";
import { checkoutPayload } from "../helpers/factories";
import { T0 } from "../helpers/time";

const NOW = T0;

describe("the sane date range", () => {
  it("accepts 2000-01-01 up to a year after now, and nothing outside", () => {
    expect(isSaneTime(new Date(EARLIEST_TIME), NOW)).toBe(true);
    expect(isSaneTime(new Date(EARLIEST_TIME - 1), NOW)).toBe(false);
    expect(isSaneTime(new Date(NOW.getTime() + MAX_AHEAD_MS), NOW)).toBe(true);
    expect(isSaneTime(new Date(NOW.getTime() + MAX_AHEAD_MS + 1), NOW)).toBe(false);
    expect(isSaneTime(new Date("9999-12-31T23:59:59Z"), NOW)).toBe(false);
    expect(isSaneTime(new Date(Number.NaN), NOW)).toBe(false);
  });

  it("names the first refused field of a checkout; clamps completed_at and an order's time to now", () => {
    const ok = { shopifyCreatedAt: NOW, shopifyUpdatedAt: NOW };
    expect(checkoutDateProblem(ok, NOW)).toBeNull();
    expect(checkoutDateProblem({ ...ok, shopifyCreatedAt: new Date(0) }, NOW)).toEqual({ field: "created_at", reason: "before 2000-01-01" });
    expect(checkoutDateProblem({ ...ok, shopifyUpdatedAt: new Date("9999-01-01T00:00:00Z") }, NOW)).toEqual({
      field: "updated_at",
      reason: "more than a year ahead",
    });
    expect(clampCheckoutDates({ completedAt: new Date("9999-01-01T00:00:00Z") }, NOW).completedAt).toEqual(NOW);
    expect(clampCheckoutDates({ completedAt: null }, NOW).completedAt).toBeNull();
    const real = new Date("2026-11-20T09:00:00Z");
    expect(clampCheckoutDates({ completedAt: real }, NOW).completedAt).toBe(real);
    expect(clampOrderDates({ shopifyCreatedAt: new Date(0) }, NOW).shopifyCreatedAt).toEqual(NOW);
    expect(clampOrderDates({ shopifyCreatedAt: real }, NOW).shopifyCreatedAt).toBe(real);
  });
});

describe("which version of a checkout wins", () => {
  const held: HeldContact = { shopifyUpdatedAt: NOW, email: null, phone: null, firstName: "Ada", lastName: null, customerId: null };
  const update = (o: Partial<HeldContact> = {}) => ({ ...held, customerKey: null, ...o });

  it("a later time wins, an earlier one is stale, whatever they carry", () => {
    expect(compareUpdate(held, update({ shopifyUpdatedAt: new Date(NOW.getTime() + 1000) }))).toBe("newer");
    expect(compareUpdate(held, update({ shopifyUpdatedAt: new Date(NOW.getTime() - 1000), email: "new@example.com" }))).toBe("stale");
  });

  it("the same second: merged when it brings contact data, a repeat (stale) when it does not", () => {
    expect(compareUpdate(held, update({ email: "late@example.com" }))).toBe("merge");
    expect(compareUpdate(held, update({ phone: "+14155550100" }))).toBe("merge");
    expect(compareUpdate(held, update())).toBe("stale");
    expect(compareUpdate(held, update({ firstName: null }))).toBe("stale"); // says less: nothing new
  });

  it("a merge keeps what the row knew where the update is silent, and keys the shopper by the merged contact", () => {
    const merged = mergeSameSecond({ ...held, phone: "+14155550100" }, update({ firstName: null, email: "late@example.com" }));
    expect(merged).toMatchObject({ email: "late@example.com", phone: "+14155550100", firstName: "Ada", customerKey: "email:late@example.com" });
  });

  it("two checkouts created in the same second: exactly one is the newer, by id", () => {
    const a = { id: "c0001", shopifyCreatedAt: NOW };
    const b = { id: "c0002", shopifyCreatedAt: NOW };
    expect([isNewerCheckout(a, b), isNewerCheckout(b, a)]).toEqual([false, true]);
    expect(isNewerCheckout({ id: "c0000", shopifyCreatedAt: new Date(NOW.getTime() + 1) }, b)).toBe(true);
    expect(isNewerCheckout(a, a)).toBe(false);
  });
});

const item = (i: number, quantity = 1): LineItemRecord => ({
  title: `Bolt ${i}`,
  variantTitle: null,
  variantId: null,
  productId: null,
  quantity,
  priceMinor: 10,
  imageUrl: null,
  sku: null,
});

describe("bounded carts", () => {
  it("parse keeps the first items and the true quantity and subtotal of all", () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ title: `Bolt ${i}`, quantity: 2, price: "0.10" }));
    const r = parseCheckout({ ...checkoutPayload({ items }), subtotal_price: undefined, total_price: undefined });
    expect(r.lineItems).toHaveLength(STORED_LINE_ITEMS);
    expect(r.lineItems[STORED_LINE_ITEMS - 1].title).toBe(`Bolt ${STORED_LINE_ITEMS - 1}`);
    expect(r.lineItemCount).toBe(6000);
    expect(r.subtotalMinor).toBe(60_000);
    // A small cart is unchanged.
    expect(parseCheckout(checkoutPayload()).lineItems).toHaveLength(2);
  });

  it("summaries count the units not shown, including items not stored", () => {
    const stored = Array.from({ length: 50 }, (_, i) => item(i));
    expect(summarizeItems(stored, 3000, 5)).toMatchObject({ moreUnits: 2995 });
    expect(summarizeItems(stored, 3000, 5).shown).toHaveLength(5);
    expect(summarizeItems([item(0, 3)], undefined, 5)).toMatchObject({ moreUnits: 0 });
    expect(unstoredUnits(stored, 3000)).toBe(2950);
    expect(unstoredUnits(stored, undefined)).toBe(0);
    expect([moreItemsText(1), moreItemsText(2)]).toEqual(["and 1 more item", "and 2 more items"]);
  });

  it("the recovery email and the staff alert list the first few items and say how many more", () => {
    const items = Array.from({ length: 50 }, (_, i) => item(i));
    const email = renderRecoveryEmail({
      brand: { shopName: "Shop", logoUrl: null, accentColor: "#008060", postalAddress: null },
      firstName: "Ada",
      locale: "en",
      currency: "USD",
      items,
      itemCount: 3000,
      subtotalMinor: 30_000,
      totalMinor: 30_000,
      step: { index: 0, isFinal: false },
      incentive: null,
      links: { recover: "https://app.example/r/x", unsubscribe: "https://app.example/u/x", openPixel: null },
    });
    expect(email.html).toContain(`Bolt ${EMAIL_LINE_ITEMS - 1}<`);
    expect(email.html).not.toContain(`Bolt ${EMAIL_LINE_ITEMS}<`);
    expect(email.html).toContain("and 2995 more items");
    expect(email.text).toContain("and 2995 more items");
    expect(email.text.split("\n").filter((l) => l.startsWith("- Bolt"))).toHaveLength(EMAIL_LINE_ITEMS);
    const alert = renderStaffAlertEmail({
      shopName: "Shop",
      reason: "high_value",
      summary: "s",
      adminUrl: "https://admin.example/x",
      customer: { name: null, email: null, phone: null },
      currency: "USD",
      items,
      itemCount: 3000,
      totalMinor: 30_000,
    });
    expect(alert.html).toContain("and 2995 more items");
    expect(alert.text).toContain("and 2995 more items");
    // A cart that fits lists everything and says nothing more.
    const small = renderRecoveryEmail({
      ...{
        brand: { shopName: "Shop", logoUrl: null, accentColor: "#008060", postalAddress: null },
        firstName: null,
        locale: null,
        currency: "USD",
        subtotalMinor: 20,
        totalMinor: 20,
        step: { index: 0, isFinal: false },
        incentive: null,
        links: { recover: "https://a/r", unsubscribe: "https://a/u", openPixel: null },
      },
      items: [item(0), item(1)],
    });
    expect(small.text).not.toContain("more item");
  });
});
