// Webhook routes with genuinely signed requests, on a real SQLite file and a real PostgreSQL server.
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as checkoutsUpdate from "../../app/routes/webhooks.checkouts.update";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import * as appUninstalled from "../../app/routes/webhooks.app.uninstalled";
import * as scopesUpdate from "../../app/routes/webhooks.app.scopes_update";
import * as dataRequest from "../../app/routes/webhooks.customers.data_request";
import * as customersRedact from "../../app/routes/webhooks.customers.redact";
import * as shopRedact from "../../app/routes/webhooks.shop.redact";
import { OTHER_SHOP, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { checkoutPayload, orderPayload } from "../helpers/factories";
import { T0, at as minutes } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
});

describe("values no database can store, and deliveries for another topic", () => {
  it("answers 422 for a NUL character in a line item title and writes nothing, on both databases", async () => {
    const payload = checkoutPayload({ createdAt: T0, items: [{ title: "Shirt\u0000", price: "10.00" }] });
    const res = await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload, { eventId: "evt-nul" }));
    expect(res).toEqual({ status: 422, json: { error: "invalid payload: line_items.0.title contains a NUL character" } });
    expect(await db.checkout.count()).toBe(0);
    expect(await db.webhookEvent.count()).toBe(0);
    // The next, clean delivery of the same checkout is stored as usual.
    const clean = await callAction(
      checkoutsCreate,
      signedWebhook("checkouts/create", { ...payload, line_items: [{ ...payload.line_items[0], title: "Shirt" }] }),
    );
    expect(clean.json.outcome).toBe("created");
  });

  it("answers 422 for a lone surrogate in an order's email and stores no order", async () => {
    const body = JSON.stringify(orderPayload({ checkoutToken: "tok-x" })).replace(/"email":"[^"]*"/, '"email":"x\\ud800@example.com"');
    const res = await callAction(ordersCreate, signedWebhook("orders/create", null, { rawBody: body }));
    expect(res.status).toBe(422);
    expect(String(res.json.error)).toBe("invalid payload: email contains an unpaired UTF-16 surrogate");
    expect(await db.order.count()).toBe(0);
  });

  it("refuses a delivery whose topic header is not the route's (400), writing nothing", async () => {
    const payload = checkoutPayload({ createdAt: T0 });
    const req = signedWebhook("orders/create", payload); // signed and sent as orders/create...
    const misrouted = new Request(req.url.replace("/webhooks/orders/create", "/webhooks/checkouts/create"), {
      method: "POST",
      headers: req.headers,
      body: await req.text(),
    });
    const res = await callAction(checkoutsCreate, misrouted); // ...but reaching the checkouts route
    expect(res).toEqual({ status: 400, json: { error: "topic ORDERS_CREATE is not handled by /webhooks/checkouts/create" } });
    expect(await db.checkout.count()).toBe(0);
  });
});

