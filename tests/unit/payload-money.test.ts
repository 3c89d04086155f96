// Money as Shopify documents it: REST orders carry `currency` and plain amounts in the shop's currency and *_set bags
// with shop_money and presentment_money; REST checkouts carry `currency` (the shop's) and `presentment_currency` (the
// shopper's, the one their prices are in). Zero- and three-decimal currencies keep their own precision.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_MINOR_UNITS, MAX_QUANTITY, formatMoney, parseMinorUnits, toMinorUnits } from "../../app/lib/money";
import { describeZodError, parseCheckout, parseOrder } from "../../app/lib/shopify-payloads";
import { checkoutPayload, moneyBag, orderPayload } from "../helpers/factories";

describe("orders: shop money and the shopper's", () => {
  it("reads the bags: shop USD, shopper EUR", () => {
    const p = orderPayload({ total: "108.40", currency: "USD", presentmentCurrency: "EUR", presentmentTotal: "99.95" });
    p.total_discounts_set = moneyBag({ amount: "5.42", currency: "USD" }, { amount: "5.00", currency: "EUR" });
    p.total_discounts = "5.42";
    const r = parseOrder(p);
    expect(r).toMatchObject({
      currency: "USD",
      statedCurrency: "USD",
      totalMinor: 10840,
      subtotalMinor: 10840,
      totalDiscountsMinor: 542,
      presentmentCurrency: "EUR",
      presentmentTotalMinor: 9995,
    });
  });

  it("prefers the bag's shop side over the plain field, and the plain field is the shop's when there is no bag", () => {
    const p = orderPayload({ total: "108.40", currency: "USD", presentmentCurrency: "EUR", presentmentTotal: "99.95" });
    // An older payload: no bags. `total_price` is the shop's money whatever presentment_currency says.
    const { total_price_set: _t, subtotal_price_set: _s, total_discounts_set: _d, ...old } = p;
    const r = parseOrder(old);
    expect(r).toMatchObject({ currency: "USD", totalMinor: 10840, presentmentCurrency: "EUR", presentmentTotalMinor: null });
    // Same currency on both sides: the presentment total is the shop total.
    expect(parseOrder({ ...old, presentment_currency: "USD" }).presentmentTotalMinor).toBe(10840);
  });

  it("keeps JPY (no decimals) and KWD (three) exact", () => {
    const jpy = parseOrder(orderPayload({ total: "12500", currency: "JPY" }));
    expect(jpy).toMatchObject({ currency: "JPY", totalMinor: 12500, presentmentTotalMinor: 12500, totalDiscountsMinor: 0 });
    const kwd = parseOrder(orderPayload({ total: "30.125", currency: "KWD", presentmentCurrency: "JPY", presentmentTotal: "15300" }));
    expect(kwd).toMatchObject({ currency: "KWD", totalMinor: 30125, presentmentCurrency: "JPY", presentmentTotalMinor: 15300 });
  });

  it("keeps the phone and a customer key (email first, else phone)", () => {
    const r = parseOrder(orderPayload({ email: "Buyer@Example.COM", phone: "+1 (415) 555-0100" }));
    expect(r).toMatchObject({ email: "buyer@example.com", phone: "+14155550100", customerKey: "email:buyer@example.com" });
    const { email: _e, contact_email: _c, ...noEmail } = orderPayload({ phone: "+1 (415) 555-0100" });
    expect(parseOrder({ ...noEmail, customer: null })).toMatchObject({ email: null, customerKey: "phone:+14155550100" });
  });

  it("does not claim a currency the payload does not state", () => {
    const { currency: _c, total_price_set: _t, subtotal_price_set: _s, total_discounts_set: _d, ...bare } = orderPayload();
    expect(parseOrder(bare).statedCurrency).toBeNull();
  });
});

