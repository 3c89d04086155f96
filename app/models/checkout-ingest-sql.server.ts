// checkouts/* ingestion for a whole group-commit batch (app/models/checkout-batch.server.ts) in a handful of SQL
// statements on the database driver itself, without Prisma: Prisma's per-query cost (its query compiler, client
// runtime and row decoding) was most of a webhook's CPU. The rules are ingestCheckoutIn's (app/models/checkouts.server.ts),
// restated for a batch, and the rows written are the ones Prisma would write (same columns, same date and boolean
// encoding per provider), so Prisma reads them back unchanged:
//   1. one SELECT of the batch's existing checkouts (per shop: shop = ? AND token IN (...));
//   2. one SELECT of orders waiting for those checkouts (shop = ? AND checkout_token IN (...));
//   3. a delivery whose checkout has a waiting order (the order arrived first, so it must be attributed) is left out of
//      the batch: the caller runs it alone through ingestCheckout (Prisma) after the commit. Rare;
//   4. one multi-row INSERT into the ledger with ON CONFLICT (event_id) DO NOTHING RETURNING event_id: an event id
//      not returned was recorded before, so that delivery writes nothing here and the caller runs it alone (it then
//      gets the ledger's unique violation, "duplicate", exactly as before). Stale updates are recorded "stale";
//   5. one multi-row INSERT of the new checkouts (a plain INSERT: a row another process made meanwhile fails the batch,
//      and the caller then runs each delivery alone, as before) and one UPDATE per changed existing checkout.
// All in one transaction: PostgreSQL on a pool client; SQLite BEGIN IMMEDIATE on Prisma's own connection, taken
// exclusively (withSqliteConnection in app/db.server.ts; a second libsql connection waiting for a write lock held by
// Prisma in the same process would freeze the event loop). Any error rolls back and is thrown: the caller then runs
// every delivery alone through Prisma.
import type { InValue } from "@libsql/client";
import pg from "pg";
import { withSqliteConnection } from "../db.server";
import { timelineAfterUpdate } from "../lib/abandonment";
import { timeOrderedId } from "../lib/ids";
import { databaseProvider } from "../../scripts/database-url.mjs";
import { recordData, type IngestCheckoutArgs, type IngestOutcome } from "./checkouts.server";

type Row = Record<string, unknown>;

