// checkouts/* ingestion for a whole group-commit batch (app/models/checkout-batch.server.ts) in a handful of SQL
// statements on the database driver itself, without Prisma: Prisma's per-query cost (its query compiler, client
// runtime and row decoding) was most of a webhook's CPU. The rules are ingestCheckoutIn's (app/models/checkouts.server.ts),
// restated for a batch, and the rows written are the ones Prisma would write (same columns, same date and boolean
// encoding per provider), so Prisma reads them back unchanged:
//   1. the batch's existing checkouts, and
//   2. whether an order is waiting for each token (SQLite: two SELECTs per shop with IN lists; PostgreSQL: one);
//   3. a delivery whose checkout has a waiting order (the order arrived first, so it must be attributed) is left out of
//      the batch: the caller runs it alone through ingestCheckout (Prisma) after the commit. Rare;
//   4. one multi-row INSERT into the ledger with ON CONFLICT (event_id) DO NOTHING RETURNING event_id: an event id
//      not returned was recorded before (committed: on PostgreSQL the insert waits for a concurrent one to commit or
//      roll back), so that delivery is a repeat: it writes nothing and its outcome is "duplicate", the answer the
//      ledger's unique violation gives on the one-by-one path. Stale updates are recorded "stale";
//   5. one multi-row INSERT of the new checkouts (a plain INSERT: a row another process made meanwhile fails the batch,
//      and the caller then runs each delivery alone, as before), and the updates of existing checkouts (SQLite: one
//      UPDATE each; PostgreSQL: one UPDATE ... FROM unnest for all).
// On PostgreSQL every statement has one fixed text whatever the batch size (rows travel as arrays): see "PostgreSQL
// statements" below.
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
  /** `name`: a prepared statement kept per connection (PostgreSQL; the text must never change for a name). */
  query(sql: string, args: unknown[], name?: string): Promise<Row[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  write(sql: string, args: unknown[], name?: string): Promise<number>;
}

