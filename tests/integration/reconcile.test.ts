// Reconciliation (issue 14, item 4) end to end against the Admin GraphQL stand-in, on SQLite and PostgreSQL:
// orders and abandoned checkouts that exist only in Shopify (their webhooks lost or late) are read back by the tick
// and go through the webhook ingest code; sends wait for orders to be known; the same shopper ordering elsewhere ends
// their sequences; a very late checkouts/create does not send the steps already past. No test waits for real.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { orderSyncSummary } from "../../app/lib/order-sync-status";
import { reconcileShop, type ReconcileOptions } from "../../app/recovery/reconcile.server";
import * as cronTick from "../../app/routes/cron.tick";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import { adminGraphqlFor } from "../../app/shopify/admin-graphql.server";
import { APP_URL, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { makeOutbox, runUntil, tick } from "../helpers/engine";
import { checkoutPayload, orderPayload, type CheckoutPayloadOptions } from "../helpers/factories";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../helpers/standins/admin-graphql";
import { abandonedCheckoutNode, modelOrders, orderNode, type OrdersModel } from "../helpers/standins/admin-graphql-orders";
import { registerShopProfile } from "../helpers/standins/shop-profile";
import { T0, addHours, addMinutes, at } from "../helpers/time";
import { callAction, deliverCheckout, signedWebhook } from "../helpers/webhooks";

const NO_QUIET = { quietHours: { enabled: false, start: "21:00", end: "08:00", timezone: null } };
const END = at(3 * 24 * 60);

let standin: AdminGraphqlStandin;
let shopify: OrdersModel;
let sleeps: number[];
const sleep = async (ms: number) => {
  sleeps.push(ms);
};
const admin = (shop: string) => adminGraphqlFor(shop, { baseUrl: standin.shopBaseUrl, sleep });
const reconcile = (extra: ReconcileOptions = {}): ReconcileOptions => ({ admin, ...extra });

beforeAll(async () => {
  standin = await startAdminGraphqlStandin();
  shopify = modelOrders(standin);
  registerShopProfile(standin); // POST /cron/tick also backfills shop profiles
});
afterAll(async () => {
  await standin.close();
});
beforeEach(async () => {
  await resetDatabase();
  standin.reset();
  shopify.clear();
  sleeps = [];
  await seedShop(TEST_SHOP, { ...NO_QUIET, frequencyCap: { maxMessages: 10, perHours: 24 } } as never);
  await seedOfflineSession(TEST_SHOP);
});

const newCheckout = (o: CheckoutPayloadOptions = {}, headers: Record<string, string> = {}) => deliverCheckout({ createdAt: T0, ...o }, headers);

const sentOf = (checkoutId: string) => db.message.findMany({ where: { checkoutId, status: "sent" }, orderBy: [{ sentAt: "asc" }, { channel: "asc" }] });

describe("reconciliation in the tick", () => {
  it("order webhook never arrives: the next tick reads the order back and step 2 is not sent; the checkout is recovered, credited to step 1", async () => {
    const { payload, checkout } = await newCheckout({ phone: "+1 555 010 2030", acceptsSms: true });
    const outbox = makeOutbox();
    const first = await tick(outbox, at(80), { reconcile: reconcile() });
    expect(first.reconcile).toMatchObject({ shops: 1, orders: 0, failed: 0 });
    expect((await sentOf(checkout.id)).map((m) => `${m.stepId}:${m.channel}`)).toEqual(["s1:email"]);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).ordersSyncedAt?.toISOString()).toBe(at(80).toISOString());

    // The shopper pays at +100 min; Shopify never delivers orders/create. Step 2 (WhatsApp) is due at +110.
    shopify.addOrder(TEST_SHOP, orderNode({ checkoutToken: payload.token, email: payload.email, createdAt: at(100), total: "96.00" }));
    const second = await tick(outbox, at(110), { reconcile: reconcile() });
    expect(second.reconcile).toMatchObject({ shops: 1, orders: 1 });
    expect(outbox.channels.whatsapp.count).toBe(0);
    await runUntil(outbox, END, { reconcile: reconcile() });
    expect((await sentOf(checkout.id)).map((m) => m.stepId)).toEqual(["s1"]);

    const after = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    const s1 = (await sentOf(checkout.id))[0];
    expect(after).toMatchObject({
      status: "recovered",
      stage: "recovered",
      stopReason: "order_completed",
      nextDueAt: null,
      attributedMessageId: s1.id,
      recoveredRevenueMinor: 9600n,
    });
    const order = await db.order.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(order).toMatchObject({ source: "reconcile", recovered: true, attributedStepId: "s1", attributedChannel: "email", checkoutToken: payload.token });
    expect(standin.problems).toEqual([]);

    // The webhook turns up after all: one order, counted once.
    const numericId = Number(order.orderId);
    const late = await callAction(
      ordersCreate,
      signedWebhook("orders/create", { ...orderPayload({ checkoutToken: payload.token, createdAt: at(100) }), id: numericId }),
    );
    expect(late.json).toMatchObject({ ok: true, outcome: "repeat" });
    expect(await db.order.count()).toBe(1);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).orderCount).toBe(1);
  });

  it("an order already delivered by webhook is not ingested again, and reading the same window twice changes nothing", async () => {
    const { payload } = await newCheckout();
    const webhookOrder = orderPayload({ checkoutToken: payload.token, createdAt: at(30) });
    await callAction(ordersCreate, signedWebhook("orders/create", webhookOrder));
    shopify.addOrder(TEST_SHOP, orderNode({ id: webhookOrder.id, checkoutToken: payload.token, createdAt: at(30) }));
    shopify.addOrder(TEST_SHOP, orderNode({ checkoutToken: null, email: "someone@example.com", createdAt: at(31) }));
    const shop = () => db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect((await reconcileShop(await shop(), at(40), reconcile())).orders).toBe(1);
    expect((await reconcileShop({ ...(await shop()), ordersSyncedAt: null }, at(41), reconcile())).orders).toBe(0);
    expect(await db.order.count()).toBe(2);
    expect((await shop()).orderCount).toBe(2);
    expect(await db.order.count({ where: { source: "webhook" } })).toBe(1);
  });

  it("reads page after page, moving the sync time only as far as it read (oldest update first), then to now", async () => {
    for (let i = 0; i < 7; i++) shopify.addOrder(TEST_SHOP, orderNode({ createdAt: at(i), updatedAt: at(10 + i) }));
    const opts = reconcile({ pageSize: 3, maxPages: 2, checkouts: false });
    const shop = () => db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const first = await reconcileShop({ ...(await shop()), ordersSyncedAt: at(0) }, at(60), opts);
    expect(first).toMatchObject({ ok: false, orders: 6, reason: "orders_partial" });
    expect((await shop()).ordersSyncedAt?.toISOString()).toBe(at(15).toISOString()); // the 6th update read
    const calls = standin.callsOf("OrdersUpdatedSince");
    expect(calls[0].variables).toEqual({ first: 3, after: null, query: "updated_at:>'2026-11-20T09:58:00Z'" }); // 2 min overlap
    expect(calls[1].variables.after).toEqual(expect.any(String));
    const second = await reconcileShop(await shop(), at(61), opts);
    expect(second).toMatchObject({ ok: true, orders: 1 });
    expect((await shop()).ordersSyncedAt?.toISOString()).toBe(at(61).toISOString());
    expect(await db.order.count()).toBe(7);
    expect(standin.problems).toEqual([]);
  });

  it("a throttled answer (THROTTLED with cost, then HTTP 429) is waited out, then read", async () => {
    shopify.addOrder(TEST_SHOP, orderNode({ createdAt: at(5) }));
    standin.script(
      "OrdersUpdatedSince",
      { kind: "throttled", requestedQueryCost: 100, currentlyAvailable: 20, restoreRate: 50 },
      { kind: "throttled", status: 429, retryAfter: "2" },
    );
    const r = await reconcileShop(await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } }), at(10), reconcile({ checkouts: false }));
    expect(r).toMatchObject({ ok: true, orders: 1 });
    expect(sleeps).toEqual([1600, 2000]); // (100 - 20) / 50 s, then Retry-After
    expect(standin.callsOf("OrdersUpdatedSince").map((c) => c.answered)).toEqual(["throttled", "throttled", "success"]);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).syncError).toBeNull();
  });

  it("API down: the step is deferred and counted, the error recorded; the next tick retries, reads, and sends", async () => {
    const { checkout } = await newCheckout();
    standin.script("OrdersUpdatedSince", { kind: "http", status: 500 });
    const outbox = makeOutbox();
    // No sweep: the gate alone reconciles before sending.
    const first = await tick(outbox, at(80), { reconcile: reconcile({ maxShops: 0 }) });
    expect(first.deferred).toMatchObject({ orders_sync_pending: 1 });
    expect(first.reconcile.failed).toBe(1);
    expect(outbox.channels.email.count).toBe(0);
    let shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(shop.syncError).toMatch(/^orders: http: HTTP 500/);
    // Settings says it in the merchant's words, never the internal error.
    const warned = orderSyncSummary(shop);
    expect(warned.tone).toBe("warning");
    expect(warned.message).toContain("Shopify could not be reached at the last check");
    expect(warned.message).not.toContain("HTTP 500");
    expect((await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).nextDueAt?.toISOString()).toBe(at(81).toISOString());
    expect(await db.message.count({ where: { checkoutId: checkout.id } })).toBe(0); // deferred, not skipped

    const second = await tick(outbox, at(81), { reconcile: reconcile({ maxShops: 0 }) });
    expect(second.deferred.orders_sync_pending ?? 0).toBe(0);
    expect(second.sent.email).toBe(1);
    shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(shop).toMatchObject({ syncError: null });
    expect(shop.ordersSyncedAt?.toISOString()).toBe(at(81).toISOString());
    expect(orderSyncSummary(shop)).toMatchObject({
      tone: "ok",
      checkedAt: `${new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(at(81))} (UTC)`,
    });
  });

  it("API down for longer than the bound: steps go out anyway, counted, so the shop is not silenced", async () => {
    const { checkout } = await newCheckout();
    await db.shop.update({ where: { domain: TEST_SHOP }, data: { ordersSyncedAt: at(80 - 121), syncAttemptAt: at(80 - 121) } });
    standin.script("OrdersUpdatedSince", { kind: "http", status: 503 }, { kind: "http", status: 503 }, { kind: "http", status: 503 });
    const outbox = makeOutbox();
    const r = await tick(outbox, at(80), { reconcile: reconcile({ maxShops: 0 }) });
    expect(r.reconcile).toMatchObject({ failed: 1, sentUnsynced: 1 });
    expect(r.sent.email).toBe(1);
    expect((await sentOf(checkout.id)).length).toBe(1);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).syncError).toMatch(/HTTP 503/);
  });

  it("a tick whose reconciliation budget is spent does not call Shopify again: the stale shop's steps wait for the next tick", async () => {
    const { checkout } = await newCheckout();
    const outbox = makeOutbox();
    const r = await tick(outbox, at(80), { reconcile: reconcile({ maxShops: 0, budgetMs: 0 }) });
    expect(standin.calls).toEqual([]);
    expect(r.deferred).toMatchObject({ orders_sync_pending: 1 });
    expect(await db.message.count({ where: { checkoutId: checkout.id } })).toBe(0);
    const next = await tick(outbox, at(81), { reconcile: reconcile({ maxShops: 0 }) });
    expect(next.sent.email).toBe(1);
  });

  it("a shop without an offline session is skipped with a reason, and its steps are not held", async () => {
    await db.session.deleteMany({});
    await newCheckout();
    const outbox = makeOutbox();
    const r = await tick(outbox, at(80), { reconcile: reconcile() });
    expect(r.reconcile).toMatchObject({ shops: 0, failed: 0, skipped: { no_session: 1 } });
    expect(r.sent.email).toBe(1);
    expect(standin.calls).toEqual([]);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).syncError).toBe("no_session");
  });

  it("a failing shop does not stop another shop's sends", async () => {
    const other = "second-shop.myshopify.com";
    await seedShop(other, NO_QUIET as never);
    await seedOfflineSession(other);
    await newCheckout();
    const p = checkoutPayload({ createdAt: T0 });
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", p, { shop: other }));
    // The first call (whichever shop it is for) fails; the gate for the other shop still reads and sends.
    standin.script("OrdersUpdatedSince", { kind: "http", status: 500 });
    const outbox = makeOutbox();
    const r = await tick(outbox, at(80), { reconcile: reconcile({ maxShops: 0 }) });
    expect(r.sent.email).toBe(1);
    expect(r.deferred.orders_sync_pending).toBe(1);
  });

  it("a checkout whose checkouts/create was lost is read back from abandonedCheckouts and worked like any other", async () => {
    const token = "c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6";
    shopify.addAbandonedCheckout(TEST_SHOP, abandonedCheckoutNode({ token, shop: TEST_SHOP, email: "grace@example.com", createdAt: T0 }));
    const outbox = makeOutbox();
    const r = await tick(outbox, at(80), { reconcile: reconcile() });
    expect(r.reconcile.checkouts).toBe(1);
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token } } });
    expect(c).toMatchObject({ email: "grace@example.com", totalMinor: 5900n, emailConsent: true });
    expect((await sentOf(c.id)).map((m) => `${m.stepId}:${m.channel}`)).toEqual(["s1:email"]);
    // Read again later: nothing new, nothing written twice.
    await db.shop.update({ where: { domain: TEST_SHOP }, data: { checkoutsSyncedAt: null } });
    const again = await tick(outbox, at(90), { reconcile: reconcile() });
    expect(again.reconcile.checkouts).toBe(0);
    expect(await db.checkout.count()).toBe(1);
    expect(standin.problems).toEqual([]);
  });
});

