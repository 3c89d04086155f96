// Money as Shopify documents it: REST orders carry `currency` and plain amounts in the shop's currency and *_set bags
// with shop_money and presentment_money; REST checkouts carry `currency` (the shop's) and `presentment_currency` (the
// shopper's, the one their prices are in). Zero- and three-decimal currencies keep their own precision.
import { describe, expect, it } from "vitest";
import { parseCheckout, parseOrder } from "../../app/lib/shopify-payloads";
import { checkoutPayload, moneyBag, orderPayload } from "../helpers/factories";

describe("orders: shop money and the shopper's", () => {
  it("reads the bags: shop USD, shopper EUR", () => {
    const p = orderPayload({ total: "108.40", currency: "USD", presentmentCurrency: "EUR", presentmentTotal: "99.95" });
    p.total_discounts_set = moneyBag({ amount: "5.42", currency: "USD" }, { amount: "5.00", currency: "EUR" });
    p.total_discounts = "5.42";
    const r = parseOrder(p);
    expect(r).toMatchObject({ currency: "USD", statedCurrency: "USD", totalMinor: 10840, subtotalMinor: 10840, totalDiscountsMinor: 542, presentmentCurrency: "EUR", presentmentTotalMinor: 9995 });
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
    const withConsent = (state: string | null) => parseCheckout({ ...p, customer: { ...p.customer!, whats_app_marketing_consent: { state, opt_in_level: null } } }).whatsappConsent;
    expect(withConsent("subscribed")).toBe(true);
    expect(withConsent("unsubscribed")).toBe(false);
    expect(withConsent(null)).toBeNull();
  });
});
