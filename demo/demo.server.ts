// Everything the local demo (`npm run demo`) relaxes, in one place. Nothing here is active unless DEMO_MODE=1.
// Production code never imports this file: it asks app/demo-hook.server.ts (demoOverrides) what it may relax, and
// server.mjs loads this file only when DEMO_MODE is set.
//
// What the demo relaxes, and nothing more:
//   1. Admin authentication for the demo shop: a request from this machine (loopback) to /app... without an App Bridge
//      session token is given one, minted here with the app's own secret, exactly as the Shopify admin would hand it
//      over: a page load is redirected to the same URL with `id_token`, `embedded=1`, `shop` and `host`; a Remix data
//      request or form post gets `Authorization: Bearer <token>`. The App Bridge script from Shopify's CDN is blocked
//      on those pages (outside the Shopify admin it would send the browser to admin.shopify.com).
//   2. Providers and Shopify replaced by local stand-ins: the environment the demo server runs with (demoServerEnv)
//      points SendGrid, WhatsApp, web push and the Admin API at loopback servers.
//   3. The cron route's `now` parameter (time travel through the cadence) is honoured when DEMO_MODE=1, and web push
//      may reach the demo's loopback push receiver: both answered by demoOverrides() in app/demo-hook.server.ts, only
//      reachable once assertDemoAllowed() let the server start.
//
// Guard rails (app/demo-hook.server.ts, re-exported here): assertDemoAllowed() throws at start-up when
// NODE_ENV=production or when the server would listen on a non-loopback address; server.mjs calls it (through
// demoAdminMiddleware) before it loads the build or the database.
//
// This file runs in two ways: imported by server.mjs through Node's type stripping (so: node built-ins only, type-only
// imports, no enums or parameter properties), and by the demo launcher and tests through tsx/vitest.
import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
// Explicit extensions: server.mjs loads this file directly through Node type stripping (no bundler in between).
import { assertDemoAllowed, demoEnabled, DemoRefusedError, demoOverrides, isLoopbackHost, type DemoEnv } from "../app/demo-hook.server.ts";
import { safeEqual } from "../app/lib/safe-equal.ts";
import { mintSessionToken } from "../app/lib/session-token.ts";

/** A connect-style middleware on Node's own request and response (server.mjs has no Express). */
export type DemoMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export const DEMO_SHOP = "demo-outfitters.myshopify.com";

export { mintSessionToken };
export { assertDemoAllowed, demoEnabled, DemoRefusedError, demoOverrides, isLoopbackHost, type DemoEnv };

/** True when `token` is a session token for `shop` signed with `apiSecret` that is still valid for a minute. */
export function sessionTokenUsable(token: string, o: { shop: string; apiSecret: string; now?: number }): boolean {
  const parts = token.split(".");
  if (parts.length !== 3) return false;
  const expected = crypto.createHmac("sha256", o.apiSecret).update(`${parts[0]}.${parts[1]}`).digest();
  if (!safeEqual(parts[2], expected.toString("base64url"))) return false;
  try {
    const p = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { exp?: number; dest?: string };
    const now = o.now ?? Math.floor(Date.now() / 1000);
    return p.dest === `https://${o.shop}` && typeof p.exp === "number" && p.exp > now + 60;
  } catch {
    return false;
  }
}

/** The `host` parameter the admin passes to an embedded app: base64url of "<shop>/admin". */
export function adminHostParam(shop: string): string {
  return Buffer.from(`${shop}/admin`).toString("base64url");
}

function isAdminPath(pathname: string): boolean {
  return pathname === "/app" || pathname.startsWith("/app/");
}

// Outside the Shopify admin, App Bridge (from cdn.shopify.com) would redirect the browser to admin.shopify.com.
// A second CSP header is enforced together with the app's own (frame-ancestors): scripts only from this server.
const DEMO_PAGE_CSP = "script-src 'self' 'unsafe-inline'";

/**
 * The middleware that lets an ordinary browser on this machine open the admin pages of the demo shop.
 * Returns null when DEMO_MODE is off (server.mjs then installs nothing); throws DemoRefusedError when the demo is
 * not allowed here (see assertDemoAllowed).
 */