describe("POST /cron/tick", () => {
  it("reconciles through the shop's offline session (the route turns reconciliation on) and answers what it read", async () => {
    const saved = { ...process.env };
    try {
      process.env.CRON_SECRET = "s3cret-for-tests";
      process.env.CHANNELS_MODE = "outbox";
      process.env.SHOPIFY_ADMIN_API_BASE_URL = standin.shopBaseUrl;
      const { payload, checkout } = await newCheckout();
      shopify.addOrder(TEST_SHOP, orderNode({ checkoutToken: payload.token, createdAt: at(70) }));
      const req = new Request(`${APP_URL}/cron/tick`, {
        method: "POST",
        headers: { Authorization: "Bearer s3cret-for-tests", "Content-Type": "application/json" },
        body: JSON.stringify({ now: at(80).toISOString() }),
      });
      const res = await callAction(cronTick, req);
      expect(res.status).toBe(200);
      expect(res.json.reconcile).toMatchObject({ shops: 1, orders: 1, failed: 0 });
      expect(await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ status: "completed", stopReason: "order_completed" });
      expect(await db.message.count({ where: { checkoutId: checkout.id } })).toBe(0);
      expect(standin.callsOf("OrdersUpdatedSince")[0]).toMatchObject({ shop: TEST_SHOP, token: "shpat_test_token" });
      expect(standin.problems).toEqual([]);
    } finally {
      process.env = saved;
    }
  });
});