interface Conn {
  query(sql: string, args: unknown[]): Promise<Row[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  write(sql: string, args: unknown[]): Promise<number>;
}

interface Dialect {
  /** Placeholder for the i-th (1-based) parameter. */
  p(i: number): string;
  date(d: Date): unknown;
  bool(b: boolean): unknown;
  /** Runs fn in one transaction on one connection. */
  transaction<T>(fn: (conn: Conn) => Promise<T>): Promise<T>;
}

// ---------------------------------------------------------------------------------------------------------- SQLite
// The libsql adapter writes a DateTime as ISO 8601 with "+00:00" instead of "Z" ("2026-11-20T10:00:00.000+00:00")
// and reads back both that text and integer milliseconds; booleans are 0/1.
const sqliteDate = (d: Date) => d.toISOString().replace("Z", "+00:00");

function sqliteDialect(): Dialect {
  const exclusive = withSqliteConnection;
  if (!exclusive) throw new Error("no SQLite connection to share");
  return {
    p: () => "?",
    date: sqliteDate,
    bool: (b) => (b ? 1 : 0),
    transaction<T>(fn: (conn: Conn) => Promise<T>): Promise<T> {
      return exclusive(async (run) => {
        const conn: Conn = {
          query: async (sql, args) => (await run(sql, args as InValue[])).rows as unknown as Row[],
          write: async (sql, args) => (await run(sql, args as InValue[])).rowsAffected,
        };
        // Another process holding the write lock: retried on a timer (app/db.server.ts), the event loop stays free.
        await run("BEGIN IMMEDIATE");
        try {
          const out = await fn(conn);
          await run("COMMIT");
          return out;
        } catch (error) {
          await run("ROLLBACK").catch(() => {}); // SQLite may already have rolled back
          throw error;
        }
      });
    },
  };
}

// ------------------------------------------------------------------------------------------------------ PostgreSQL
// Columns are timestamp(3) (without time zone) holding UTC, written by the Prisma pg adapter as
// "YYYY-MM-DD HH:MM:SS[.mmm]" in UTC: the same here. Read back as UTC (pg would read them as local time).
const pad = (n: number, w = 2) => String(n).padStart(w, "0");
function pgDate(d: Date): string {
  const ms = d.getUTCMilliseconds();
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ""}`
  );
}
const TIMESTAMP_OID = 1114;
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === TIMESTAMP_OID) return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** PostgreSQL: batch transactions at once per process (the pool's size); SQLite always runs one. */
export const BATCH_CONCURRENCY = Math.max(1, Number(process.env.WEBHOOK_BATCH_CONCURRENCY ?? 1));

function pgDialect(url: string): Dialect {
  let pool: pg.Pool | null = null;
  const getPool = () => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: url, max: BATCH_CONCURRENCY, allowExitOnIdle: true });
      pool.on("error", (err) => console.error(`checkout-recovery: PostgreSQL connection lost (${err.message}); reconnecting on next query`));
    }
    return pool;
  };
  return {
    p: (i) => `$${i}`,
    date: pgDate,
    bool: (b) => b,
    async transaction<T>(fn: (conn: Conn) => Promise<T>): Promise<T> {
      const client = await getPool().connect();
      const conn: Conn = {
        async query(text, values) {
          const rs = await client.query({ text, values, types: pgTypes as pg.CustomTypesConfig });
          return rs.rows as Row[];
        },
        async write(text, values) {
          const rs = await client.query({ text, values, types: pgTypes as pg.CustomTypesConfig });
          return rs.rowCount ?? 0;
        },
      };
      let broken = false;
      try {
        await client.query("BEGIN");
        const out = await fn(conn);
        await client.query("COMMIT");
        return out;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

// ------------------------------------------------------------------------------------------------------ the batch
declare global {
  var __crIngestDialect: Dialect | undefined;
}

function dialect(): Dialect {
  const url = process.env.DATABASE_URL;
  return (globalThis.__crIngestDialect ??= databaseProvider(url) === "postgresql" ? pgDialect(url as string) : sqliteDialect());
}

/** "c" + 32 hex digits in creation order (the ledger's and checkouts' primary keys take appends, not random inserts). */
const newId = () => timeOrderedId("c");

/** Prisma field -> column, for every field ingestCheckoutIn writes on a checkout. */
const COLUMNS: Record<string, string> = {
  cartToken: "cart_token",
  customerId: "customer_id",
  email: "email",
  phone: "phone",
  firstName: "first_name",
  lastName: "last_name",
  customerKey: "customer_key",
  emailConsent: "email_consent",
  smsConsent: "sms_consent",
  returningCustomer: "returning_customer",
  customerOrdersCount: "customer_orders_count",
  locale: "locale",
  lineItems: "line_items",
  lineItemCount: "line_item_count",
  currency: "currency",
  subtotalMinor: "subtotal_minor",
  totalMinor: "total_minor",
  discountCodes: "discount_codes",
  abandonedCheckoutUrl: "abandoned_checkout_url",
  sourceName: "source_name",
  isTest: "is_test",
  isStaff: "is_staff",
  failedPayment: "failed_payment",
  shopifyCreatedAt: "shopify_created_at",
  shopifyUpdatedAt: "shopify_updated_at",
  completedAt: "completed_at",
  status: "status",
  abandonedAt: "abandoned_at",
  nextStepIndex: "next_step_index",
  nextDueAt: "next_due_at",
  stopReason: "stop_reason",
  leaseOwner: "lease_owner",
  leaseUntil: "lease_until",
};

interface Existing {
  id: string;
  status: string;
  abandonedAt: Date | null;
  nextStepIndex: number;
  nextDueAt: Date | null;
  stopReason: string | null;
  shopifyUpdatedAt: Date;
  completedAt: Date | null;
}

function readDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  if (typeof v === "number" || typeof v === "bigint") return new Date(Number(v));
  return new Date(String(v));
}

function byShop(batch: IngestCheckoutArgs[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const a of batch) {
    const tokens = out.get(a.shop) ?? [];
    tokens.push(a.record.token);
    out.set(a.shop, tokens);
  }
  return out;
}

const key = (shop: string, token: string) => `${shop}\n${token}`;

/**
 * Ingest a batch of checkouts/* deliveries (distinct event ids, distinct checkouts) in one transaction. Returns each
 * delivery's outcome, or null for one the caller must run alone through ingestCheckout after this returns: a repeat
 * (its event id was already in the ledger) or a checkout whose order arrived first. Throws (after rolling back,
 * nothing written) on any error.
 */
export async function ingestCheckoutBatchSql(batch: IngestCheckoutArgs[]): Promise<Array<IngestOutcome | null>> {
  const d = dialect();
  return d.transaction(async (conn) => {
    const now = new Date();
    const groups = byShop(batch);

    // 1. Existing checkouts.
    const existing = new Map<string, Existing>();
    for (const [shop, tokens] of groups) {
      const sql =
        "SELECT id, token, status, abandoned_at, next_step_index, next_due_at, stop_reason, shopify_updated_at, completed_at " +
        `FROM checkout WHERE shop = ${d.p(1)} AND token IN (${tokens.map((_, i) => d.p(i + 2)).join(", ")})`;
      for (const r of await conn.query(sql, [shop, ...tokens])) {
        existing.set(key(shop, String(r.token)), {
          id: String(r.id),
          status: String(r.status),
          abandonedAt: readDate(r.abandoned_at),
          nextStepIndex: Number(r.next_step_index),
          nextDueAt: readDate(r.next_due_at),
          stopReason: r.stop_reason === null || r.stop_reason === undefined ? null : String(r.stop_reason),
          shopifyUpdatedAt: readDate(r.shopify_updated_at) as Date,
          completedAt: readDate(r.completed_at),
        });
      }
    }

    // 2. Orders waiting for a checkout that is not completed yet (only when the delivery is not stale).
    const isStale = batch.map((a) => {
      const e = existing.get(key(a.shop, a.record.token));
      return !!e && e.shopifyUpdatedAt >= a.record.shopifyUpdatedAt;
    });
    const orderWanted = new Map<string, string[]>();
    batch.forEach((a, i) => {
      if (isStale[i] || existing.get(key(a.shop, a.record.token))?.completedAt) return;
      const tokens = orderWanted.get(a.shop) ?? [];
      tokens.push(a.record.token);
      orderWanted.set(a.shop, tokens);
    });
    const withOrder = new Set<string>();
    for (const [shop, tokens] of orderWanted) {
      const sql = `SELECT DISTINCT checkout_token FROM shop_order WHERE shop = ${d.p(1)} AND checkout_token IN (${tokens.map((_, i) => d.p(i + 2)).join(", ")})`;
      for (const r of await conn.query(sql, [shop, ...tokens])) withOrder.add(key(shop, String(r.checkout_token)));
    }

    // 3. Deliveries handled here (the others run alone afterwards: order first -> attribution through Prisma).
    const here = batch.map((a, i) => isStale[i] || !withOrder.has(key(a.shop, a.record.token)));

    // 4. The ledger: one row per delivery handled here; an event id already present is a repeat.
    const ledger = batch.filter((_, i) => here[i]);
    const recorded = new Set<string>();
    if (ledger.length > 0) {
      const values: unknown[] = [];
      const rows = ledger.map((a) => {
        const outcome = isStale[batch.indexOf(a)] ? "stale" : "processed";
        const base = values.length;
        values.push(newId(), a.shop, a.eventId, a.topic, d.date(now), outcome);
        return `(${[1, 2, 3, 4, 5, 6].map((k) => d.p(base + k)).join(", ")})`;
      });
      const sql =
        `INSERT INTO webhook_event (id, shop, event_id, topic, received_at, outcome) VALUES ${rows.join(", ")} ` +
        "ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
      for (const r of await conn.query(sql, values)) recorded.add(String(r.event_id));
    }

    // 5. The checkouts, with ingestCheckoutIn's data (including its spreads of the existing state).
    const outcomes: Array<IngestOutcome | null> = [];
    const inserts: Array<{ shop: string; token: string; data: Record<string, unknown> }> = [];
    const updates: Array<{ id: string; data: Record<string, unknown> }> = [];
    batch.forEach((a, i) => {
      if (!here[i] || !recorded.has(a.eventId)) {
        outcomes.push(null);
        return;
      }
      if (isStale[i]) {
        outcomes.push("stale");
        return;
      }
      const { record, settings } = a;
      const prior = existing.get(key(a.shop, record.token)) ?? null;
      // No waiting order here (those were left out above), so order?.shopifyCreatedAt is absent.
      const completedAt = record.completedAt ?? prior?.completedAt ?? null;
      const timeline = timelineAfterUpdate(
        prior,
        { createdAt: record.shopifyCreatedAt, updatedAt: record.shopifyUpdatedAt, completed: completedAt !== null },
        settings,
      );
      const data: Record<string, unknown> = {
        ...recordData(record),
        ...timeline,
        completedAt,
        ...(timeline.nextDueAt === null ? { leaseOwner: null, leaseUntil: null } : {}),
      };
      if (prior) {
        updates.push({ id: prior.id, data });
        outcomes.push("updated");
      } else {
        inserts.push({ shop: a.shop, token: record.token, data });
        outcomes.push("created");
      }
    });

    const value = (v: unknown): unknown => (v instanceof Date ? d.date(v) : typeof v === "boolean" ? d.bool(v) : v);
    const fields = (data: Record<string, unknown>) =>
      Object.keys(data).filter((f) => {
        if (f === "id" || data[f] === undefined) return false;
        if (!(f in COLUMNS)) throw new Error(`checkout-ingest-sql: no column for field ${f}`);
        return true;
      });

    if (inserts.length > 0) {
      // New rows: the same column set for all (lease fields are null on a new row either way).
      const cols = Object.keys(COLUMNS);
      const stamp = d.date(now);
      const values: unknown[] = [];
      const rows = inserts.map((ins) => {
        const base = values.length;
        fields(ins.data); // every field has a column
        values.push(newId(), ins.shop, ins.token, ...cols.map((f) => value(ins.data[f] ?? null)), stamp, stamp);
        return `(${values.slice(base).map((_, k) => d.p(base + k + 1)).join(", ")})`;
      });
      const sql = `INSERT INTO checkout (id, shop, token, ${cols.map((f) => COLUMNS[f]).join(", ")}, created_at, updated_at) VALUES ${rows.join(", ")}`;
      const n = await conn.write(sql, values);
      if (n !== inserts.length) throw new Error(`checkout-ingest-sql: inserted ${n} of ${inserts.length} checkouts`);
    }
    for (const up of updates) {
      const fs = fields(up.data);
      const values = [...fs.map((f) => value(up.data[f])), d.date(now), up.id];
      const sets = fs.map((f, k) => `${COLUMNS[f]} = ${d.p(k + 1)}`);
      const sql = `UPDATE checkout SET ${sets.join(", ")}, updated_at = ${d.p(fs.length + 1)} WHERE id = ${d.p(fs.length + 2)}`;
      // Gone since we read it (another process removed it): Prisma's update would fail too; the caller retries alone.
      if ((await conn.write(sql, values)) !== 1) throw new Error(`checkout-ingest-sql: checkout ${up.id} not found for update`);
    }
    return outcomes;
  });
}