interface Dialect {
  kind: "sqlite" | "postgresql";
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
    kind: "sqlite",
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
    kind: "postgresql",
    async transaction<T>(fn: (conn: Conn) => Promise<T>): Promise<T> {
      const client = await getPool().connect();
      const conn: Conn = {
        async query(text, values, name) {
          const rs = await client.query({ name, text, values, types: pgTypes as pg.CustomTypesConfig });
          return rs.rows as Row[];
        },
        async write(text, values, name) {
          const rs = await client.query({ name, text, values, types: pgTypes as pg.CustomTypesConfig });
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

/** A delivery's outcome in a batch: ingestCheckout's, or "duplicate" (what its unique violation would answer). */
export type BatchOutcome = IngestOutcome | "duplicate";

/**
 * Ingest a batch of checkouts/* deliveries (distinct event ids, distinct checkouts) in one transaction. Returns each
 * delivery's outcome ("duplicate" for a repeat: its event id was already in the ledger), or null for one the caller
 * must run alone through ingestCheckout after this returns: a checkout whose order arrived first. Throws (after
 * rolling back, nothing written) on any error.
 */
export async function ingestCheckoutBatchSql(batch: IngestCheckoutArgs[]): Promise<Array<BatchOutcome | null>> {
  const d = dialect();
  return d.transaction(async (conn) => {
    const now = new Date();

    // 1-2. Existing checkouts, and whether an order is waiting for each token.
    const { existing, orderFor } = d.kind === "postgresql" ? await readPg(conn, batch) : await readSqlite(conn, batch);
    const isStale = batch.map((a) => {
      const e = existing.get(key(a.shop, a.record.token));
      return !!e && e.shopifyUpdatedAt >= a.record.shopifyUpdatedAt;
    });
    // An order waiting for a checkout that is neither stale nor completed yet: that delivery must attribute it.
    const withOrder = batch.map((a, i) => !isStale[i] && !existing.get(key(a.shop, a.record.token))?.completedAt && orderFor.has(key(a.shop, a.record.token)));

    // 3. Deliveries handled here (the others run alone afterwards: order first -> attribution through Prisma).
    const here = batch.map((_, i) => isStale[i] || !withOrder[i]);

    // 4. The ledger: one row per delivery handled here; an event id already present is a repeat.
    const ledger = batch
      .map((a, i) => ({ id: newId(), shop: a.shop, eventId: a.eventId, topic: a.topic, receivedAt: now, outcome: isStale[i] ? "stale" : "processed" }))
      .filter((_, i) => here[i]);
    const recorded = ledger.length === 0 ? new Set<string>() : d.kind === "postgresql" ? await ledgerPg(conn, ledger) : await ledgerSqlite(conn, ledger);

    // 5. The checkouts, with ingestCheckoutIn's data (including its spreads of the existing state).
    const outcomes: Array<BatchOutcome | null> = [];
    const inserts: NewRow[] = [];
    const updates: ChangedRow[] = [];
    batch.forEach((a, i) => {
      if (!here[i]) {
        outcomes.push(null);
        return;
      }
      if (!recorded.has(a.eventId)) {
        outcomes.push("duplicate");
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
        updates.push({ id: prior.id, data, prior });
        outcomes.push("updated");
      } else {
        inserts.push({ id: newId(), shop: a.shop, token: record.token, data });
        outcomes.push("created");
      }
    });

    if (inserts.length > 0) {
      const n = d.kind === "postgresql" ? await insertPg(conn, inserts, now) : await insertSqlite(conn, inserts, now);
      if (n !== inserts.length) throw new Error(`checkout-ingest-sql: inserted ${n} of ${inserts.length} checkouts`);
    }
    if (updates.length > 0) {
      // A checkout gone since we read it (another process removed it), or on PostgreSQL changed since (see PRIOR):
      // the caller then runs each delivery alone.
      const n = d.kind === "postgresql" ? await updatePg(conn, updates, now) : await updateSqlite(conn, updates, now);
      if (n !== updates.length) throw new Error(`checkout-ingest-sql: updated ${n} of ${updates.length} checkouts`);
    }
    return outcomes;
  });
}

interface NewRow {
  id: string;
  shop: string;
  token: string;
  data: Record<string, unknown>;
}

interface ChangedRow {
  id: string;
  data: Record<string, unknown>;
  /** The row as read at the start of the batch: `data` was computed from it. */
  prior: Existing;
}

interface LedgerRow {
  id: string;
  shop: string;
  eventId: string;
  topic: string;
  receivedAt: Date;
  outcome: string;
}

function existingFrom(r: Row): Existing {
  return {
    id: String(r.id),
    status: String(r.status),
    abandonedAt: readDate(r.abandoned_at),
    nextStepIndex: Number(r.next_step_index),
    nextDueAt: readDate(r.next_due_at),
    stopReason: r.stop_reason === null || r.stop_reason === undefined ? null : String(r.stop_reason),
    shopifyUpdatedAt: readDate(r.shopify_updated_at) as Date,
    completedAt: readDate(r.completed_at),
  };
}

const EXISTING_COLUMNS = "id, status, abandoned_at, next_step_index, next_due_at, stop_reason, shopify_updated_at, completed_at";

/** Every field written, checked against the column list (a field without a column is a bug: fail the batch). */
function fields(data: Record<string, unknown>): string[] {
  return Object.keys(data).filter((f) => {
    if (f === "id" || data[f] === undefined) return false;
    if (!(f in COLUMNS)) throw new Error(`checkout-ingest-sql: no column for field ${f}`);
    return true;
  });
}

// ---------------------------------------------------------------------------------------- SQLite statements
// In-process calls: no round trips to save, and libsql keeps the prepared statements (app/db.server.ts).
async function readSqlite(conn: Conn, batch: IngestCheckoutArgs[]) {
  const existing = new Map<string, Existing>();
  const orderFor = new Set<string>();
  for (const [shop, tokens] of byShop(batch)) {
    const list = tokens.map(() => "?").join(", ");
    for (const r of await conn.query(`SELECT token, ${EXISTING_COLUMNS} FROM checkout WHERE shop = ? AND token IN (${list})`, [shop, ...tokens])) {
      existing.set(key(shop, String(r.token)), existingFrom(r));
    }
    const sql = `SELECT DISTINCT checkout_token FROM shop_order WHERE shop = ? AND checkout_token IN (${list})`;
    for (const r of await conn.query(sql, [shop, ...tokens])) orderFor.add(key(shop, String(r.checkout_token)));
  }
  return { existing, orderFor };
}

async function ledgerSqlite(conn: Conn, ledger: LedgerRow[]): Promise<Set<string>> {
  const values: unknown[] = [];
  for (const l of ledger) values.push(l.id, l.shop, l.eventId, l.topic, sqliteDate(l.receivedAt), l.outcome);
  const sql =
    `INSERT INTO webhook_event (id, shop, event_id, topic, received_at, outcome) VALUES ${ledger.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")} ` +
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
  return new Set((await conn.query(sql, values)).map((r) => String(r.event_id)));
}

/** Dates as the libsql adapter writes them, booleans as 0/1. */
function sqliteValue(v: unknown): unknown {
  return v instanceof Date ? sqliteDate(v) : typeof v === "boolean" ? (v ? 1 : 0) : v;
}

async function insertSqlite(conn: Conn, inserts: NewRow[], now: Date): Promise<number> {
  // New rows: the same column set for all (lease fields are null on a new row either way).
  const cols = Object.keys(COLUMNS);
  const stamp = sqliteDate(now);
  const values: unknown[] = [];
  const row = `(${Array.from({ length: cols.length + 5 }, () => "?").join(", ")})`;
  for (const ins of inserts) {
    fields(ins.data); // every field has a column
    values.push(ins.id, ins.shop, ins.token, ...cols.map((f) => sqliteValue(ins.data[f] ?? null)), stamp, stamp);
  }
  const sql = `INSERT INTO checkout (id, shop, token, ${cols.map((f) => COLUMNS[f]).join(", ")}, created_at, updated_at) VALUES ${inserts.map(() => row).join(", ")}`;
  return conn.write(sql, values);
}

async function updateSqlite(conn: Conn, updates: ChangedRow[], now: Date): Promise<number> {
  let n = 0;
  for (const up of updates) {
    const fs = fields(up.data);
    const values = [...fs.map((f) => sqliteValue(up.data[f])), sqliteDate(now), up.id];
    const sql = `UPDATE checkout SET ${fs.map((f) => `${COLUMNS[f]} = ?`).join(", ")}, updated_at = ? WHERE id = ?`;
    n += await conn.write(sql, values);
  }
  return n;
}

// ------------------------------------------------------------------------------------ PostgreSQL statements
// One statement per step for the whole batch, whatever its size: the rows travel as arrays (unnest), so the text
// never changes and a batch costs the same six round trips (BEGIN, read, ledger, insert, update, COMMIT) however
// many rows it holds. The two inserts are prepared once per connection; the read and the update are planned for each
// batch (see there).
const PG_TYPE: Record<string, string> = {
  emailConsent: "boolean",
  smsConsent: "boolean",
  returningCustomer: "boolean",
  isTest: "boolean",
  isStaff: "boolean",
  failedPayment: "boolean",
  customerOrdersCount: "integer",
  lineItemCount: "integer",
  subtotalMinor: "integer",
  totalMinor: "integer",
  nextStepIndex: "integer",
  shopifyCreatedAt: "timestamp(3)",
  shopifyUpdatedAt: "timestamp(3)",
  completedAt: "timestamp(3)",
  abandonedAt: "timestamp(3)",
  nextDueAt: "timestamp(3)",
  leaseUntil: "timestamp(3)",
};
const pgType = (f: string) => PG_TYPE[f] ?? "text";
const pgValue = (v: unknown): unknown => (v instanceof Date ? pgDate(v) : v === undefined ? null : v);

const PG_READ =
  `SELECT t.shop, t.token, ${EXISTING_COLUMNS.split(", ").map((c) => `c.${c}`).join(", ")}, ` +
  "EXISTS (SELECT 1 FROM shop_order o WHERE o.shop = t.shop AND o.checkout_token = t.token) AS has_order " +
  "FROM unnest($1::text[], $2::text[]) AS t(shop, token) LEFT JOIN checkout c ON c.shop = t.shop AND c.token = t.token";

async function readPg(conn: Conn, batch: IngestCheckoutArgs[]) {
  const existing = new Map<string, Existing>();
  const orderFor = new Set<string>();
  // Unnamed, so planned for these tokens each time: a cached plan made while checkout was small (a new install)
  // keeps hashing a scan of the whole table as it grows, until autovacuum next analyzes it.
  const rows = await conn.query(PG_READ, [batch.map((a) => a.shop), batch.map((a) => a.record.token)]);
  for (const r of rows) {
    const k = key(String(r.shop), String(r.token));
    if (r.id !== null && r.id !== undefined) existing.set(k, existingFrom(r));
    if (r.has_order === true) orderFor.add(k);
  }
  return { existing, orderFor };
}

const PG_LEDGER =
  "INSERT INTO webhook_event (id, shop, event_id, topic, received_at, outcome) " +
  "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp(3)[], $6::text[]) " +
  "ON CONFLICT (event_id) DO NOTHING RETURNING event_id";

async function ledgerPg(conn: Conn, ledger: LedgerRow[]): Promise<Set<string>> {
  const args = [ledger.map((l) => l.id), ledger.map((l) => l.shop), ledger.map((l) => l.eventId), ledger.map((l) => l.topic), ledger.map((l) => pgDate(l.receivedAt)), ledger.map((l) => l.outcome)];
  return new Set((await conn.query(PG_LEDGER, args, "cr_ingest_ledger")).map((r) => String(r.event_id)));
}

const INSERT_FIELDS = Object.keys(COLUMNS);
const PG_INSERT =
  `INSERT INTO checkout (id, shop, token, ${INSERT_FIELDS.map((f) => COLUMNS[f]).join(", ")}, created_at, updated_at) ` +
  `SELECT v.*, $${INSERT_FIELDS.length + 4}::timestamp(3), $${INSERT_FIELDS.length + 4}::timestamp(3) ` +
  `FROM unnest($1::text[], $2::text[], $3::text[], ${INSERT_FIELDS.map((f, i) => `$${i + 4}::${pgType(f)}[]`).join(", ")}) AS v`;

async function insertPg(conn: Conn, inserts: NewRow[], now: Date): Promise<number> {
  for (const ins of inserts) fields(ins.data); // every field has a column
  const args: unknown[] = [inserts.map((r) => r.id), inserts.map((r) => r.shop), inserts.map((r) => r.token)];
  for (const f of INSERT_FIELDS) args.push(inserts.map((r) => pgValue(r.data[f] ?? null)));
  args.push(pgDate(now));
  return conn.write(PG_INSERT, args, "cr_ingest_insert");
}

// An update writes every field ingestCheckoutIn writes; the lease is cleared exactly when nothing is scheduled any
// more (next_due_at null), as ingestCheckoutIn does, and otherwise left as it is.
const UPDATE_FIELDS = Object.keys(COLUMNS).filter((f) => f !== "leaseOwner" && f !== "leaseUntil");
// What the new state was computed from (the columns read in PG_READ). Another process (the tick advancing a step,
// another instance ingesting a newer update) may have changed the row since: then the WHERE matches nothing, the
// batch fails and rolls back, and its deliveries run again one by one (under READ COMMITTED, PostgreSQL re-checks the
// WHERE against the newest row version after waiting for the writer). SQLite needs no such check: its batch reads
// inside the write lock.
const PRIOR: Array<[keyof Existing, string, string]> = [
  ["status", "status", "text"],
  ["abandonedAt", "abandoned_at", "timestamp(3)"],
  ["nextStepIndex", "next_step_index", "integer"],
  ["nextDueAt", "next_due_at", "timestamp(3)"],
  ["stopReason", "stop_reason", "text"],
  ["shopifyUpdatedAt", "shopify_updated_at", "timestamp(3)"],
  ["completedAt", "completed_at", "timestamp(3)"],
];
const PG_UPDATE =
  `UPDATE checkout AS c SET ${UPDATE_FIELDS.map((f) => `${COLUMNS[f]} = v.${COLUMNS[f]}`).join(", ")}, ` +
  "lease_owner = CASE WHEN v.next_due_at IS NULL THEN NULL ELSE c.lease_owner END, " +
  "lease_until = CASE WHEN v.next_due_at IS NULL THEN NULL ELSE c.lease_until END, " +
  `updated_at = $${UPDATE_FIELDS.length + PRIOR.length + 2}::timestamp(3) ` +
  `FROM unnest($1::text[], ${[...UPDATE_FIELDS.map(pgType), ...PRIOR.map(([, , type]) => type)].map((type, i) => `$${i + 2}::${type}[]`).join(", ")}) ` +
  `AS v(id, ${[...UPDATE_FIELDS.map((f) => COLUMNS[f]), ...PRIOR.map(([, column]) => `prior_${column}`)].join(", ")}) ` +
  `WHERE c.id = v.id AND ${PRIOR.map(([, column]) => `c.${column} IS NOT DISTINCT FROM v.prior_${column}`).join(" AND ")}`;

async function updatePg(conn: Conn, updates: ChangedRow[], now: Date): Promise<number> {
  for (const up of updates) {
    const fs = fields(up.data);
    const clearsLease = up.data.nextDueAt === null;
    // The statement's shape, checked: every field present, the lease fields exactly when the lease is cleared.
    if (fs.length !== UPDATE_FIELDS.length + (clearsLease ? 2 : 0) || UPDATE_FIELDS.some((f) => !(f in up.data))) {
      throw new Error(`checkout-ingest-sql: unexpected update fields ${fs.join(",")}`);
    }
  }
  const args: unknown[] = [updates.map((r) => r.id)];
  for (const f of UPDATE_FIELDS) args.push(updates.map((r) => pgValue(r.data[f])));
  for (const [field] of PRIOR) args.push(updates.map((r) => pgValue(r.prior[field])));
  args.push(pgDate(now));
  // Unnamed, like the read: planned for this batch, so the rows are found through the primary key once the table has
  // grown (a plan cached while it was small hashes a scan of all of it).
  return conn.write(PG_UPDATE, args);
}
