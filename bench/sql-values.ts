// npx tsx bench/sql-values.ts [-- --rows 1000 --rounds 20]
// Issue 16: the engine's two heaviest bulk statements on PostgreSQL, the values bound (what the engine runs now:
// bulkInsert and markSent, through the pg pool under Prisma) against the same statements with every value inlined as
// an SQL literal (what the engine ran until issue 16: `literal()` below is the deleted function, kept here only as the
// thing measured against), sent through Prisma as before and, for reference, through pg directly. The variants take
// turns in each round (the order rotating), so a load that changes during the run weighs on all alike; the figures
// are the median per round. Figures only, no assertions. bench:tick measures the whole tick.
import { execFileSync } from "node:child_process";
import { startPostgres } from "../scripts/embedded-pg.mjs";

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const ROWS = Number(arg("rows", "1000"));
const ROUNDS = Number(arg("rounds", "20"));
const PER_STATEMENT = 250; // ROWS_PER_STATEMENT in app/models/recovery.server.ts
const SHOP = "bench-shop.myshopify.com";
const NOW = new Date("2026-11-20T12:00:00Z");

/** The literal() the engine used until issue 16 (PostgreSQL branch), verbatim but for the refusals. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return `CAST('${v.toISOString().slice(0, -1)}' AS timestamp(3))`;
  return `E'${String(v).replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

const pg = await startPostgres({ database: "bench_sql_values" });
execFileSync(process.execPath, ["scripts/db.mjs", "setup"], { env: { ...process.env, DATABASE_URL: pg.url }, stdio: "pipe" });
process.env.DATABASE_URL = pg.url;
process.env.LOG_LEVEL ??= "warn";
const { createDb, pgPoolOf } = await import("../app/db.server");
const { bulkInsert, markSent, LEDGER_COLUMNS } = await import("../app/models/recovery.server");
const h = createDb(pg.url);
const pool = pgPoolOf(h.db)!;
const sql = { db: h.db, provider: h.provider };

const subject = "Tu carrito te espera, O'Brien 😀 \\ 50% off";
const body = `<p>Hi O'Brien,</p><p>Your cart is waiting: <a href="https://${SHOP}/checkouts/x/recover?key=k">complete your order</a>.</p>`.repeat(8);

type Variant = "bound via pg (now)" | "literals via Prisma (before)" | "literals via pg" | "json via pg";
const VARIANTS: Variant[] = ["bound via pg (now)", "literals via Prisma (before)", "literals via pg", "json via pg"];

/** Runs one literal statement the way each variant would. */
async function runLiteral(v: Variant, text: string) {
  if (v === "literals via Prisma (before)") await h.db.$executeRawUnsafe(text);
  else await pool.query(text);
}

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += PER_STATEMENT) out.push(rows.slice(i, i + PER_STATEMENT));
  return out;
}

async function insertLedger(v: Variant, round: number, k: number) {
  const rows = Array.from({ length: ROWS }, (_, i) => [
    `m${k}_${round}_${i}`,
    SHOP,
    `c${k}`,
    `s${round}_${i}`,
    0,
    "email",
    "sending",
    null,
    `shopper+${i}@example.com`,
    null,
    0,
    NOW,
    NOW,
  ]);
  if (v === "bound via pg (now)") return void (await bulkInsert(sql, "message", LEDGER_COLUMNS, rows));
  if (v === "json via pg") {
    for (const part of chunks(rows)) {
      const json = JSON.stringify(
        part.map((r) => Object.fromEntries(LEDGER_COLUMNS.map((c, i) => [c, r[i] instanceof Date ? (r[i] as Date).toISOString().slice(0, -1) : r[i]]))),
      );
      await pool.query({
        text: `INSERT INTO message (${LEDGER_COLUMNS.join(", ")}) SELECT ${LEDGER_COLUMNS.join(", ")} FROM json_populate_recordset(NULL::message, $1::json) ON CONFLICT DO NOTHING RETURNING id`,
        values: [json],
      });
    }
    return;
  }
  for (const part of chunks(rows)) {
    const values = part.map((r) => `(${r.map(literal).join(", ")})`).join(", ");
    await runLiteral(v, `INSERT INTO message (${LEDGER_COLUMNS.join(", ")}) VALUES ${values} ON CONFLICT DO NOTHING RETURNING id`);
  }
}

