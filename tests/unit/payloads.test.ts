import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { describeZodError, parseCheckout, parseOrder } from "../../app/lib/shopify-payloads";
import { checkoutPayload, orderPayload } from "../helpers/factories";

describe("checkout payloads", () => {
  it("maps a Shopify checkout into the record we keep", () => {
    const p = checkoutPayload({ email: "Bo@Example.com", acceptsSms: true, ordersCount: 3, phone: "+44 7700 900123" });
    const r = parseCheckout(p);
    expect(r).toMatchObject({
      token: p.token,
      email: "bo@example.com",
      phone: "+447700900123",
      emailConsent: true,
      smsConsent: true,
      returningCustomer: true,
      customerOrdersCount: 3,
      currency: "USD",
      subtotalMinor: 9600,
      totalMinor: 9600,
      lineItemCount: 3,
      isTest: false,
      isStaff: false,
      failedPayment: false,
    });
    expect(r.lineItems[0]).toEqual({
      title: "Linen Shirt",
      variantTitle: "M / Sand",
      variantId: "4000",
      productId: "9000",
      quantity: 1,
      priceMinor: 5900,
      imageUrl: "https://cdn.shopify.com/s/files/shirt.jpg",
      sku: "SKU-0",
    });
  });

  it("flags staff checkouts, failed payments and test customers", () => {
    expect(parseCheckout(checkoutPayload({ sourceName: "shopify_draft_order" })).isStaff).toBe(true);
    expect(parseCheckout(checkoutPayload({ userId: 12 })).isStaff).toBe(true);
    expect(parseCheckout(checkoutPayload({ gateway: "shopify_payments" })).failedPayment).toBe(true);
    const tagged = { ...checkoutPayload(), customer: { ...checkoutPayload().customer!, tags: "vip, Test" } };
    expect(parseCheckout(tagged).isTest).toBe(true);
  });

  it("names the bad field when the payload is unusable", () => {
    const { token: _t, ...noToken } = checkoutPayload();
    try {
      parseCheckout(noToken);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ZodError);
      expect(describeZodError(e as ZodError)).toBe("token: missing token");
    }
    expect(() => parseCheckout({ ...checkoutPayload(), updated_at: "yesterday" })).toThrow(ZodError);
  });
});

describe("order payloads", () => {
  it("keeps totals, discount codes and the checkout token", () => {
    const r = parseOrder(orderPayload({ checkoutToken: "abc", total: "80.00", discountCodes: [{ code: "BACK-XY12", amount: "8.00" }], customerId: 55 }));
    expect(r).toMatchObject({ checkoutToken: "abc", totalMinor: 8000, customerId: "55", discountCodes: [{ code: "BACK-XY12", amountMinor: 800 }] });
  });
});
