// npm run bench:tick [-- --db sqlite|postgresql|both --sizes 10000,100000 --batch 1000]
// Seeds N abandoned checkouts whose first step is due, ticks until none is due with instant outbox channels, and
// prints checkouts/s, total time, peak RSS and the time per checkout at the largest size over the smallest.
// Targets (issue 3): 100k in <= 60 s per database, peak RSS <= 400 MB, ratio <= 1.5. Figures only, no assertions.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPostgres } from "../scripts/embedded-pg.mjs";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const which = arg("db", "both");
const sizes = arg("sizes", "10000,100000").split(",").map(Number);
const batchSize = Number(arg("batch", "1000"));
const SHOP = "bench-shop.myshopify.com";
const DUE = new Date("2026-11-20T12:00:00Z");

function migrate(url: string) {
  execFileSync(process.execPath, ["scripts/db.mjs", "setup"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
}

async function benchOne(provider: "sqlite" | "postgresql") {
  let url: string;
  let stop = async () => {};
  if (provider === "postgresql") {
    const pg = await startPostgres({ database: "bench_tick" });
    url = pg.url;
    stop = pg.stop;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-bench-"));
    url = `file:${path.join(dir, "bench.sqlite")}`;
    stop = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  migrate(url);
  process.env.DATABASE_URL = url;
  process.env.LOG_LEVEL ??= "warn";
  const { createDb } = await import("../app/db.server");
  const { runTick, engineProfile } = await import("../app/recovery/engine.server");
  const { outboxChannels, OutboxStaffNotifier } = await import("../app/channels/outbox.server");
  const { seedDueCheckouts } = await import("../tests/helpers/engine");
  const h = createDb(url);
  await h.ready;
  const rows: Array<{ n: number; ms: number; rss: number }> = [];
  try {
    for (const n of sizes) {
      for (const t of ["auditLog", "message", "checkout", "shop"] as const) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        await (h.db as any)[t].deleteMany({});
      }
      await h.db.shop.create({ data: { domain: SHOP, name: "Bench", settings: JSON.stringify({ quietHours: { enabled: false } }) } });
      const seedStart = performance.now();
      await seedDueCheckouts({ count: n, dueAt: DUE, shop: SHOP, prefix: `b${n}`, client: h.db, provider: h.provider, sqlite: h.withSqliteConnection });
      const seedMs = performance.now() - seedStart;
      global.gc?.();
      const channels = outboxChannels({ keep: 0 });
      const staff = new OutboxStaffNotifier();
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
      const start = performance.now();
      let stillDue = n;
      let ticks = 0;
      let claimed = 0;
      while (stillDue > 0 && ticks < 1000) {
        const r = await runTick({
          now: DUE,
          owner: "bench",
          channels,
          staffNotifier: staff,
          db: h.db,
          provider: h.provider,
          withSqliteConnection: h.withSqliteConnection,
          batchSize,
          budgetMs: 25_000,
          purge: ticks === 0,
        });
        stillDue = r.stillDue;
        claimed += r.claimed;
        ticks++;
      }
      const ms = performance.now() - start;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const sent = channels.email.count;
      const ok = (await h.db.message.count({ where: { status: "sent" } })) === n && sent === n;
      rows.push({ n, ms, rss: peak });
      if (args.includes("--profile")) {
        console.log(
          `[${provider}] phases (ms): ${Object.entries(engineProfile)
            .map(([k, v]) => `${k} ${Math.round(v)}`)
            .join(", ")}`,
        );
        for (const k of Object.keys(engineProfile)) delete engineProfile[k];
      }
      console.log(
        `[${provider}] ${n.toLocaleString("en-US")} checkouts: ${(ms / 1000).toFixed(1)} s, ${Math.round((n / ms) * 1000).toLocaleString("en-US")} checkouts/s, ` +
          `${(ms / n).toFixed(3)} ms/checkout, peak RSS ${Math.round(peak / 1048576)} MB, ticks ${ticks}, claimed ${claimed}, sent ${sent}` +
          `${ok ? "" : " (MISMATCH: not every checkout has exactly one sent message)"} (seeding ${(seedMs / 1000).toFixed(1)} s)`,
      );
    }
    if (rows.length >= 2) {
      const small = rows[0];
      const big = rows[rows.length - 1];
      const ratio = big.ms / big.n / (small.ms / small.n);
      console.log(
        `[${provider}] time per checkout at ${big.n.toLocaleString("en-US")} / ${small.n.toLocaleString("en-US")}: ${ratio.toFixed(2)} (target <= 1.5)`,
      );
    }
  } finally {
    await h.db.$disconnect();
    // app/db.server.ts's pg.Pool has no 'error' listener: idle clients report the server's shutdown as an error.
    const ignoreShutdown = (e: unknown) => {
      if ((e as { code?: string }).code !== "57P01") throw e;
    };
    process.on("uncaughtException", ignoreShutdown);
    await stop();
  }
  return rows;
}

const providers: Array<"sqlite" | "postgresql"> = which === "both" ? ["sqlite", "postgresql"] : [which as "sqlite" | "postgresql"];
for (const p of providers) await benchOne(p);
console.log(`process peak RSS (maxRSS): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