describe("checkouts: the shopper's money, and the shop's when it is the same", () => {
  it("shop USD, shopper EUR: prices stay EUR, the shop value is unknown", () => {
    const r = parseCheckout(checkoutPayload({ currency: "EUR", shopCurrency: "USD", items: [{ title: "Mug", price: "19.90" }] }));
    expect(r).toMatchObject({ currency: "EUR", totalMinor: 1990, shopCurrency: "USD", shopTotalMinor: null });
  });

  it("same currency: the shop value is the total", () => {
    const r = parseCheckout(checkoutPayload({ currency: "USD", items: [{ title: "Mug", price: "19.90", quantity: 2 }] }));
    expect(r).toMatchObject({ currency: "USD", totalMinor: 3980, shopCurrency: "USD", shopTotalMinor: 3980 });
  });

  it("JPY and KWD line items and totals", () => {
    const jpy = parseCheckout(checkoutPayload({ currency: "JPY", items: [{ title: "Tea", price: "1200", quantity: 3 }] }));
    expect(jpy).toMatchObject({ currency: "JPY", subtotalMinor: 3600, totalMinor: 3600, shopTotalMinor: 3600 });
    expect(jpy.lineItems[0].priceMinor).toBe(1200);
    const kwd = parseCheckout(checkoutPayload({ currency: "KWD", items: [{ title: "Oud", price: "12.345", quantity: 2 }] }));
    expect(kwd).toMatchObject({ currency: "KWD", subtotalMinor: 24690, totalMinor: 24690, shopCurrency: "KWD", shopTotalMinor: 24690 });
  });

  it("no `currency` in the payload: the shop's currency is not guessed", () => {
    const { currency: _c, ...p } = checkoutPayload({ currency: "EUR" });
    expect(parseCheckout(p)).toMatchObject({ currency: "EUR", shopCurrency: null, shopTotalMinor: null });
  });

  it("customer tags lower case, WhatsApp consent only when the payload carries it", () => {
    const p = checkoutPayload({ tags: "VIP, Wholesale ,  " });
    const r = parseCheckout(p);
    expect(r.customerTags).toEqual(["vip", "wholesale"]);
    expect(r.whatsappConsent).toBeNull();
    const withConsent = (state: string | null) =>
      parseCheckout({ ...p, customer: { ...p.customer!, whats_app_marketing_consent: { state, opt_in_level: null } } }).whatsappConsent;
    expect(withConsent("subscribed")).toBe(true);
    expect(withConsent("unsubscribed")).toBe(false);
    expect(withConsent(null)).toBeNull();
  });
});

