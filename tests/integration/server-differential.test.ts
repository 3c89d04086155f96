// The production server (server.mjs: node:http with the hand-written adapter scripts/remix-adapter.mjs) against the
// maintained library (bench/express-server.mjs: Express + @remix-run/express): the same build and database, the same
// rules (scripts/server-policy.mjs), the same requests to both, and the answers compared: status, body (decompressed)
// and every header but the per-connection ones. This is what holds the hand-written server to the library's
// behaviour. The differences are asserted on their own ("lean" is server.mjs, "library" the Express version):
//   1. an answer written at once carries Content-Length on lean; the library streams every answer (chunked), so the
//      compression middleware cannot tell a small one and compresses answers under 1 KB too;
//   2. (none left: a body over a route's limit gets the same 413 from both; lean also drains the rest, bounded, so
//      that a keep-alive connection stays usable, where the library closes it);
//   3. Express's res.append adds "; charset=utf-8" to a text or JSON Content-Type the app set without one;
//   4. (none left between the two servers, tested on the adapters in-process, below) the URL's host: with TRUST_PROXY unset
//      the library alone still takes the port of an untrusted X-Forwarded-Host (the host name stays the Host's); with
//      a trusted proxy naming a host without a port, it adds the port of the Host header (the proxy's hop to us).
//      bench/express-server.mjs puts forwardedHostAsTrusted (scripts/server-policy.mjs) in front of it, and then both agree.
// Then what the issue asked of the server: compression (brotli preferred), frame-ancestors per shop on an admin
// document and 'none' on a resource route, TRUST_PROXY. SQLite only (the servers are child processes over one
// database file).
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import express from "express";
// The library's own request adapter (its index exports only the handler built on it).
import { createRemixRequest } from "@remix-run/express/dist/server.js";
import { RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, buildStaleReason } from "../../demo/processes";
import { freePort } from "../../scripts/embedded-pg.mjs";
import { toRequest } from "../../scripts/remix-adapter.mjs";
import {
  ADMIN_FRAME_ANCESTORS as POLICY_ADMIN,
  NO_FRAME as POLICY_NO_FRAME,
  forwardedHostAsTrusted,
  trustProxySetting,
  trustedPeer,
} from "../../scripts/server-policy.mjs";
import { ADMIN_FRAME_ANCESTORS, NO_FRAME } from "../../app/lib/security-headers";
import { API_KEY, API_SECRET_KEY, TEST_SHOP } from "../helpers/constants";
import { seedOfflineSession, seedShop } from "../helpers/db";

const root = path.resolve(__dirname, "../..");
const WEBHOOK_MAX = 4096;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body as sent, before decompression. */
  raw: Buffer;
  reset?: string;
}

interface Req {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** One request on its own connection, headers as sent (Host included), the body decompressed as a client would. */
function send(port: number, r: Req): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: r.method ?? "GET", path: r.path, headers: { Host: `127.0.0.1:${port}`, ...r.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const enc = res.headers["content-encoding"];
          const body = enc === "br" ? zlib.brotliDecompressSync(raw) : enc === "gzip" ? zlib.gunzipSync(raw) : raw;
          resolve({ status: res.statusCode!, headers: res.headers, body, raw });
        });
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), raw: Buffer.alloc(0), reset: e.code ?? e.message }));
    if (r.body !== undefined) req.end(r.body);
    else req.end();
  });
}

/**
 * The headers two servers must agree on: all but those of the connection and the clock, and the Content-Type
 * without the charset Express adds (difference 3, asserted where it shows).
 */
function comparable(h: http.IncomingHttpHeaders): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) if (!["date", "connection", "keep-alive", "transfer-encoding", "content-length"].includes(k)) out[k] = v;
  if (typeof out["content-type"] === "string") out["content-type"] = out["content-type"].replace(/; charset=utf-8$/, "");
  return out;
}

interface Server {
  port: number;
  child: ChildProcess;
  log: () => string;
}

/** Every server started, stopped after the tests even when one never came up. */
const started: ChildProcess[] = [];

async function startServer(script: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  let log = "";
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      WEB_CONCURRENCY: "1",
      DEMO_MODE: "",
      TRUST_PROXY: "",
      WEBHOOK_MAX_BYTES: String(WEBHOOK_MAX),
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  // Up when its log says so (no polling): both print "listening on" once the port is bound.
  await new Promise<void>((resolve, reject) => {
    const check = () => log.includes("listening on") && resolve();
    child.stdout!.on("data", check);
    child.once("exit", (code) => reject(new Error(`${script} exited ${code}: ${log}`)));
  });
  return { port, child, log: () => log };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once("exit", () => r());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}