describe("checkouts/create and checkouts/update", () => {
  it("stores the checkout with money in minor units, contacts normalized, and a first step scheduled", async () => {
    const payload = checkoutPayload({ email: "Ada@Example.COM ", phone: "+1 (555) 010-2030", createdAt: T0 });
    const res = await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload));
    expect(res).toEqual({ status: 200, json: { ok: true, outcome: "created" } });
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: payload.token } } });
    expect(c.email).toBe("ada@example.com");
    expect(c.phone).toBe("+15550102030");
    expect(c.customerKey).toBe("email:ada@example.com");
    expect(c.subtotalMinor).toBe(9600n);
    expect(c.lineItemCount).toBe(3n);
    expect(JSON.parse(c.lineItems)[0]).toMatchObject({ title: "Linen Shirt", variantTitle: "M / Sand", priceMinor: 5900, quantity: 1 });
    // Default quiet period 20 min, first step 60 min after abandonment.
    expect(c.abandonedAt?.toISOString()).toBe(minutes(20).toISOString());
    expect(c.nextDueAt?.toISOString()).toBe(minutes(80).toISOString());
    expect(c.status).toBe("open");
  });

  it("processes a repeated delivery (same event id) once", async () => {
    const payload = checkoutPayload({ createdAt: T0 });
    const first = await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload, { eventId: "evt-dup-1" }));
    const again = await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload, { eventId: "evt-dup-1" }));
    expect(first.json.outcome).toBe("created");
    expect(again).toEqual({ status: 200, json: { ok: true, outcome: "duplicate" } });
    expect(await db.checkout.count()).toBe(1);
    expect(await db.webhookEvent.count({ where: { eventId: "evt-dup-1" } })).toBe(1);
  });

  it("falls back to X-Shopify-Webhook-Id for dedupe when there is no event id", async () => {
    const payload = checkoutPayload({ createdAt: T0 });
    const a = await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload, { eventId: null, webhookId: "wh-fallback" }));
    const b = await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload, { eventId: null, webhookId: "wh-fallback" }));
    expect([a.json.outcome, b.json.outcome]).toEqual(["created", "duplicate"]);
  });

  it("ignores an update older than what is stored (out-of-order delivery)", async () => {
    const token = "tok-ooo";
    const newer = checkoutPayload({ token, createdAt: T0, updatedAt: minutes(30), items: [{ title: "New Item", price: "10.00" }] });
    const older = checkoutPayload({ token, createdAt: T0, updatedAt: minutes(5), items: [{ title: "Old Item", price: "99.00" }] });
    expect((await callAction(checkoutsUpdate, signedWebhook("checkouts/update", newer))).json.outcome).toBe("created");
    expect((await callAction(checkoutsUpdate, signedWebhook("checkouts/update", older))).json.outcome).toBe("stale");
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token } } });
    expect(JSON.parse(c.lineItems)[0].title).toBe("New Item");
    expect(c.totalMinor).toBe(1000n);
  });

  it("restarts the timeline on activity before any step was sent", async () => {
    const token = "tok-restart";
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkoutPayload({ token, createdAt: T0 })));
    await callAction(checkoutsUpdate, signedWebhook("checkouts/update", checkoutPayload({ token, createdAt: T0, updatedAt: minutes(50) })));
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token } } });
    expect(c.abandonedAt?.toISOString()).toBe(minutes(70).toISOString());
    expect(c.nextDueAt?.toISOString()).toBe(minutes(130).toISOString());
  });

  it("refuses a wrong signature with 401 and writes nothing", async () => {
    const res = await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkoutPayload(), { secret: "not-the-secret" }));
    expect(res.status).toBe(401);
    expect(await db.checkout.count()).toBe(0);
    expect(await db.webhookEvent.count()).toBe(0);
  });

  it("refuses malformed JSON with 400, a missing token with 422, an oversized body with 413", async () => {
    const malformed = await callAction(checkoutsCreate, signedWebhook("checkouts/create", null, { rawBody: '{"token": "x", ' }));
    expect(malformed).toEqual({ status: 400, json: { error: "malformed JSON body" } });
    const { token: _t, ...noToken } = checkoutPayload();
    const missing = await callAction(checkoutsCreate, signedWebhook("checkouts/create", noToken));
    expect(missing.status).toBe(422);
    expect(String(missing.json.error)).toContain("token");
    const huge = checkoutPayload({ items: Array.from({ length: 4000 }, (_, i) => ({ title: `Item ${i} ${"x".repeat(100)}`, price: "1.00" })) });
    const tooBig = await callAction(checkoutsCreate, signedWebhook("checkouts/create", huge));
    expect(tooBig.status).toBe(413);
    expect(await db.checkout.count()).toBe(0);
    expect(await db.webhookEvent.count()).toBe(0);
  });

  it("refuses an unknown shop with 404 and writes nothing", async () => {
    const res = await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkoutPayload(), { shop: OTHER_SHOP }));
    expect(res.status).toBe(404);
    expect(await db.checkout.count()).toBe(0);
  });
});

describe("orders/create", () => {
  it("completes the checkout and stops recovery when the order comes after the checkout", async () => {
    const payload = checkoutPayload({ createdAt: T0 });
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload));
    const res = await callAction(ordersCreate, signedWebhook("orders/create", orderPayload({ checkoutToken: payload.token, createdAt: minutes(40) })));
    expect(res.json.outcome).toBe("created");
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: payload.token } } });
    expect(c.completedAt?.toISOString()).toBe(minutes(40).toISOString());
    expect(c.status).toBe("completed"); // bought before any message: not a recovery
    expect(c.nextDueAt).toBeNull();
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(shop.orderCount).toBe(1);
    expect(Number(shop.orderRevenueMinor)).toBe(9600);
  });

  it("completes the checkout when the order arrives first", async () => {
    const payload = checkoutPayload({ createdAt: T0 });
    const order = orderPayload({ checkoutToken: payload.token, createdAt: minutes(3) });
    await callAction(ordersCreate, signedWebhook("orders/create", order));
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload));
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: payload.token } } });
    expect(c.completedAt?.toISOString()).toBe(minutes(3).toISOString());
    expect(c.orderId).toBe(String(order.id)); // attributed to the checkout that arrived after it
    expect(c.nextDueAt).toBeNull();
    expect(c.stopReason).toBe("order_completed");
  });

  it("counts an order once even when Shopify sends it under two event ids", async () => {
    const order = orderPayload({ id: 777 });
    await callAction(ordersCreate, signedWebhook("orders/create", order));
    const second = await callAction(ordersCreate, signedWebhook("orders/create", order));
    expect(second.json.outcome).toBe("repeat");
    expect(await db.order.count()).toBe(1);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).orderCount).toBe(1);
  });

  it("credits the recovery to the last message sent before the order", async () => {
    const payload = checkoutPayload({ createdAt: T0 });
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload));
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: payload.token } } });
    await db.checkout.update({ where: { id: c.id }, data: { stage: "contacted", nextStepIndex: 1 } });
    const m = await db.message.create({
      data: { shop: TEST_SHOP, checkoutId: c.id, stepId: "s1", stepIndex: 0, channel: "email", status: "sent", sentAt: minutes(80) },
    });
    await callAction(ordersCreate, signedWebhook("orders/create", orderPayload({ checkoutToken: payload.token, createdAt: minutes(120), total: "96.00" })));
    const after = await db.checkout.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.status).toBe("recovered");
    expect(after.stage).toBe("recovered");
    expect(after.recoveredRevenueMinor).toBe(9600n);
    expect(after.attributedMessageId).toBe(m.id);
    const order = await db.order.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(order).toMatchObject({ recovered: true, attributedStepId: "s1", attributedChannel: "email" });
    const audit = await db.auditLog.findFirstOrThrow({ where: { checkoutId: c.id, action: "stage_change" } });
    expect(audit).toMatchObject({ fromValue: "contacted", toValue: "recovered", actor: "webhook:orders/create" });
  });
});

