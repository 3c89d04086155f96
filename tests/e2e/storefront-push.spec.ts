// The storefront push opt-in in Chromium: a local stand-in for the shop's storefront serves a page with the app embed
// block rendered from extensions/push-prompt/blocks/push-prompt.liquid (schema defaults) and its real assets, and
// plays Shopify's app proxy: /apps/checkout-recovery/* is forwarded to the running app's /proxy/* with the query
// signed (shop, logged_in_customer_id, path_prefix, timestamp, signature) and cookies stripped.
// Only the browser's push service is replaced (PushManager.prototype.subscribe / getSubscription, in the page).
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import { E2E_ENV } from "./env";
import { expect, test } from "./fixtures";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EXT = path.join(ROOT, "extensions/push-prompt");
const PROXY = "/apps/checkout-recovery/";

interface Shopper {
  customerId: string; // "" for a guest
  cartToken: string;
}

// ---- Liquid-rendered equivalent of the app embed block ------------------------------------------------------------

interface PageKind {
  template: "product" | "cart";
  designMode: boolean; // the theme editor's preview
}

interface BlockSchema {
  javascript: string;
  stylesheet: string;
  settings: Array<{ id: string; default?: string | number }>;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Renders blocks/push-prompt.liquid the way Shopify would for this page (only the tags and objects it uses). */
function renderBlock(shopper: Shopper, overrides: Record<string, string | number> = {}, page: PageKind = { template: "product", designMode: false }) {
  const source = fs.readFileSync(path.join(EXT, "blocks/push-prompt.liquid"), "utf8");
  const schemaText = /{%\s*schema\s*%}([\s\S]*?){%\s*endschema\s*%}/.exec(source)![1];
  const schema = JSON.parse(schemaText) as BlockSchema;
  const settings: Record<string, string | number> = {};
  for (const s of schema.settings) if (s.default !== undefined) settings[s.id] = s.default;
  Object.assign(settings, overrides);
  const objects: Record<string, string> = {
    "customer.id": shopper.customerId,
    "routes.cart_url": "/cart",
    "template.name": page.template,
    "request.design_mode": String(page.designMode),
  };
  const markup = source
    .replace(/{%\s*schema\s*%}[\s\S]*?{%\s*endschema\s*%}/, "")
    .replace(/{%\s*comment\s*%}[\s\S]*?{%\s*endcomment\s*%}/g, "")
    .replace(/{{\s*([^}|]+?)\s*(\|\s*escape\s*)?}}/g, (_m, expr: string, escape?: string) => {
      const key = expr.trim();
      let value: string;
      if (key.startsWith("block.settings.")) value = String(settings[key.slice("block.settings.".length)] ?? "");
      else if (key in objects) value = objects[key];
      else throw new Error(`renderBlock: no value for {{ ${key} }}; teach the test about it`);
      return escape ? escapeHtml(value) : value;
    });
  if (/{[{%]/.test(markup)) throw new Error("renderBlock: Liquid left unrendered");
  return { markup, schema };
}

function storefrontPage(shopper: Shopper, overrides: Record<string, string | number>, page: PageKind) {
  const { markup, schema } = renderBlock(shopper, overrides, page);
  // Shopify injects the schema's stylesheet in <head> and its javascript deferred; the block renders before </body>.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${page.template === "cart" ? "Your cart" : "Linen Shirt"} - Test Shop</title>
<link rel="stylesheet" href="/cdn/extensions/${schema.stylesheet}">
<script src="/cdn/extensions/${schema.javascript}" defer></script>
</head><body>
<main><h1>Linen Shirt</h1>
<button id="add" type="button">Add to cart</button>
<script>
document.getElementById("add").addEventListener("click", function () {
  fetch("/cart/add.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ items: [{ id: 1, quantity: 1 }] }) });
});
</script></main>
${markup}
</body></html>`;
}

// ---- The storefront stand-in with Shopify's app proxy --------------------------------------------------------------

/** Shopify's app proxy signature: HMAC-SHA256 (hex) of the sorted `key=value` pairs, joined with nothing. */
function signProxyQuery(params: URLSearchParams, secret: string) {
  const grouped = new Map<string, string[]>();
  for (const [k, v] of params) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  const message = [...grouped.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v.join(",")}`)
    .join("");
  return crypto.createHmac("sha256", secret).update(message).digest("hex");
}

interface ProxiedCall {
  method: string;
  path: string;
  status: number;
}

function startStorefront(shop: string, appBase: string) {
  const state = { shopper: { customerId: "", cartToken: "" } as Shopper, overrides: {} as Record<string, string | number>, proxied: [] as ProxiedCall[] };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://storefront.local");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    try {
      if (url.pathname.startsWith(PROXY)) {
        const query = new URLSearchParams(url.search);
        query.delete("signature");
        query.set("shop", shop);
        query.set("logged_in_customer_id", state.shopper.customerId);
        query.set("path_prefix", PROXY.replace(/\/$/, ""));
        query.set("timestamp", String(Math.floor(Date.now() / 1000)));
        query.set("signature", signProxyQuery(query, E2E_ENV.SHOPIFY_API_SECRET));
        const target = `${appBase}/proxy/${url.pathname.slice(PROXY.length)}?${query}`;
        const headers: Record<string, string> = {};
        for (const h of ["content-type", "user-agent", "accept"]) if (req.headers[h]) headers[h] = String(req.headers[h]);
        // The app proxy strips cookies: none are forwarded.
        const upstream = await fetch(target, { method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body });
        const out: Record<string, string> = {};
        for (const h of ["content-type", "cache-control", "service-worker-allowed"]) {
          const v = upstream.headers.get(h);
          if (v) out[h] = v;
        }
        const text = Buffer.from(await upstream.arrayBuffer());
        state.proxied.push({ method: req.method ?? "GET", path: url.pathname, status: upstream.status });
        res.writeHead(upstream.status, out).end(text);
        return;
      }
      if (url.pathname.startsWith("/cdn/extensions/")) {
        const file = path.join(EXT, "assets", path.basename(url.pathname));
        const type = file.endsWith(".css") ? "text/css" : "application/javascript";
        res.writeHead(200, { "content-type": type }).end(fs.readFileSync(file));
        return;
      }
      if (url.pathname === "/cart.js") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: state.shopper.cartToken, item_count: 1, items: [] }));
        return;
      }
      if (url.pathname === "/cart/add.js" && req.method === "POST") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: [{ id: 1, quantity: 1 }] }));
        return;
      }
      if (url.pathname === "/products/linen-shirt" || url.pathname === "/cart") {
        const page: PageKind = { template: url.pathname === "/cart" ? "cart" : "product", designMode: url.searchParams.has("design") };
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(storefrontPage(state.shopper, state.overrides, page));
        return;
      }
      if (url.pathname === "/favicon.ico") {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    } catch (e) {
      res.writeHead(502, { "content-type": "text/plain" }).end(String(e));
    }
  });
  return { server, state };
}

