// App proxy routes (/apps/checkout-recovery/* -> /proxy/*) with genuinely signed, forged and stale requests,
// on a real SQLite file and a real PostgreSQL server.
import { RequestType, setUpValidRequest, TEST_SHOP_NAME } from "@shopify/shopify-api/test-helpers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "../../app/db.server";
import { forgetVapidKeys } from "../../app/models/vapid.server";
import * as subscribeRoute from "../../app/routes/proxy.subscribe";
import * as swRoute from "../../app/routes/proxy.sw[.]js";
import * as vapidRoute from "../../app/routes/proxy.vapid";
import { API_SECRET_KEY, APP_URL, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { addMinutes } from "../helpers/time";

const P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
const AUTH = "tBHItJI5svbpez7KI4CCXg";
const VAPID = "BMZnZIrVXzPB9yLMjUmIKyVCoXFuMmij4ZOr1sM14RiuRGxwt8SKLz5MOlEcPQqbXViBOk0N0SdOiFGmNVchEIQ"; // test pair

type Handler = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response> | Response;

async function call(fn: Handler, request: Request) {
  try {
    return await fn({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown; // Remix returns a thrown Response as is
    throw thrown;
  }
}

/**
 * A request as Shopify's app proxy forwards it: the query (shop, timestamp, path_prefix, logged_in_customer_id) signed
 * with the app secret. The helper takes the store name and appends .myshopify.com.
 */
async function proxied(path: string, o: { method?: string; body?: unknown; rawBody?: string; customerId?: string; headers?: Record<string, string> } = {}) {
  const url = new URL(`${APP_URL}/proxy/${path}`);
  url.searchParams.set("path_prefix", "/apps/checkout-recovery");
  url.searchParams.set("logged_in_customer_id", o.customerId ?? "");
  const signed = await setUpValidRequest({ type: RequestType.Public, store: TEST_SHOP_NAME, apiSecretKey: API_SECRET_KEY }, new Request(url));
  if (!o.method || o.method === "GET") return signed;
  const body = o.rawBody ?? JSON.stringify(o.body);
  return new Request(signed.url, { method: o.method, body, headers: { "Content-Type": "application/json", "User-Agent": "Mozilla/5.0 test", ...o.headers } });
}

function withParam(req: Request, key: string, value: string, init?: RequestInit) {
  const url = new URL(req.url);
  url.searchParams.set(key, value);
  return new Request(url, init);
}

const subscription = (id: string) => ({ endpoint: `https://fcm.googleapis.com/fcm/send/${id}`, expirationTime: null, keys: { p256dh: P256DH, auth: AUTH } });

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
  process.env.VAPID_PUBLIC_KEY = VAPID;
  process.env.VAPID_PRIVATE_KEY = "K4ewi6UvbgbEZTf0y_Q4lJn4STQwnK5U_-NAaRsnB4E";
  forgetVapidKeys();
});

afterEach(() => {
  vi.useRealTimers();
  delete process.env.PUSH_ALLOWED_HOSTS;
  delete process.env.VAPID_PUBLIC_KEY;
  delete process.env.VAPID_PRIVATE_KEY;
  forgetVapidKeys();
});

describe("signature", () => {
  it("refuses a request with no signature, a forged one, a tampered query or another secret (400)", async () => {
    const unsigned = new Request(`${APP_URL}/proxy/vapid?shop=${TEST_SHOP}&timestamp=${Math.trunc(Date.now() / 1000)}`);
    expect((await call(vapidRoute.loader, unsigned)).status).toBe(400);

    const good = await proxied("vapid");
    expect((await call(vapidRoute.loader, withParam(good, "signature", "0".repeat(64)))).status).toBe(400);
    // Claiming to be a logged-in customer after Shopify signed the query breaks the signature.
    expect((await call(vapidRoute.loader, withParam(good, "logged_in_customer_id", "12345"))).status).toBe(400);
    expect((await call(vapidRoute.loader, withParam(good, "shop", "other-shop.myshopify.com"))).status).toBe(400);

    const otherSecret = await setUpValidRequest(
      { type: RequestType.Public, store: TEST_SHOP_NAME, apiSecretKey: "not-the-app-secret" },
      new Request(`${APP_URL}/proxy/sw.js`),
    );
    expect((await call(swRoute.loader, otherSecret)).status).toBe(400);
  });

  it("refuses a genuinely signed request that is stale (older than the 90 s tolerance)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(addMinutes(new Date(), -10));
    const old = await proxied("subscribe", { method: "POST", body: { type: "subscribe", subscription: subscription("stale") } });
    vi.useRealTimers();
    expect((await call(subscribeRoute.action, old)).status).toBe(400);
    expect(await db.pushSubscription.count()).toBe(0);
  });
});