describe("bounds: every amount fits a 64-bit column and converts to a number exactly (issue 15)", () => {
  const refusal = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof z.ZodError) return describeZodError(e);
      throw e;
    }
    throw new Error("not refused");
  };

  it("parses up to 10^15 minor units exactly in 0-, 2- and 3-decimal currencies, and no further", () => {
    expect(MAX_MINOR_UNITS).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(toMinorUnits("22400000.00", "UZS")).toBe(2_240_000_000);
    expect(toMinorUnits("3000000000", "IRR")).toBe(3_000_000_000);
    expect(toMinorUnits("10000000000000.00", "USD")).toBe(MAX_MINOR_UNITS);
    expect(toMinorUnits("1000000000000000", "JPY")).toBe(MAX_MINOR_UNITS);
    expect(toMinorUnits("1000000000000.000", "KWD")).toBe(MAX_MINOR_UNITS);
    expect(toMinorUnits("-10000000000000.00", "USD")).toBe(-MAX_MINOR_UNITS);
    expect(parseMinorUnits("10000000000000.01", "USD")).toEqual({ ok: false, problem: `amount beyond ${MAX_MINOR_UNITS} minor units of USD` });
    expect(parseMinorUnits("1000000000000001", "JPY").ok).toBe(false);
    expect(parseMinorUnits("99999999999999999999999", "USD").ok).toBe(false);
    expect(parseMinorUnits(1e21, "USD").ok).toBe(false);
    expect(parseMinorUnits("12,50", "USD")).toEqual({ ok: false, problem: "not an amount" });
    expect(parseMinorUnits({ amount: 1 }, "USD")).toEqual({ ok: false, problem: "not an amount" });
    expect(parseMinorUnits("", "USD")).toEqual({ ok: true, minor: null });
    expect(toMinorUnits("-0.00", "USD")).toBe(0);
  });

  it("formats any stored amount exactly, bigint too", () => {
    expect(formatMoney(2_240_000_000, "UZS")).toBe("UZS\u00a022,400,000.00");
    expect(formatMoney(999_999_999_999_999, "USD")).toBe("$9,999,999,999,999.99");
    expect(formatMoney(1_000_000_000_001n, "KWD")).toBe("KWD\u00a01,000,000,000.001");
    expect(formatMoney(-1234, "USD")).toBe("-$12.34");
    expect(formatMoney(3_000_000_000, "JPY")).toBe("¥3,000,000,000");
    expect(formatMoney(Number.NaN, "USD")).toBe(new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(Number.NaN));
  });

  it("a checkout: a bad or over-bound amount, quantity or order count is refused naming the field, never stored as 0", () => {
    const p = checkoutPayload({ currency: "UZS" }) as unknown as Record<string, unknown>;
    const items = p.line_items as Array<Record<string, unknown>>;
    expect(parseCheckout({ ...p, total_price: "22400000.00" }).totalMinor).toBe(2_240_000_000);
    expect(refusal(() => parseCheckout({ ...p, total_price: "50000000000000.00" }))).toBe(`total_price: amount beyond ${MAX_MINOR_UNITS} minor units of UZS`);
    expect(refusal(() => parseCheckout({ ...p, subtotal_price: "abc" }))).toBe("subtotal_price: not an amount");
    expect(refusal(() => parseCheckout({ ...p, line_items: [items[0], { ...items[1], price: "1e5" }] }))).toBe("line_items.1.price: not an amount");
    expect(refusal(() => parseCheckout({ ...p, line_items: [{ ...items[0], quantity: MAX_QUANTITY + 1 }] }))).toMatch(/^line_items\.0\.quantity: /);
    expect(parseCheckout({ ...p, line_items: [{ ...items[0], quantity: MAX_QUANTITY }] }).lineItemCount).toBe(MAX_QUANTITY);
    const { subtotal_price: _s, total_price: _t, ...noTotals } = p;
    expect(refusal(() => parseCheckout({ ...noTotals, line_items: [{ ...items[0], price: "2000000000000.00", quantity: 10 }] }))).toMatch(
      /^line_items: amount beyond/,
    );
    const customer = p.customer as Record<string, unknown>;
    expect(refusal(() => parseCheckout({ ...p, customer: { ...customer, orders_count: 5_000_000_000 } }))).toMatch(/^customer\.orders_count: /);
    expect(refusal(() => parseCheckout({ ...p, customer: { ...customer, orders_count: undefined, number_of_orders: "1e300" } }))).toMatch(
      /^customer\.number_of_orders: not a count/,
    );
    expect(parseCheckout({ ...p, customer: { ...customer, orders_count: undefined, number_of_orders: "12" } }).customerOrdersCount).toBe(12);
    // Absent amounts are not refused: the subtotal comes from the line items, the total from the subtotal.
    expect(parseCheckout(noTotals).totalMinor).toBe(parseCheckout(p).subtotalMinor);
  });

  it("an order: the bag's amount, the plain field and a discount amount are bounded; an unknown discount amount stays null", () => {
    const p = orderPayload({ total: "22400000.00", currency: "UZS", discountCodes: [{ code: "SAVE", amount: "10.00" }] }) as unknown as Record<string, unknown>;
    expect(parseOrder(p)).toMatchObject({
      totalMinor: 2_240_000_000,
      presentmentTotalMinor: 2_240_000_000,
      discountCodes: [{ code: "SAVE", amountMinor: 1000 }],
    });
    const bag = p.total_price_set as { shop_money: Record<string, unknown> };
    expect(refusal(() => parseOrder({ ...p, total_price_set: { ...bag, shop_money: { ...bag.shop_money, amount: "50000000000000.00" } } }))).toMatch(
      /^total_price_set\.shop_money\.amount: amount beyond/,
    );
    const { total_price_set: _t, subtotal_price_set: _s, ...plain } = p;
    expect(refusal(() => parseOrder({ ...plain, total_price: "NaN" }))).toBe("total_price: not an amount");
    expect(refusal(() => parseOrder({ ...p, discount_codes: [{ code: "SAVE", amount: "x" }] }))).toBe("discount_codes.0.amount: not an amount");
    // Admin API reads give the codes without amounts: unknown, not 0.
    expect(parseOrder({ ...p, discount_codes: [{ code: "SAVE", amount: null }] }).discountCodes).toEqual([{ code: "SAVE", amountMinor: null }]);
  });
});