// ---- The browser's push service, replaced in the page only ---------------------------------------------------------

interface FakePush {
  endpoint: string;
  p256dh: string;
  auth: string;
  unsupported?: boolean;
}

async function replacePushService(page: Page, fake: FakePush) {
  await page.addInitScript((f: FakePush) => {
    if (f.unsupported) {
      // @ts-expect-error: a browser without the Push API
      delete window.PushManager;
      return;
    }
    const w = window as unknown as { __crPush: { calls: Array<{ userVisibleOnly: boolean; key: number[] }> } };
    w.__crPush = { calls: [] };
    // The browser keeps a subscription across page loads: so does the fake (sessionStorage of the test page).
    const make = (bytes: Uint8Array) => ({
      endpoint: f.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: bytes.buffer },
      getKey: () => null,
      toJSON: () => ({ endpoint: f.endpoint, expirationTime: null, keys: { p256dh: f.p256dh, auth: f.auth } }),
      unsubscribe: async () => {
        sessionStorage.removeItem("__crFakeKey");
        return true;
      },
    });
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      const key = options?.applicationServerKey;
      const bytes =
        key instanceof ArrayBuffer
          ? new Uint8Array(key)
          : ArrayBuffer.isView(key)
            ? new Uint8Array(key.buffer, key.byteOffset, key.byteLength)
            : new Uint8Array();
      w.__crPush.calls.push({ userVisibleOnly: Boolean(options?.userVisibleOnly), key: Array.from(bytes) });
      sessionStorage.setItem("__crFakeKey", JSON.stringify(Array.from(bytes)));
      return make(bytes) as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async function () {
      const saved = sessionStorage.getItem("__crFakeKey");
      return saved ? (make(new Uint8Array(JSON.parse(saved))) as unknown as PushSubscription) : null;
    };
  }, fake);
}

