// The local demo's relaxations (demo/demo.server.ts, and the one hook production asks: app/demo-hook.server.ts): inert without DEMO_MODE, refused in production and on
// non-loopback addresses (also through server.mjs itself), and what the admin middleware does for a browser.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import http, { type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_SHOP,
  DemoRefusedError,
  adminHostParam,
  assertDemoAllowed,
  demoAdminMiddleware,
  demoEnabled,
  demoOverrides,
  demoServerEnv,
  isLoopbackHost,
  mintSessionToken,
  sessionTokenUsable,
} from "../../demo/demo.server";

const KEY = "demo-key";
const SECRET = "demo-secret-0123456789";
const demoEnv = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  DEMO_MODE: "1",
  NODE_ENV: "development",
  HOST: "127.0.0.1",
  SHOPIFY_API_KEY: KEY,
  SHOPIFY_API_SECRET: SECRET,
  ...extra,
});

function verifyJwt(token: string) {
  const [h, p, s] = token.split(".");
  const expected = crypto.createHmac("sha256", SECRET).update(`${h}.${p}`).digest("base64url");
  expect(s).toBe(expected);
  return JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
}

describe("demo mode switch", () => {
  it("is off when DEMO_MODE is unset or 0, on for 1, and a mistake for anything else", () => {
    expect(demoEnabled({})).toBe(false);
    expect(demoEnabled({ DEMO_MODE: "" })).toBe(false);
    expect(demoEnabled({ DEMO_MODE: "0" })).toBe(false);
    expect(demoEnabled({ DEMO_MODE: "1" })).toBe(true);
    expect(() => demoEnabled({ DEMO_MODE: "true" })).toThrow(/DEMO_MODE must be 1 or unset/);
  });

  it("is inert without DEMO_MODE: no middleware, no refusal, no push relaxation (even in production on 0.0.0.0)", () => {
    const prod = { NODE_ENV: "production", HOST: "0.0.0.0", SHOPIFY_API_KEY: KEY, SHOPIFY_API_SECRET: SECRET };
    expect(demoAdminMiddleware(prod)).toBeNull();
    expect(() => assertDemoAllowed(prod)).not.toThrow();
    expect(demoOverrides({ ...prod, PUSH_ALLOWED_HOSTS: "localhost" })).toEqual({ allowNonPublicPushEndpoints: false, allowClockOverride: false });
  });
});

describe("refusals", () => {
  it("refuses NODE_ENV=production with a clear message", () => {
    expect(() => assertDemoAllowed(demoEnv({ NODE_ENV: "production" }))).toThrow(DemoRefusedError);
    expect(() => demoAdminMiddleware(demoEnv({ NODE_ENV: "production" }))).toThrow(/refuses to run with NODE_ENV=production/);
  });

  it.each(["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "example.com", "", "[::ffff:10.0.0.1]"])("refuses to listen on %j", (host) => {
    expect(() => demoAdminMiddleware(demoEnv({ HOST: host }))).toThrow(/refuses to listen on/);
  });

  it("refuses when HOST is unset (server.mjs would bind 0.0.0.0)", () => {
    expect(() => assertDemoAllowed(demoEnv({ HOST: undefined }))).toThrow(/refuses to listen on 0\.0\.0\.0/);
  });

  it.each(["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"])("accepts the loopback host %j", (host) => {
    expect(isLoopbackHost(host)).toBe(true);
    expect(() => assertDemoAllowed(demoEnv({ HOST: host }))).not.toThrow();
  });

  it("relaxes the push SSRF guard only for loopback push hosts, only in demo mode", () => {
    const relaxed = (env: Record<string, string | undefined>) => demoOverrides(env).allowNonPublicPushEndpoints;
    expect(relaxed(demoEnv({ PUSH_ALLOWED_HOSTS: "localhost" }))).toBe(true);
    expect(relaxed(demoEnv({ PUSH_ALLOWED_HOSTS: "localhost,fcm.googleapis.com" }))).toBe(false);
    expect(relaxed(demoEnv({ PUSH_ALLOWED_HOSTS: "" }))).toBe(false);
    expect(relaxed(demoEnv({ NODE_ENV: "production", PUSH_ALLOWED_HOSTS: "localhost" }))).toBe(false);
    expect(relaxed(demoEnv({ HOST: "0.0.0.0", PUSH_ALLOWED_HOSTS: "localhost" }))).toBe(false);
    expect(relaxed({ ...demoEnv({ PUSH_ALLOWED_HOSTS: "localhost" }), DEMO_MODE: "true" })).toBe(false);
  });

  it("lets the cron route move the clock for DEMO_MODE=1 only (the server refuses to start where that is unsafe)", () => {
    expect(demoOverrides(demoEnv()).allowClockOverride).toBe(true);
    expect(demoOverrides({ NODE_ENV: "development" }).allowClockOverride).toBe(false);
    expect(demoOverrides({ DEMO_MODE: "0" }).allowClockOverride).toBe(false);
    expect(demoOverrides({ DEMO_MODE: "yes" }).allowClockOverride).toBe(false);
  });

  describe("through server.mjs (before it loads the build or the database)", () => {
    const root = path.resolve(__dirname, "../..");
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, ["server.mjs"], {
        cwd: root,
        env: { ...process.env, SHOPIFY_API_KEY: KEY, SHOPIFY_API_SECRET: SECRET, PORT: "1", ...env },
        encoding: "utf8",
        timeout: 20_000,
      });

    it("exits 1 when DEMO_MODE=1 and NODE_ENV=production", () => {
      const r = run({ DEMO_MODE: "1", NODE_ENV: "production", HOST: "127.0.0.1" });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("DEMO_MODE=1 refuses to run with NODE_ENV=production");
    });

    it("exits 1 when DEMO_MODE=1 and HOST is not loopback", () => {
      const r = run({ DEMO_MODE: "1", NODE_ENV: "development", HOST: "0.0.0.0" });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("DEMO_MODE=1 refuses to listen on 0.0.0.0");
    });
  });
});