export function demoAdminMiddleware(env: DemoEnv = process.env): DemoMiddleware | null {
  if (!demoEnabled(env)) return null;
  assertDemoAllowed(env);
  const shop = env.DEMO_SHOP || DEMO_SHOP;
  const apiKey = env.SHOPIFY_API_KEY as string;
  const apiSecret = env.SHOPIFY_API_SECRET as string;
  const mint = () => mintSessionToken({ shop, apiKey, apiSecret });

  return function demoAdmin(req, res, next) {
    // Only this machine gets the relaxation (the server also listens on loopback only).
    if (!isLoopbackHost(req.socket.remoteAddress)) return next();
    const url = new URL(req.url ?? "/", "http://demo.invalid");
    if (!isAdminPath(url.pathname)) return next();
    const isDocument = req.method === "GET" && !url.searchParams.has("_data");
    if (isDocument) {
      const token = url.searchParams.get("id_token");
      const complete =
        token !== null &&
        sessionTokenUsable(token, { shop, apiSecret }) &&
        url.searchParams.get("shop") === shop &&
        url.searchParams.get("embedded") === "1" &&
        url.searchParams.get("host") === adminHostParam(shop);
      if (!complete) {
        url.searchParams.set("embedded", "1");
        url.searchParams.set("shop", shop);
        url.searchParams.set("host", adminHostParam(shop));
        url.searchParams.set("id_token", mint());
        res.writeHead(302, { "Cache-Control": "no-store", Location: `${url.pathname}${url.search}` }).end();
        return;
      }
      res.setHeader("Content-Security-Policy", DEMO_PAGE_CSP);
      return next();
    }
    if (!req.headers.authorization) req.headers.authorization = `Bearer ${mint()}`;
    return next();
  };
}

/** Where the demo's stand-ins listen (all on loopback). A missing one leaves that provider unconfigured. */
export interface DemoStandinUrls {
  sendgrid?: { baseUrl: string; apiKey: string } | null;
  whatsapp?: { baseUrl: string; accessToken: string; appSecret?: string; verifyToken?: string } | null;
  push?: { hosts: string[]; caCertFile?: string | null } | null;
  adminGraphql?: { baseUrl: string } | null;
}

/**
 * The environment the demo server runs with: every provider and Shopify endpoint pointed at a local stand-in, test
 * credentials generated for this run, DEMO_MODE=1, development mode, loopback only. The one list of what differs from
 * a real deployment.
 */
export function demoServerEnv(o: {
  port: number;
  databaseUrl: string;
  apiKey: string;
  apiSecret: string;
  cronSecret: string;
  encryptionKey: string;
  vapid?: { publicKey: string; privateKey: string } | null;
  standins: DemoStandinUrls;
  /** SendGrid Inbound Parse for email replies: Reply-To reply+<message id>@domain, posted with ?token=. */
  inboundEmail?: { domain: string; token: string } | null;
  logLevel?: string;
}): Record<string, string> {
  const appUrl = `http://127.0.0.1:${o.port}`;
  const e: Record<string, string> = {
    DEMO_MODE: "1",
    DEMO_SHOP,
    NODE_ENV: "development",
    HOST: "127.0.0.1",
    PORT: String(o.port),
    DATABASE_URL: o.databaseUrl,
    SHOPIFY_API_KEY: o.apiKey,
    SHOPIFY_API_SECRET: o.apiSecret,
    SHOPIFY_APP_URL: appUrl,
    CRON_SECRET: o.cronSecret,
    APP_ENCRYPTION_KEY: o.encryptionKey,
    LOG_LEVEL: o.logLevel ?? "warn",
    // A tick may take longer than usual on a busy laptop; the demo waits for it.
    CRON_BUDGET_MS: "20000",
  };
  if (o.inboundEmail) {
    e.INBOUND_EMAIL_DOMAIN = o.inboundEmail.domain;
    e.INBOUND_EMAIL_TOKEN = o.inboundEmail.token;
  }
  if (o.vapid) {
    e.VAPID_PUBLIC_KEY = o.vapid.publicKey;
    e.VAPID_PRIVATE_KEY = o.vapid.privateKey;
    e.VAPID_SUBJECT = "mailto:demo@example.com";
  }
  const s = o.standins;
  if (s.sendgrid) {
    e.SENDGRID_API_KEY = s.sendgrid.apiKey;
    e.SENDGRID_API_BASE_URL = s.sendgrid.baseUrl;
    e.SENDGRID_FROM_EMAIL = "hello@demo-outfitters.example";
  }
  if (s.whatsapp) {
    e.WHATSAPP_API_BASE_URL = s.whatsapp.baseUrl;
    e.WHATSAPP_ACCESS_TOKEN = s.whatsapp.accessToken;
    if (s.whatsapp.appSecret) e.WHATSAPP_APP_SECRET = s.whatsapp.appSecret;
    if (s.whatsapp.verifyToken) e.WHATSAPP_VERIFY_TOKEN = s.whatsapp.verifyToken;
  }
  if (s.push) {
    // The push receiver is a loopback HTTPS server: allowed as a push service host for this run only.
    e.PUSH_ALLOWED_HOSTS = s.push.hosts.join(",");
    e.PUSH_ENDPOINT_HOSTS = s.push.hosts.join(",");
    if (s.push.caCertFile) e.NODE_EXTRA_CA_CERTS = s.push.caCertFile;
  }
  if (s.adminGraphql) e.SHOPIFY_ADMIN_API_BASE_URL = s.adminGraphql.baseUrl;
  return e;
}