function fakePush(): FakePush {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.generateKeys();
  return {
    endpoint: `https://localhost/push/e2e-${crypto.randomUUID()}`,
    p256dh: ecdh.getPublicKey().toString("base64url"),
    auth: crypto.randomBytes(16).toString("base64url"),
  };
}

/** Clicks the theme's add-to-cart button and waits for the cart response and the tasks it queued (delay is 0). */
async function addToCart(page: Page) {
  const added = page.waitForResponse((r) => r.url().endsWith("/cart/add.js"));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await added;
  await page.evaluate(() => new Promise((r) => setTimeout(r, 20)));
}

function watchConsole(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

// ---- Specs ---------------------------------------------------------------------------------------------------------

let store: ReturnType<typeof startStorefront>;
let storefront: string;

test.beforeAll(async () => {
  store = startStorefront(process.env.E2E_SHOP!, process.env.E2E_BASE_URL!);
  await new Promise<void>((r) => store.server.listen(0, "127.0.0.1", r));
  storefront = `http://127.0.0.1:${(store.server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((r) => store.server.close(r));
});

test.beforeEach(() => {
  store.state.proxied.length = 0;
  store.state.overrides = { delay_seconds: 0 };
});

test("soft prompt after add-to-cart, worker registered from the proxy path, subscription stored and linked", async ({ page, context, db }) => {
  const shop = process.env.E2E_SHOP!;
  const run = crypto.randomUUID().slice(0, 8);
  const cart = `e2e-cart-${run}`;
  store.state.shopper = { customerId: "5551234", cartToken: `${cart}?key=0a1b2c3d` };
  // The checkout for this cart arrived first (webhook): the subscription must be joined to it on arrival.
  await db.checkout.create({ data: { shop, token: `e2e-chk-${run}`, cartToken: cart, shopifyCreatedAt: new Date(), shopifyUpdatedAt: new Date() } });

  const fake = fakePush();
  await replacePushService(page, fake);
  await context.grantPermissions(["notifications"], { origin: storefront });
  const errors = watchConsole(page);

  await page.goto(`${storefront}/products/linen-shirt`);
  const prompt = page.getByRole("dialog");
  await expect(prompt).toBeHidden();
  await addToCart(page);
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText("Want a reminder if you leave items in your cart?");
  await page.screenshot({ path: test.info().outputPath("soft-prompt.png") });

  await prompt.getByRole("button", { name: "Yes, remind me" }).click();
  await expect(prompt).toBeHidden();

  // The subscription arrives at the app (through the signed proxy) and is in the database, linked to the checkout.
  await expect.poll(async () => (await db.pushSubscription.findUnique({ where: { endpoint: fake.endpoint } }))?.shop ?? null, { timeout: 15_000 }).toBe(shop);
  const row = await db.pushSubscription.findUniqueOrThrow({ where: { endpoint: fake.endpoint } });
  expect(row).toMatchObject({ p256dh: fake.p256dh, auth: fake.auth, cartToken: cart, customerId: "5551234", checkoutToken: `e2e-chk-${run}` });
  expect(row.userAgent).toContain("Chrome/");

  // The worker was registered from the proxy path, with the proxy scope, and is active.
  const reg = await page.evaluate(async () => {
    const r = await navigator.serviceWorker.getRegistration("/apps/checkout-recovery/");
    return r ? { scope: r.scope, script: r.active?.scriptURL ?? null, state: r.active?.state ?? null } : null;
  });
  expect(reg).toEqual({ scope: `${storefront}/apps/checkout-recovery/`, script: `${storefront}/apps/checkout-recovery/sw.js`, state: "activated" });

  // A push delivered to that worker (DevTools stands in for the push service) shows the notification.
  const cdp = await context.newCDPSession(page);
  const registrations: Array<{ registrationId: string; scopeURL: string; isDeleted?: boolean }> = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => registrations.push(...e.registrations));
  await cdp.send("ServiceWorker.enable");
  // The newest live registration for the scope (earlier events can name one that has since been replaced).
  const currentRegistration = () => registrations.filter((r) => r.scopeURL === reg!.scope && !r.isDeleted).at(-1)?.registrationId ?? null;
  await expect.poll(currentRegistration).not.toBeNull();
  const pushed = {
    title: "Still thinking it over?",
    body: "Linen Shirt is still in your cart.",
    image: `${storefront}/cdn/shirt.jpg`,
    url: "https://app.example/r/e2e-link",
    tag: "e2e",
    messageId: "m-e2e",
  };
  // Delivered again on each poll until it shows: DevTools drops a push that reaches the worker while it is still
  // starting up. The notification's tag makes a repeat replace the first, so exactly one is expected.
  await expect
    .poll(
      async () => {
        await cdp.send("ServiceWorker.deliverPushMessage", { origin: storefront, registrationId: currentRegistration()!, data: JSON.stringify(pushed) });
        await page.waitForTimeout(300);
        return page.evaluate(async () => {
          const r = await navigator.serviceWorker.getRegistration("/apps/checkout-recovery/");
          return (await r!.getNotifications()).map((n) => ({
            title: n.title,
            body: n.body,
            image: (n as Notification & { image?: string }).image,
            url: n.data?.url,
            tag: n.tag,
          }));
        });
      },
      { timeout: 15_000 },
    )
    .toEqual([{ title: pushed.title, body: pushed.body, image: pushed.image, url: pushed.url, tag: "e2e" }]);
  await cdp.detach();

  // The page subscribed with userVisibleOnly and the app's VAPID key.
  const calls = await page.evaluate(() => (window as unknown as { __crPush: { calls: Array<{ userVisibleOnly: boolean; key: number[] }> } }).__crPush.calls);
  expect(calls).toHaveLength(1);
  expect(calls[0].userVisibleOnly).toBe(true);
  expect(Buffer.from(calls[0].key).toString("base64url")).toBe(E2E_ENV.VAPID_PUBLIC_KEY);

  // Every call went through the proxy and was accepted by the app's signature check.
  const seen = store.state.proxied.map((c) => `${c.method} ${c.path} ${c.status}`);
  expect(seen).toEqual(
    expect.arrayContaining(["GET /apps/checkout-recovery/sw.js 200", "GET /apps/checkout-recovery/vapid 200", "POST /apps/checkout-recovery/subscribe 201"]),
  );

  // The next page load re-sends nothing when neither the cart nor the subscription changed...
  store.state.proxied.length = 0;
  const cartChecked = page.waitForResponse((r) => r.url().endsWith("/cart.js"));
  await page.reload();
  await cartChecked;
  await page.evaluate(() => new Promise((r) => setTimeout(r, 20)));
  expect(store.state.proxied).toEqual([]);
  await expect(prompt).toBeHidden();

  // ...and tells the app about a new cart (after an order, the shopper starts another one), without prompting again.
  store.state.shopper = { ...store.state.shopper, cartToken: `${cart}-next?key=ffee` };
  await page.reload();
  await expect.poll(async () => (await db.pushSubscription.findUnique({ where: { endpoint: fake.endpoint } }))?.cartToken).toBe(`${cart}-next`);
  expect((await db.pushSubscription.findUniqueOrThrow({ where: { endpoint: fake.endpoint } })).checkoutToken).toBeNull();
  expect(calls).toHaveLength(1);
  await expect(prompt).toBeHidden();

  // The shopper blocks notifications in the browser: the next page tells the app, and the subscription is removed.
  await page.addInitScript(() => Object.defineProperty(Notification, "permission", { get: () => "denied" }));
  await page.reload();
  await expect.poll(async () => db.pushSubscription.count({ where: { endpoint: fake.endpoint } })).toBe(0);
  expect(store.state.proxied.at(-1)).toEqual({ method: "POST", path: "/apps/checkout-recovery/subscribe", status: 200 });
  await expect(prompt).toBeHidden();
  expect(errors).toEqual([]);
});

test("a 'no' is remembered for the configured days, and nothing is registered", async ({ page, context, db }) => {
  store.state.shopper = { customerId: "", cartToken: `e2e-cart-no-${crypto.randomUUID().slice(0, 8)}` };
  const fake = fakePush();
  await replacePushService(page, fake);
  await context.grantPermissions(["notifications"], { origin: storefront });
  const errors = watchConsole(page);

  await page.goto(`${storefront}/products/linen-shirt`);
  await addToCart(page);
  const prompt = page.getByRole("dialog");
  await prompt.getByRole("button", { name: "No thanks" }).click();
  await expect(prompt).toBeHidden();
  const until = Number(await page.evaluate(() => localStorage.getItem("cr_pp_no_until")));
  const days = (until - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(29.9);
  expect(days).toBeLessThanOrEqual(30);

  await page.reload();
  await addToCart(page);
  await expect(prompt).toBeHidden();
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
  expect(store.state.proxied).toEqual([]);
  expect(await db.pushSubscription.findUnique({ where: { endpoint: fake.endpoint } })).toBeNull();
  expect(errors).toEqual([]);
});

test("silent where push is unsupported", async ({ page }) => {
  store.state.shopper = { customerId: "", cartToken: "e2e-cart-unsupported" };
  await replacePushService(page, { ...fakePush(), unsupported: true });
  const errors = watchConsole(page);
  await page.goto(`${storefront}/products/linen-shirt`);
  await addToCart(page);
  await expect(page.getByRole("dialog")).toBeHidden();
  expect(store.state.proxied).toEqual([]);
  expect(errors).toEqual([]);
});

test("'on the cart page' shows the prompt there and not after add-to-cart elsewhere; the theme editor only previews it", async ({ page, context }) => {
  store.state.shopper = { customerId: "", cartToken: "e2e-cart-page" };
  store.state.overrides = { delay_seconds: 0, trigger: "cart_page", prompt_text: "Ping me <b>maybe</b>?" };
  await replacePushService(page, fakePush());
  await context.grantPermissions(["notifications"], { origin: storefront });
  const errors = watchConsole(page);
  const prompt = page.getByRole("dialog");

  await page.goto(`${storefront}/products/linen-shirt`);
  await addToCart(page);
  await expect(prompt).toBeHidden();

  await page.goto(`${storefront}/cart`);
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText("Ping me <b>maybe</b>?"); // merchant text is escaped, never markup
  await expect(prompt.locator("b")).toHaveCount(0);

  // Theme editor: shown at once as a preview; its buttons only close it.
  await page.goto(`${storefront}/products/linen-shirt?design=1`);
  await expect(prompt).toBeVisible();
  await prompt.getByRole("button", { name: "Yes, remind me" }).click();
  await expect(prompt).toBeHidden();
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
  expect(store.state.proxied).toEqual([]);
  expect(errors).toEqual([]);
});