let seq = 0;
function signedWebhook(topic: string, body: string): Req {
  seq += 1;
  const id = `diff-${process.pid}-${seq}-${crypto.randomBytes(4).toString("hex")}`;
  return {
    method: "POST",
    path: `/webhooks/${topic}`,
    body,
    headers: {
      "Content-Type": "application/json",
      "Accept-Encoding": "gzip;q=1.0,deflate;q=0.6,identity;q=0.3", // what Shopify's delivery client sends
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": TEST_SHOP,
      "X-Shopify-API-Version": "2026-10",
      "X-Shopify-Webhook-Id": `wh-${id}`,
      "X-Shopify-Event-Id": id,
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Hmac-Sha256": crypto.createHmac("sha256", API_SECRET_KEY).update(body).digest("base64"),
    },
  };
}

function checkout(token: string): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    token,
    cart_token: `c-${token}`,
    email: "shopper@example.com",
    created_at: now,
    updated_at: now,
    currency: "USD",
    subtotal_price: "10.00",
    total_price: "10.00",
    line_items: [{ title: "Tote", quantity: 1, price: "10.00", variant_id: 1, product_id: 2 }],
  });
}

/** Pages and data that show "now" (the logs' window starts 5 days ago) are compared with their instants masked. */
const sameClock = (text: string) => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<instant>");