describe("session tokens", () => {
  it("mints a token Shopify's session-token check accepts (HS256 with the app secret, aud, dest, iss, exp)", () => {
    const now = 1_800_000_000;
    const claims = verifyJwt(mintSessionToken({ shop: DEMO_SHOP, apiKey: KEY, apiSecret: SECRET, now }));
    expect(claims).toMatchObject({ iss: `https://${DEMO_SHOP}/admin`, dest: `https://${DEMO_SHOP}`, aud: KEY, exp: now + 3600, nbf: now - 60, iat: now });
  });

  it("tells a usable token from an expired, forged or other-shop one", () => {
    const now = 1_800_000_000;
    const t = mintSessionToken({ shop: DEMO_SHOP, apiKey: KEY, apiSecret: SECRET, now });
    expect(sessionTokenUsable(t, { shop: DEMO_SHOP, apiSecret: SECRET, now })).toBe(true);
    expect(sessionTokenUsable(t, { shop: DEMO_SHOP, apiSecret: SECRET, now: now + 3590 })).toBe(false);
    expect(sessionTokenUsable(t, { shop: DEMO_SHOP, apiSecret: "other", now })).toBe(false);
    expect(sessionTokenUsable(t, { shop: "other.myshopify.com", apiSecret: SECRET, now })).toBe(false);
    expect(sessionTokenUsable("not.a.token", { shop: DEMO_SHOP, apiSecret: SECRET, now })).toBe(false);
  });
});