describe("app lifecycle and compliance", () => {
  it("app/uninstalled removes sessions, stops pending recovery, keeps data", async () => {
    await seedOfflineSession();
    const payload = checkoutPayload({ createdAt: T0 });
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload));
    const res = await callAction(appUninstalled, signedWebhook("app/uninstalled", { id: 1, domain: TEST_SHOP }));
    expect(res.status).toBe(200);
    expect(await db.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
    const c = await db.checkout.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(c.nextDueAt).toBeNull();
    expect(c.stopReason).toBe("app_uninstalled");
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).uninstalledAt).not.toBeNull();
  });

  it("app/scopes_update stores the new scopes on the session", async () => {
    await seedOfflineSession(TEST_SHOP, "read_orders");
    const res = await callAction(scopesUpdate, signedWebhook("app/scopes_update", { previous: ["read_orders"], current: ["read_orders", "write_discounts"] }));
    expect(res.status).toBe(200);
    expect((await db.session.findFirstOrThrow({ where: { shop: TEST_SHOP } })).scope).toBe("read_orders,write_discounts");
  });

  it("customers/data_request assembles what we hold; customers/redact erases it", async () => {
    const payload = checkoutPayload({ email: "erase.me@example.com", customerId: 4242, createdAt: T0 });
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload));
    const other = checkoutPayload({ email: "keep.me@example.com", customerId: 1111, createdAt: T0 });
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", other));
    const c = await db.checkout.findFirstOrThrow({ where: { token: payload.token } });
    await db.message.create({
      data: {
        shop: TEST_SHOP,
        checkoutId: c.id,
        stepId: "s1",
        stepIndex: 0,
        channel: "email",
        status: "sent",
        recipient: "erase.me@example.com",
        subject: "You left something",
        bodyHtml: "<p>Ada</p>",
      },
    });
    await db.pushSubscription.create({
      data: { shop: TEST_SHOP, endpoint: "https://push.example/abc", p256dh: "k", auth: "a", cartToken: payload.cart_token },
    });

    const body = {
      shop_id: 1,
      shop_domain: TEST_SHOP,
      customer: { id: 4242, email: "erase.me@example.com", phone: null },
      orders_requested: [],
      data_request: { id: 99 },
    };
    expect((await callAction(dataRequest, signedWebhook("customers/data_request", body))).status).toBe(200);
    const dr = await db.dataRequest.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    const exported = JSON.parse(dr.payload);
    expect(exported.checkouts).toHaveLength(1);
    expect(exported.checkouts[0]).toMatchObject({ token: payload.token, email: "erase.me@example.com" });
    expect(exported.checkouts[0].messages[0]).toMatchObject({ channel: "email", subject: "You left something" });
    expect(exported.pushSubscriptions).toHaveLength(1);

    const redact = { shop_id: 1, shop_domain: TEST_SHOP, customer: { id: 4242, email: "erase.me@example.com", phone: null }, orders_to_redact: [] };
    expect((await callAction(customersRedact, signedWebhook("customers/redact", redact))).status).toBe(200);
    const erased = await db.checkout.findFirstOrThrow({ where: { token: payload.token } });
    expect(erased).toMatchObject({ email: null, phone: null, firstName: null, customerId: null, nextDueAt: null });
    expect(erased.redactedAt).not.toBeNull();
    const msg = await db.message.findFirstOrThrow({ where: { checkoutId: c.id } });
    expect(msg).toMatchObject({ recipient: null, subject: null, bodyHtml: null });
    expect(await db.pushSubscription.count()).toBe(0);
    expect(await db.dataRequest.count({ where: { customerId: "4242" } })).toBe(0);
    const kept = await db.checkout.findFirstOrThrow({ where: { token: other.token } });
    expect(kept.email).toBe("keep.me@example.com");
  });

  it("shop/redact deletes everything of the shop", async () => {
    await seedOfflineSession();
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkoutPayload()));
    await callAction(ordersCreate, signedWebhook("orders/create", orderPayload()));
    const res = await callAction(shopRedact, signedWebhook("shop/redact", { shop_id: 1, shop_domain: TEST_SHOP }));
    expect(res.status).toBe(200);
    expect(await db.shop.count()).toBe(0);
    expect(await db.checkout.count()).toBe(0);
    expect(await db.order.count()).toBe(0);
    expect(await db.webhookEvent.count()).toBe(0);
    expect(await db.session.count()).toBe(0);
  });
});