/** An admin request as App Bridge makes it: a genuine session token (Bearer) for the shop named in the query. */
async function adminHeaders(pathName: string): Promise<Record<string, string>> {
  const signed = await setUpValidRequest(
    { type: RequestType.Bearer, store: TEST_SHOP.replace(/\.myshopify\.com$/, ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
    new Request(`http://x${pathName}`),
  );
  return { Authorization: signed.headers.get("authorization")! };
}

describe.runIf(process.env.CR_TEST_DB !== "postgres")(
  "server.mjs (node:http, hand-written adapter) against the same app on Express + @remix-run/express",
  () => {
    let lean: Server;
    let lib: Server;
    let asset: string;

    beforeAll(async () => {
      const stale = buildStaleReason(root);
      if (stale) build(root, path.join(os.tmpdir(), `cr-server-diff-build-${process.pid}.log`));
      // A script big enough to be compressed (the middleware leaves files under 1 KB as they are).
      const shared = path.join(root, "public", "build", "_shared");
      asset = `_shared/${fs.readdirSync(shared).find((f) => f.endsWith(".js") && fs.statSync(path.join(shared, f)).size > 20_000)!}`;
      await seedShop(TEST_SHOP);
      await seedOfflineSession(TEST_SHOP);
      const env = { DATABASE_URL: process.env.DATABASE_URL!, SHOPIFY_API_KEY: API_KEY, SHOPIFY_API_SECRET: API_SECRET_KEY };
      [lean, lib] = await Promise.all([startServer("server.mjs", env), startServer("bench/express-server.mjs", env)]);
    }, 180_000);

    afterAll(async () => {
      await Promise.all(started.map(stop));
    });

    /** The same request to both servers. */
    const both = async (r: Req | (() => Req | Promise<Req>)): Promise<[Answer, Answer]> => {
      const a = typeof r === "function" ? await r() : r;
      const b = typeof r === "function" ? await r() : r;
      return [await send(lean.port, a), await send(lib.port, b)];
    };

    const expectSame = (a: Answer, b: Answer) => {
      expect(a.status).toBe(b.status);
      expect(comparable(a.headers)).toEqual(comparable(b.headers));
      expect(sameClock(a.body.toString("utf8"))).toBe(sameClock(b.body.toString("utf8")));
    };

    it("a signed webhook: the same answer, Content-Length on lean (difference 1), never compressed, never framed", async () => {
      const [a, b] = await both(() => signedWebhook("checkouts/create", checkout(`diff-${crypto.randomBytes(6).toString("hex")}`)));
      expect(a.status).toBe(200);
      expect(JSON.parse(a.body.toString())).toMatchObject({ outcome: "created" });
      expectSame(a, b);
      expect(a.headers["content-length"]).toBe(String(a.raw.length));
      expect(b.headers["content-length"]).toBeUndefined();
      expect(b.headers["transfer-encoding"]).toBe("chunked");
      expect(a.headers["content-type"]).toBe("application/json");
      expect(b.headers["content-type"]).toBe("application/json; charset=utf-8"); // difference 3
      for (const x of [a, b]) {
        expect(x.headers["content-encoding"]).toBeUndefined();
        expect(x.headers["content-security-policy"]).toBe(NO_FRAME);
        expect(x.headers["x-content-type-options"]).toBe("nosniff");
      }
    });

    it("a bad JSON body (signed), a bad signature and a GET on a webhook route: the same refusals", async () => {
      const bad = "{not json";
      expectSame(...(await both(() => signedWebhook("checkouts/create", bad))));
      const forged = () => ({
        ...signedWebhook("checkouts/create", checkout("forged")),
        headers: { ...signedWebhook("checkouts/create", "x").headers, "X-Shopify-Hmac-Sha256": "AAAA" },
      });
      const [f, g] = await both(forged);
      expect(f.status).toBe(401);
      expectSame(f, g);
      const [m, n] = await both({ path: "/webhooks/checkouts/create" });
      expect(m.status).toBe(405);
      expectSame(m, n);
    });

    it("a body over the route's limit: the same 413, whether lean reads it whole (under 256 KB) or streams it", async () => {
      const small = JSON.stringify({ pad: "x".repeat(WEBHOOK_MAX * 2) }); // read whole by lean (under 256 KB)
      const large = JSON.stringify({ pad: "x".repeat(400 * 1024) }); // streamed by lean
      const [a, b] = await both(() => signedWebhook("checkouts/create", small));
      expect(a.status).toBe(413);
      expect(JSON.parse(a.body.toString())).toEqual({ error: `body larger than ${WEBHOOK_MAX} bytes` });
      expectSame(a, b);
      const [c, d] = await both(() => signedWebhook("checkouts/create", large));
      expect(c.status).toBe(413);
      expect(c.body.toString()).toBe(a.body.toString());
      expectSame(c, d);
    });

    it("a document outside the admin (the login page): the same HTML, streamed by both, not compressed, not framed", async () => {
      const [a, b] = await both({ path: "/auth/login", headers: { "Accept-Encoding": "br, gzip" } });
      expect(a.status).toBe(200);
      expect(a.headers["content-type"]).toMatch(/text\/html/);
      expectSame(a, b);
      for (const x of [a, b]) {
        expect(x.headers["transfer-encoding"]).toBe("chunked");
        expect(x.headers["content-encoding"]).toBeUndefined();
        expect(x.headers["content-security-policy"]).toBe(NO_FRAME);
      }
    });

    it("an admin document: frame-ancestors naming the shop (Shopify's own header), the same on both", async () => {
      const pathName = `/app/logs?shop=${TEST_SHOP}&host=aG9zdA&embedded=1`;
      const [a, b] = await both(async () => ({ path: pathName, headers: { ...(await adminHeaders(pathName)), "Accept-Encoding": "br" } }));
      expect(a.status).toBe(200);
      expect(a.headers["content-security-policy"]).toBe(
        `frame-ancestors https://${TEST_SHOP} https://admin.shopify.com https://*.spin.dev https://admin.myshopify.io https://admin.shop.dev;`,
      );
      expect(a.headers["cache-control"]).toBe("no-store");
      expectSame(a, b);
    });

    it("an admin data request: the same JSON; under 1 KB left as it is by lean, compressed by the library (difference 1)", async () => {
      const pathName = `/app/logs?shop=${TEST_SHOP}&_data=routes%2Fapp.logs`;
      const [a, b] = await both(async () => ({ path: pathName, headers: { ...(await adminHeaders(pathName)), "Accept-Encoding": "gzip, br" } }));
      expect(a.status).toBe(200);
      expect(a.headers["content-type"]).toMatch(/application\/json/);
      expect(a.body.length).toBeLessThan(1024);
      expect(a.headers["content-encoding"]).toBeUndefined();
      expect(b.headers["content-encoding"]).toBe("br");
      const { "content-encoding": _enc, ...rest } = comparable(b.headers);
      expect(comparable(a.headers)).toEqual(rest);
      expect(sameClock(a.body.toString())).toBe(sameClock(b.body.toString()));
      expect(a.headers["content-security-policy"]).toBe(NO_FRAME);
    });

    it("a fingerprinted asset: brotli preferred, gzip when only gzip is accepted, as is without; HEAD the same headers", async () => {
      const file = fs.readFileSync(path.join(root, "public", "build", asset));
      for (const [accept, encoding] of [
        ["br, gzip", "br"],
        ["gzip", "gzip"],
        ["", undefined],
      ] as const) {
        const [a, b] = await both({ path: `/build/${asset}`, headers: accept ? { "Accept-Encoding": accept } : {} });
        expect(a.status).toBe(200);
        expect(a.headers["content-encoding"]).toBe(encoding);
        expect(a.body.equals(file)).toBe(true);
        expect(a.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
        expect(a.headers["content-security-policy"]).toBe(NO_FRAME);
        expect(a.headers.vary).toBe("Accept-Encoding");
        expectSame(a, b);
      }
      const [h, i] = await both({ method: "HEAD", path: `/build/${asset}`, headers: { "Accept-Encoding": "br" } });
      expect(h.status).toBe(200);
      expect(h.body.length).toBe(0);
      expectSame(h, i);
      // A file from public/ (an hour), and an SVG too small to be worth compressing.
      const [p, q] = await both({ path: "/storefront/push-sw.js", headers: { "Accept-Encoding": "gzip" } });
      expect(p.headers["cache-control"]).toBe("public, max-age=3600");
      expectSame(p, q);
    });

    it("HEAD on a document, and a path nothing serves (404): the same on both", async () => {
      // (HEAD /auth/login is a 500 on both: Shopify's login() reads any non-GET as a form post.)
      const [a, b] = await both({ method: "HEAD", path: "/" });
      expect(a.status).toBe(200);
      expect(a.body.length).toBe(0);
      expectSame(a, b);
      const [c, d] = await both({ path: "/no/such/page" });
      expect(c.status).toBe(404);
      expectSame(c, d);
      expect(c.headers["content-security-policy"]).toBe(NO_FRAME);
    });

    it("the policy's frame-ancestors values are the app's (app/lib/security-headers.ts)", () => {
      expect(POLICY_NO_FRAME).toBe(NO_FRAME);
      expect(POLICY_ADMIN).toBe(ADMIN_FRAME_ANCESTORS);
    });
  },
);

// ---------------------------------------------------------------------------------------------------------------
// The request URL, on the adapters themselves (no build needed): the lean toRequest and the library's createRemixRequest
// behind Express's "trust proxy", for the same TRUST_PROXY value and the same headers.
describe("the request URL: TRUST_PROXY on our adapter (server.mjs) and on Express's trust proxy", () => {
  const servers: http.Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  async function listen(handler: http.RequestListener): Promise<number> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    return (server.address() as { port: number }).port;
  }

  async function urls(trust: string | undefined, headers: Record<string, string>): Promise<{ lean: string; lib: string; bare: string }> {
    const trusted = trustedPeer(trustProxySetting(trust));
    const leanPort = await listen(async (req, res) => res.end((await toRequest(req, res, trusted)).url));
    // bench/express-server.mjs's order: the header fix, then the library's adapter; and the library's adapter alone.
    const app = express();
    app.set("trust proxy", trustProxySetting(trust));
    app.use(forwardedHostAsTrusted);
    app.all("*", (req, res) => void res.end(createRemixRequest(req, res).url));
    const libPort = await listen(app);
    const alone = express();
    alone.set("trust proxy", trustProxySetting(trust));
    alone.all("*", (req, res) => void res.end(createRemixRequest(req, res).url));
    const barePort = await listen(alone);
    const get = async (port: number) => (await send(port, { path: "/app?x=1", headers: { Host: `127.0.0.1:${port}`, ...headers } })).body.toString();
    const [o, l, b] = [await get(leanPort), await get(libPort), await get(barePort)];
    // The two listen on different ports: name each one's own port PORT to compare.
    return { lean: o.replace(`:${leanPort}/`, ":PORT/"), lib: l.replace(`:${libPort}/`, ":PORT/"), bare: b.replace(`:${barePort}/`, ":PORT/") };
  }

  const proxied = { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "shop-app.example.com:8443, inner.example" };

  it.each([undefined, "", "false", "0", "10.0.0.0/8", "uniquelocal"])(
    "TRUST_PROXY=%j (the peer, 127.0.0.1, is not trusted): the URL is the socket's and the Host's",
    async (trust) => {
      const plain = await urls(trust, {});
      expect(plain.lean).toBe("http://127.0.0.1:PORT/app?x=1");
      expect(plain.lean).toBe(plain.lib);
      const forged = await urls(trust, proxied);
      expect(forged.lean).toBe("http://127.0.0.1:PORT/app?x=1");
      expect(forged.lib).toBe(forged.lean);
      // Difference 4, without the fix: the library keeps the Host's name but takes the untrusted forwarded port.
      expect(forged.bare).toBe("http://127.0.0.1:8443/app?x=1");
    },
  );

  it.each(["1", "true", "loopback", "127.0.0.1", "::1,127.0.0.0/8"])(
    "TRUST_PROXY=%j (the peer is trusted): X-Forwarded-Proto and the first X-Forwarded-Host",
    async (trust) => {
      const r = await urls(trust, proxied);
      expect(r.lean).toBe("https://shop-app.example.com:8443/app?x=1");
      expect(r.lean).toBe(r.lib);
      const noPort = await urls(trust, { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "shop-app.example.com" });
      expect(noPort.lean).toBe("https://shop-app.example.com/app?x=1");
      expect(noPort.lib).toBe(noPort.lean);
      // Difference 4 the other way, without the fix: the library glues the Host header's port onto the forwarded host.
      expect(noPort.bare).toBe("https://shop-app.example.com:PORT/app?x=1");
    },
  );

  it("refuses a TRUST_PROXY that is neither a hop count nor addresses", () => {
    expect(() => trustProxySetting("proxy.internal")).toThrow(/TRUST_PROXY/);
    expect(() => trustProxySetting("10.0.0.0/abc")).toThrow(/TRUST_PROXY/);
  });
});