describe("admin middleware (an ordinary browser on this machine)", () => {
  let server: Server;
  let base: string;
  const seen: Array<{ url: string; authorization: string | undefined }> = [];

  beforeAll(async () => {
    const mw = demoAdminMiddleware(demoEnv())!;
    server = http.createServer((req, res) =>
      mw(req, res, () => {
        seen.push({ url: req.url ?? "", authorization: req.headers.authorization });
        res.writeHead(200).end("app");
      }),
    );
    server.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("redirects a page load without a session token to the same URL with id_token, embedded, shop and host", async () => {
    const res = await fetch(`${base}/app/pipeline?stage=lost`, { redirect: "manual" });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get("location")!, base);
    expect(loc.pathname).toBe("/app/pipeline");
    expect(loc.searchParams.get("stage")).toBe("lost");
    expect(loc.searchParams.get("embedded")).toBe("1");
    expect(loc.searchParams.get("shop")).toBe(DEMO_SHOP);
    expect(loc.searchParams.get("host")).toBe(adminHostParam(DEMO_SHOP));
    expect(verifyJwt(loc.searchParams.get("id_token")!)).toMatchObject({ dest: `https://${DEMO_SHOP}`, aud: KEY });

    // Following it reaches the app, with App Bridge's CDN script blocked by an extra CSP.
    const page = await fetch(loc, { redirect: "manual" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toBe("script-src 'self' 'unsafe-inline'");
  });

  it("re-mints an expired or forged id_token", async () => {
    const old = mintSessionToken({ shop: DEMO_SHOP, apiKey: KEY, apiSecret: SECRET, now: Math.floor(Date.now() / 1000) - 7200 });
    const url = `${base}/app?embedded=1&shop=${DEMO_SHOP}&host=${adminHostParam(DEMO_SHOP)}&id_token=${old}`;
    const res = await fetch(url, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get("location")!, base).searchParams.get("id_token")).not.toBe(old);
  });

  it("gives Remix data requests and form posts a bearer token, and leaves an existing one alone", async () => {
    seen.length = 0;
    await fetch(`${base}/app/pipeline?_data=routes%2Fapp.pipeline`);
    await fetch(`${base}/app/settings?_data=routes%2Fapp.settings`, { method: "POST", body: "x=1" });
    await fetch(`${base}/app/logs?_data=routes%2Fapp.logs`, { headers: { Authorization: "Bearer mine" } });
    expect(seen).toHaveLength(3);
    for (const s of seen.slice(0, 2)) {
      expect(s.authorization).toMatch(/^Bearer /);
      verifyJwt(s.authorization!.slice("Bearer ".length));
    }
    expect(seen[2].authorization).toBe("Bearer mine");
  });

  it("does not touch anything outside /app", async () => {
    seen.length = 0;
    for (const p of ["/", "/webhooks/orders/create", "/application", "/proxy/subscribe", "/cron/tick"]) {
      const res = await fetch(`${base}${p}`, { redirect: "manual" });
      expect(res.status).toBe(200);
    }
    expect(seen.every((s) => s.authorization === undefined)).toBe(true);
  });

  it("does nothing for a request that does not come from loopback", () => {
    const mw = demoAdminMiddleware(demoEnv())!;
    const req = { socket: { remoteAddress: "10.0.0.5" }, url: "/app", method: "GET", headers: {} } as unknown as http.IncomingMessage;
    let nextCalled = false;
    const res = { writeHead: () => expect.fail("redirected"), setHeader: () => expect.fail("header set") } as unknown as http.ServerResponse;
    mw(req, res, () => {
      nextCalled = true;
    });
    expect(nextCalled).toBe(true);
    expect(req.headers.authorization).toBeUndefined();
  });
});

describe("demo server environment", () => {
  it("is development mode on loopback with every provider pointed at a local stand-in", () => {
    const e = demoServerEnv({
      port: 4321,
      databaseUrl: "file:/tmp/x.sqlite",
      apiKey: KEY,
      apiSecret: SECRET,
      cronSecret: "c",
      encryptionKey: "0".repeat(64),
      standins: {
        sendgrid: { baseUrl: "http://127.0.0.1:1/", apiKey: "SG.x" },
        whatsapp: { baseUrl: "http://127.0.0.1:2", accessToken: "t", appSecret: "s" },
        push: { hosts: ["localhost"], caCertFile: "/tmp/ca.pem" },
        adminGraphql: { baseUrl: "http://127.0.0.1:3/{shop}" },
      },
    });
    expect(e).toMatchObject({
      DEMO_MODE: "1",
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      SHOPIFY_APP_URL: "http://127.0.0.1:4321",
      SENDGRID_API_BASE_URL: "http://127.0.0.1:1/",
      WHATSAPP_API_BASE_URL: "http://127.0.0.1:2",
      PUSH_ALLOWED_HOSTS: "localhost",
      SHOPIFY_ADMIN_API_BASE_URL: "http://127.0.0.1:3/{shop}",
    });
    expect(() => assertDemoAllowed(e)).not.toThrow();
    for (const [k, v] of Object.entries(e)) if (/URL$/.test(k) && k !== "DATABASE_URL") expect(new URL(v.replace("{shop}", "s")).hostname, k).toBe("127.0.0.1");
  });
});