describe("GET /apps/checkout-recovery/sw.js", () => {
  it("serves the service worker as JavaScript, allowed the proxy scope", async () => {
    const res = await call(swRoute.loader, await proxied("sw.js"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/javascript/);
    expect(res.headers.get("service-worker-allowed")).toBe("/apps/checkout-recovery/");
    const source = await res.text();
    for (const event of ["push", "notificationclick", "pushsubscriptionchange"]) expect(source).toContain(`addEventListener("${event}"`);
  });
});

describe("GET /apps/checkout-recovery/vapid", () => {
  it("answers the VAPID public key", async () => {
    const res = await call(vapidRoute.loader, await proxied("vapid"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ publicKey: VAPID });
  });

  it("answers the key generated once and stored when the environment has none (the one the push channel uses)", async () => {
    delete process.env.VAPID_PUBLIC_KEY;
    delete process.env.VAPID_PRIVATE_KEY;
    const res = await call(vapidRoute.loader, await proxied("vapid"));
    expect(res.status).toBe(200);
    const { publicKey } = (await res.json()) as { publicKey: string };
    expect(publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
    const stored = await db.appSetting.findUniqueOrThrow({ where: { name: "vapid_keys" } });
    expect(JSON.parse(stored.value).publicKey).toBe(publicKey);
  });
});

describe("POST /apps/checkout-recovery/subscribe", () => {
  it("stores the subscription with the cart token and the signed customer id, linked to the cart's checkout", async () => {
    await db.checkout.create({ data: { shop: TEST_SHOP, token: "chk-77", cartToken: "cart-77", shopifyCreatedAt: new Date(), shopifyUpdatedAt: new Date() } });
    const req = await proxied("subscribe", {
      method: "POST",
      customerId: "4242",
      body: { type: "subscribe", subscription: subscription("s1"), cartToken: "cart-77?key=abc", customerId: "999" },
    });
    const res = await call(subscribeRoute.action, req);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true, outcome: "created" });
    const row = await db.pushSubscription.findUniqueOrThrow({ where: { endpoint: subscription("s1").endpoint } });
    // The body's customerId (999) is not signed and is ignored.
    expect(row).toMatchObject({
      shop: TEST_SHOP,
      cartToken: "cart-77",
      customerId: "4242",
      checkoutToken: "chk-77",
      p256dh: P256DH,
      auth: AUTH,
      userAgent: "Mozilla/5.0 test",
    });

    const again = await call(
      subscribeRoute.action,
      await proxied("subscribe", { method: "POST", body: { type: "subscribe", subscription: subscription("s1") } }),
    );
    expect(again.status).toBe(200);
    expect(await db.pushSubscription.count()).toBe(1);
  });

  it("limits one shopper's address to 20 subscribes in 10 minutes (429 with Retry-After); others go on", async () => {
    const from = (ip: string, id: string) =>
      proxied("subscribe", {
        method: "POST",
        body: { type: "subscribe", subscription: subscription(id) },
        headers: { "X-Forwarded-For": `${ip}, 23.227.38.1` },
      });
    for (let i = 0; i < 20; i++) expect((await call(subscribeRoute.action, await from("203.0.113.9", `rl${i}`))).status).toBe(201);
    const over = await call(subscribeRoute.action, await from("203.0.113.9", "rl-over"));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await db.pushSubscription.count({ where: { endpoint: subscription("rl-over").endpoint } })).toBe(0);
    expect((await call(subscribeRoute.action, await from("198.51.100.4", "rl-other"))).status).toBe(201);
  });

  it("accepts an unsubscribe (deletes by endpoint)", async () => {
    await call(subscribeRoute.action, await proxied("subscribe", { method: "POST", body: { type: "subscribe", subscription: subscription("gone") } }));
    const res = await call(
      subscribeRoute.action,
      await proxied("subscribe", { method: "POST", body: { type: "unsubscribe", endpoint: subscription("gone").endpoint } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, removed: true });
    expect(await db.pushSubscription.count()).toBe(0);
  });

  it.each([
    ["not JSON", { rawBody: "{nope" }],
    ["http endpoint", { body: { type: "subscribe", subscription: { ...subscription("x"), endpoint: "http://fcm.googleapis.com/fcm/send/x" } } }],
    ["missing keys", { body: { type: "subscribe", subscription: { endpoint: "https://fcm.googleapis.com/fcm/send/x" } } }],
    ["bad key alphabet", { body: { type: "subscribe", subscription: { ...subscription("x"), keys: { p256dh: `${"!".repeat(87)}`, auth: AUTH } } } }],
    ["unknown push service", { body: { type: "subscribe", subscription: { ...subscription("x"), endpoint: "https://169.254.169.254/latest/meta-data" } } }],
    ["unknown type", { body: { type: "other" } }],
  ])("refuses %s with 400 and writes nothing", async (_name, o) => {
    const res = await call(subscribeRoute.action, await proxied("subscribe", { method: "POST", ...o }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBeTruthy();
    expect(await db.pushSubscription.count()).toBe(0);
  });

  it("pushsubscriptionchange from the worker: the new endpoint replaces the old one and keeps its cart and customer", async () => {
    await call(
      subscribeRoute.action,
      await proxied("subscribe", { method: "POST", customerId: "31", body: { type: "subscribe", subscription: subscription("old"), cartToken: "cart-31" } }),
    );
    // The worker has no cart and no logged-in customer in its request.
    const res = await call(
      subscribeRoute.action,
      await proxied("subscribe", { method: "POST", body: { type: "subscribe", subscription: subscription("new"), oldEndpoint: subscription("old").endpoint } }),
    );
    expect(await res.json()).toEqual({ ok: true, outcome: "replaced" });
    const rows = await db.pushSubscription.findMany();
    expect(rows.map((r) => [r.endpoint, r.cartToken, r.customerId])).toEqual([[subscription("new").endpoint, "cart-31", "31"]]);
  });

  it("refuses a streamed body over the size limit (no Content-Length) with 413", async () => {
    const signed = await proxied("subscribe");
    const chunk = new TextEncoder().encode("x".repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const req = new Request(signed.url, { method: "POST", body: stream, headers: { "Content-Type": "application/json" }, duplex: "half" } as RequestInit);
    expect(req.headers.get("content-length")).toBeNull();
    expect((await call(subscribeRoute.action, req)).status).toBe(413);
    expect(sent).toBeLessThan(8); // stopped reading early
  });

  it("refuses a body over the size limit with 413", async () => {
    const huge = { type: "subscribe", subscription: subscription("big"), cartToken: "c", pad: "x".repeat(20_000) };
    const res = await call(subscribeRoute.action, await proxied("subscribe", { method: "POST", body: huge }));
    expect(res.status).toBe(413);
    expect(await db.pushSubscription.count()).toBe(0);
  });

  it("follows PUSH_ALLOWED_HOSTS (the push channel's allow-list), and never accepts a private address", async () => {
    process.env.PUSH_ALLOWED_HOSTS = "localhost,127.0.0.1";
    const post = (endpoint: string) => proxied("subscribe", { method: "POST", body: { type: "subscribe", subscription: { ...subscription("x"), endpoint } } });
    expect((await call(subscribeRoute.action, await post("https://localhost/push/abc"))).status).toBe(201);
    expect((await call(subscribeRoute.action, await post("https://localhost:9443/push/abc"))).status).toBe(400); // an allowed host, another port
    expect((await call(subscribeRoute.action, await post("https://127.0.0.1:9443/push/abc"))).status).toBe(400);
    expect((await call(subscribeRoute.action, await post("https://fcm.googleapis.com/fcm/send/x"))).status).toBe(400); // not listed any more
  });

  it("refuses a subscription carrying a value no database can store (422), writing nothing", async () => {
    const res = await call(
      subscribeRoute.action,
      await proxied("subscribe", {
        method: "POST",
        body: { type: "subscribe", subscription: { ...subscription("nul"), keys: { ...subscription("nul").keys, auth: "a\u0000b" } }, cartToken: "c" },
      }),
    );
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ ok: false, error: "subscription.keys.auth contains a NUL character" });
    expect(await db.pushSubscription.count()).toBe(0);
  });

  it("refuses GET (405) and a shop that is not installed (404)", async () => {
    expect((await call(subscribeRoute.loader as Handler, await proxied("subscribe"))).status).toBe(405);
    await db.shop.update({ where: { domain: TEST_SHOP }, data: { uninstalledAt: new Date() } });
    const { forgetShopCache } = await import("../../app/models/shops.server");
    forgetShopCache();
    const res = await call(subscribeRoute.action, await proxied("subscribe", { method: "POST", body: { type: "subscribe", subscription: subscription("u") } }));
    expect(res.status).toBe(404);
  });
});