async function recordSent(v: Variant, round: number, k: number) {
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    id: `m${k}_${round}_${i}`,
    providerId: `sg-${round}-${i}`,
    recipient: null,
    subject,
    bodyHtml: body,
    bodyText: body,
  }));
  if (v === "bound via pg (now)" || v === "json via pg") return markSent(sql, rows, NOW);
  for (const part of chunks(rows)) {
    const values = part.map((r) => `(${[r.id, r.providerId, r.recipient, r.subject, r.bodyHtml, r.bodyText].map(literal).join(", ")})`).join(", ");
    await runLiteral(
      v,
      `UPDATE message SET status = 'sent', sent_at = ${literal(NOW)}, updated_at = ${literal(NOW)}, attempts = attempts + 1,
        next_attempt_at = NULL, last_error = NULL, provider_id = v.column2, recipient = COALESCE(v.column3, message.recipient),
        subject = v.column4, body_html = v.column5, body_text = v.column6
      FROM (VALUES ${values}) AS v
      WHERE message.id = v.column1`,
    );
  }
}

try {
  await h.db.shop.create({ data: { domain: SHOP, name: "Bench" } });
  for (const k of VARIANTS.keys()) {
    await h.db.checkout.create({ data: { id: `c${k}`, shop: SHOP, token: `t${k}`, shopifyCreatedAt: NOW, shopifyUpdatedAt: NOW } });
  }
  const times = new Map<Variant, { insert: number[]; update: number[] }>(VARIANTS.map((v) => [v, { insert: [], update: [] }]));
  for (let round = -1; round < ROUNDS; round++) {
    // Round -1 warms up every path (connections, plans, JIT) and is not counted.
    for (let j = 0; j < VARIANTS.length; j++) {
      const k = (round + 1 + j) % VARIANTS.length;
      const v = VARIANTS[k];
      const t0 = performance.now();
      await insertLedger(v, round + 1, k);
      const t1 = performance.now();
      await recordSent(v, round + 1, k);
      const t2 = performance.now();
      if (round >= 0) {
        times.get(v)!.insert.push(t1 - t0);
        times.get(v)!.update.push(t2 - t1);
      }
    }
  }
  const sent = await h.db.message.count({ where: { status: "sent" } });
  const expected = VARIANTS.length * ROWS * (ROUNDS + 1);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const per1000 = (ms: number) => (ms / ROWS) * 1000;
  const base = times.get("bound via pg (now)")!;
  console.log(
    `${ROWS.toLocaleString("en-US")} rows per round (${PER_STATEMENT} per statement), ${ROUNDS} rounds; median ms per 1,000 rows; load ${(await import("node:os")).loadavg()[0].toFixed(1)}`,
  );
  for (const v of VARIANTS) {
    const t = times.get(v)!;
    const [ins, upd] = [per1000(median(t.insert)), per1000(median(t.update))];
    const ratio =
      v === "bound via pg (now)"
        ? ""
        : `  (bound/this: insert ${(median(base.insert) / median(t.insert)).toFixed(2)}, update ${(median(base.update) / median(t.update)).toFixed(2)})`;
    console.log(`  ${v.padEnd(30)} ledger INSERT ${ins.toFixed(1)} ms, markSent UPDATE ${upd.toFixed(1)} ms${ratio}`);
  }
  console.log(sent === expected ? `rows check: ${sent.toLocaleString("en-US")} sent, as expected` : `MISMATCH: ${sent} sent, expected ${expected}`);
} finally {
  await h.db.$disconnect();
  process.on("uncaughtException", (e: unknown) => {
    if ((e as { code?: string }).code !== "57P01") throw e; // idle pool clients see the server's shutdown
  });
  await pg.stop();
}