describe("the same shopper ordering without a stored checkout", () => {
  it("orders/create with no checkout token ends that shopper's open sequences (email, any case), audited; others go on", async () => {
    const { checkout: mine } = await newCheckout({ email: "Ada@Example.com" });
    const { checkout: theirs } = await newCheckout({ email: "someone-else@example.com" });
    const res = await callAction(
      ordersCreate,
      signedWebhook("orders/create", orderPayload({ checkoutToken: null, email: "ada@example.COM ", createdAt: at(50) })),
    );
    expect(res.status).toBe(200);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({
      status: "stopped",
      stopReason: "ordered_elsewhere",
      nextDueAt: null,
    });
    expect(await db.checkout.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({ status: "open", stopReason: null });
    const audits = await db.auditLog.findMany({ where: { checkoutId: mine.id, action: "sequence_stopped" } });
    expect(audits.map((a) => [a.actor, a.toValue, JSON.parse(a.detail ?? "{}").reason])).toEqual([["webhook:orders/create", "stopped", "ordered_elsewhere"]]);
    const outbox = makeOutbox();
    await runUntil(outbox, at(100));
    expect(await db.message.count({ where: { checkoutId: mine.id, status: "sent" } })).toBe(0);
    expect(await db.message.count({ where: { checkoutId: theirs.id, status: "sent" } })).toBe(1);
  });

  it("an order found by reconciliation with only a phone ends the sequence of the checkout with that phone", async () => {
    const { checkout } = await newCheckout({ email: null, phone: "+1 (555) 010-9999", acceptsSms: true, customerId: null });
    shopify.addOrder(TEST_SHOP, orderNode({ checkoutToken: null, email: null, phone: "+15550109999", createdAt: at(50), customerId: null }));
    await reconcileShop(await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } }), at(60), reconcile({ checkouts: false }));
    expect(await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ status: "stopped", stopReason: "ordered_elsewhere" });
    const audit = await db.auditLog.findFirstOrThrow({ where: { checkoutId: checkout.id, action: "sequence_stopped" } });
    expect(audit.actor).toBe("system:reconcile");
  });

  it("a checkout started after that order is a new intent and keeps its sequence", async () => {
    const { checkout } = await newCheckout({ email: "ada@example.com", createdAt: at(60) });
    await callAction(ordersCreate, signedWebhook("orders/create", orderPayload({ checkoutToken: null, email: "ada@example.com", createdAt: at(50) })));
    expect(await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ status: "open" });
  });
});

describe("a very late checkouts/create", () => {
  it("delivered 30 h after Shopify triggered it: the 1 h, 1.5 h, 4 h and 24 h steps are skipped as late, the 40 h step goes out", async () => {
    const triggered = addHours(new Date(), -30).toISOString();
    const { checkout } = await newCheckout({ phone: "+1 555 010 2030", acceptsSms: true }, { "X-Shopify-Triggered-At": triggered });
    const row = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(row.nextStepIndex).toBe(4);
    expect(row.nextDueAt?.toISOString()).toBe(at(20 + 2400).toISOString());
    const late = await db.message.findMany({
      where: { checkoutId: checkout.id, status: "skipped", skipReason: "late" },
      orderBy: [{ stepIndex: "asc" }, { channel: "asc" }],
    });
    expect(late.map((m) => `${m.stepId}:${m.channel}`)).toEqual(["s1:email", "s1:push", "s2:whatsapp", "s3:email", "s3:push", "s4:email", "s4:push"]);
    const outbox = makeOutbox();
    await runUntil(outbox, END);
    expect((await sentOf(checkout.id)).map((m) => `${m.stepId}:${m.channel}@${(m.sentAt!.getTime() - T0.getTime()) / 60_000}`)).toEqual(["s5:email@2420"]);
  });

  it("delivered 20 min late (within the grace): nothing is skipped", async () => {
    const triggered = addMinutes(new Date(), -20).toISOString();
    const { checkout } = await newCheckout({}, { "X-Shopify-Triggered-At": triggered });
    expect((await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).nextStepIndex).toBe(0);
    expect(await db.message.count({ where: { checkoutId: checkout.id } })).toBe(0);
  });

  it("delivered 2 h late: step 1 is late, step 2 (due within the grace) goes out at once", async () => {
    const triggered = addMinutes(new Date(), -120).toISOString();
    const { checkout } = await newCheckout({ phone: "+1 555 010 2030", acceptsSms: true }, { "X-Shopify-Triggered-At": triggered });
    const row = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(row.nextStepIndex).toBe(1);
    expect(row.nextDueAt?.toISOString()).toBe(at(110).toISOString());
  });
});
