// checkouts/* ingestion for a whole group-commit batch (app/models/checkout-batch.server.ts) in a handful of SQL
// statements on the database driver itself, without Prisma: Prisma's per-query cost (its query compiler, client
// runtime and row decoding) was most of a webhook's CPU. The rule is the one ingestCheckoutIn (app/models/checkouts.server.ts)
// asks, decideIngest (app/lib/ingest-decision.ts), called once per delivery (decide); the rows written are the ones
// Prisma would write (same columns, same date and boolean encoding per provider), so Prisma reads them back unchanged:
//   1. read the batch's existing checkouts, whether an order is waiting for each token, and which event ids the
//      ledger already holds;
//   2. a repeat (event id recorded) writes nothing and is answered "duplicate", what the ledger's unique violation
//      answers on the one-by-one path. A delivery whose checkout has a waiting order (the order arrived first, so it
//      must be attributed) is left out: the caller runs it alone through ingestCheckout (Prisma) afterwards. Rare;
//   3. write the ledger rows (stale updates recorded "stale"), the new checkouts and the updates. On PostgreSQL a
//      checkout another process changed or created since the read is not written, and only that delivery goes back
//      to the caller (see "PostgreSQL statements"); SQLite reads and writes under one write lock.
// SQLite: all in BEGIN IMMEDIATE on Prisma's own connection, taken exclusively (withSqliteConnection in
// app/db.server.ts; a second libsql connection waiting for a write lock held by Prisma in the same process would
// freeze the event loop), so nothing read can change before the writes. PostgreSQL: two statements, the read and one
// write for everything (see "PostgreSQL statements"). Any error writes nothing and is thrown: the caller then runs
// every delivery alone through Prisma.
import { wallClock } from "../lib/wall-clock";
import type { InValue } from "@libsql/client";
import pg from "pg";
import { withSqliteConnection } from "../db.server";
import { timeOrderedId } from "../lib/ids";
import { decideIngest, type CheckoutFields, type HeldCheckout } from "../lib/ingest-decision";
import { databaseProvider } from "../../scripts/database-url.mjs";
import type { IngestCheckoutArgs, IngestOutcome } from "./checkouts.server";
import { sqliteDateText } from "./recovery.server";

type Row = Record<string, unknown>;

/** SQLite statements on Prisma's connection (libsql keeps the prepared statements: app/db.server.ts). */
interface Conn {
  query(sql: string, args: unknown[]): Promise<Row[]>;
  /** Runs a write; resolves to the number of rows it changed. */
  write(sql: string, args: unknown[]): Promise<number>;
}

interface SqliteDialect {
  kind: "sqlite";
  /** Runs fn in one transaction (BEGIN IMMEDIATE) on Prisma's connection, taken exclusively. */
  transaction<T>(fn: (conn: Conn) => Promise<T>): Promise<T>;
}

interface PgDialect {
  kind: "postgresql";
  /** Runs fn on a connection of the batch pool (no transaction: each statement is its own). */
  withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

type Dialect = SqliteDialect | PgDialect;

// ---------------------------------------------------------------------------------------------------------- SQLite
// The libsql adapter writes a DateTime as ISO 8601 with "+00:00" instead of "Z" ("2026-11-20T10:00:00.000+00:00")
// and reads back both that text and integer milliseconds; booleans are 0/1.
// Years past 9999 are refused (sqliteDateText): their text would sort before today.
const sqliteDate = sqliteDateText;

function sqliteDialect(): SqliteDialect {
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

/** Connections of the batch pool that have their session settings (PG_SESSION). */
const configured = new WeakSet<pg.PoolClient>();

function pgDialect(url: string): PgDialect {
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
    async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
      const client = await getPool().connect();
      let broken = false;
      try {
        if (!configured.has(client)) {
          await client.query(PG_SESSION); // the connection's first use
          configured.add(client);
        }
        return await fn(client);
      } catch (error) {
        // An error the server answered leaves the connection usable (no transaction is left open); any other
        // (a lost connection) retires it.
        broken = !(error instanceof pg.DatabaseError);
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

/** Prisma field -> column, for every field decideIngest writes on a checkout (CheckoutFields: checked here). */
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
  shopCurrency: "shop_currency",
  shopTotalMinor: "shop_total_minor",
  customerTags: "customer_tags",
  whatsappConsent: "whatsapp_consent",
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
} satisfies Record<keyof CheckoutFields, string>;

/** A checkout as read before deciding: what decideIngest reads (app/lib/ingest-decision.ts). */
type Existing = HeldCheckout;

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
 * Ingest a batch of checkouts/* deliveries (distinct event ids, distinct checkouts). Returns each delivery's outcome
 * ("duplicate" for a repeat: its event id was already in the ledger), or null for one the caller must run alone
 * through ingestCheckout after this returns: a checkout whose order arrived first, or (PostgreSQL) one another process
 * changed between the batch's read and its write. Throws (nothing written) on any error.
 */
export async function ingestCheckoutBatchSql(batch: IngestCheckoutArgs[]): Promise<Array<BatchOutcome | null>> {
  const d = dialect();
  return d.kind === "postgresql" ? ingestBatchPg(d, batch) : ingestBatchSqlite(d, batch);
}

/** What was read before deciding: the existing checkouts, the tokens with a waiting order, the event ids recorded. */
interface Read {
  existing: Map<string, Existing>;
  orderFor: Set<string>;
  seen: Set<string>;
}

/** The batch's writes, decided from what was read: decideIngest's answer for each delivery. */
interface Decision {
  outcomes: Array<BatchOutcome | null>;
  /** Ledger rows to record. */
  ledger: LedgerRow[];
  inserts: NewRow[];
  updates: ChangedRow[];
}

function decide(batch: IngestCheckoutArgs[], { existing, orderFor, seen }: Read, now: Date): Decision {
  const out: Decision = { outcomes: [], ledger: [], inserts: [], updates: [] };
  for (const a of batch) {
    const k = key(a.shop, a.record.token);
    const prior = existing.get(k) ?? null;
    const d = decideIngest({
      existing: prior,
      incoming: a.record,
      settings: a.settings,
      now: a.now,
      waitingOrder: orderFor.has(k) ? "unread" : null,
      seen: seen.has(a.eventId),
    });
    // Refused (ingestCheckoutIn answers the 422 naming the field) or an order waiting to be attributed: that delivery
    // runs alone through Prisma afterwards. A repeat writes nothing (the one-by-one path's ledger violation answers it).
    if (d.kind === "refused" || d.kind === "order_waiting") {
      out.outcomes.push(null);
      continue;
    }
    if (d.kind === "duplicate") {
      out.outcomes.push("duplicate");
      continue;
    }
    const ledger: LedgerRow = {
      id: newId(),
      shop: a.shop,
      eventId: a.eventId,
      topic: a.topic,
      receivedAt: now,
      outcome: d.kind === "stale" ? "stale" : "processed",
      checkoutId: null,
    };
    out.ledger.push(ledger);
    if (d.kind === "stale") {
      out.outcomes.push("stale");
    } else if (d.kind === "update") {
      ledger.checkoutId = d.id;
      out.updates.push({ id: d.id, data: d.fields, prior: d.from });
      out.outcomes.push("updated");
    } else {
      ledger.checkoutId = newId();
      out.inserts.push({ id: ledger.checkoutId, shop: a.shop, token: a.record.token, data: d.fields });
      out.outcomes.push("created");
    }
  }
  return out;
}

/**
 * SQLite: everything inside BEGIN IMMEDIATE, so what is read cannot change before the writes: the ledger rows, the
 * new checkouts (one multi-row INSERT) and the updates (one UPDATE each).
 */
async function ingestBatchSqlite(d: SqliteDialect, batch: IngestCheckoutArgs[]): Promise<Array<BatchOutcome | null>> {
  return d.transaction(async (conn) => {
    const now = wallClock(); // the write stamp (created_at, updated_at, received_at), not a decision time
    const plan = decide(batch, await readSqlite(conn, batch), now);
    if (plan.ledger.length > 0) await ledgerSqlite(conn, plan.ledger);
    if (plan.inserts.length > 0) {
      const n = await insertSqlite(conn, plan.inserts, now);
      if (n !== plan.inserts.length) throw new Error(`checkout-ingest-sql: inserted ${n} of ${plan.inserts.length} checkouts`);
    }
    if (plan.updates.length > 0) {
      // A checkout gone since we read it cannot be (we hold the write lock), but fail rather than answer wrongly.
      const n = await updateSqlite(conn, plan.updates, now);
      if (n !== plan.updates.length) throw new Error(`checkout-ingest-sql: updated ${n} of ${plan.updates.length} checkouts`);
    }
    return plan.outcomes;
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
  /** The checkout this delivery writes (PostgreSQL records the row only if that write happens); null when stale. */
  checkoutId: string | null;
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
    email: textOrNull(r.email),
    phone: textOrNull(r.phone),
    firstName: textOrNull(r.first_name),
    lastName: textOrNull(r.last_name),
    customerId: textOrNull(r.customer_id),
  };
}

const textOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));

const EXISTING_COLUMNS =
  "id, status, abandoned_at, next_step_index, next_due_at, stop_reason, shopify_updated_at, completed_at, email, phone, first_name, last_name, customer_id";

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
async function readSqlite(conn: Conn, batch: IngestCheckoutArgs[]): Promise<Read> {
  const existing = new Map<string, Existing>();
  const orderFor = new Set<string>();
  const seen = new Set<string>();
  const events = batch.map((a) => a.eventId);
  const eventList = events.map(() => "?").join(", ");
  for (const r of await conn.query(`SELECT event_id FROM webhook_event WHERE event_id IN (${eventList})`, events)) seen.add(String(r.event_id));
  for (const [shop, tokens] of byShop(batch)) {
    const list = tokens.map(() => "?").join(", ");
    for (const r of await conn.query(`SELECT token, ${EXISTING_COLUMNS} FROM checkout WHERE shop = ? AND token IN (${list})`, [shop, ...tokens])) {
      existing.set(key(shop, String(r.token)), existingFrom(r));
    }
    const sql = `SELECT DISTINCT checkout_token FROM shop_order WHERE shop = ? AND checkout_token IN (${list})`;
    for (const r of await conn.query(sql, [shop, ...tokens])) orderFor.add(key(shop, String(r.checkout_token)));
  }
  return { existing, orderFor, seen };
}

/** A plain INSERT: the event ids were read as absent under the same write lock. */
async function ledgerSqlite(conn: Conn, ledger: LedgerRow[]): Promise<void> {
  const values: unknown[] = [];
  for (const l of ledger) values.push(l.id, l.shop, l.eventId, l.topic, sqliteDate(l.receivedAt), l.outcome);
  const sql = `INSERT INTO webhook_event (id, shop, event_id, topic, received_at, outcome) VALUES ${ledger.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}`;
  await conn.write(sql, values);
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
// Two statements per batch, whatever its size, each its own transaction: a read, then one write that records the
// ledger, inserts the new checkouts and updates the existing ones together (a statement is atomic: on any error
// nothing of it is written). The rows travel as arrays (the read) or JSON (the write), so each text is fixed and is
// prepared once per connection (the read only after the connection's first batches: see readPg).
//   - A checkout another process changed between the read and the write (the tick advancing a step, another instance
//     ingesting a newer update) is not written over: the UPDATE requires the row to be as read (PRIOR). One another
//     process created meanwhile (the first deliveries of a new checkout reaching two workers at once) is left alone
//     (ON CONFLICT DO NOTHING). Either way that delivery's ledger row is recorded only with its checkout's write: it
//     is answered null, and the caller runs it alone.
//   - A repeat recorded by another process after the read makes the ledger INSERT fail (a unique violation): the
//     statement writes nothing and the caller runs every delivery alone.
const PG_TYPE: Record<string, string> = {
  emailConsent: "boolean",
  smsConsent: "boolean",
  returningCustomer: "boolean",
  isTest: "boolean",
  isStaff: "boolean",
  failedPayment: "boolean",
  customerOrdersCount: "integer",
  // 64-bit money and quantity columns (issue 15): an integer here would overflow past 2^31 minor units.
  lineItemCount: "bigint",
  subtotalMinor: "bigint",
  totalMinor: "bigint",
  shopTotalMinor: "bigint",
  whatsappConsent: "boolean",
  nextStepIndex: "integer",
  shopifyCreatedAt: "timestamp(3)",
  shopifyUpdatedAt: "timestamp(3)",
  completedAt: "timestamp(3)",
  abandonedAt: "timestamp(3)",
  nextDueAt: "timestamp(3)",
  leaseUntil: "timestamp(3)",
};
const pgType = (f: string) => PG_TYPE[f] ?? "text";

// Set on every connection of the batch pool, which runs only the two statements below. Their plans are made once per
// connection (generic); without these settings a plan made while checkout was small (a new install) would keep
// scanning the whole table as it grew, until autovacuum next analyzes it. With them every lookup is a nested loop
// over an index, the right plan at any size for a batch of at most WEBHOOK_BATCH_MAX rows. (They do not choose
// between indexes: the write finds rows by id, which only the primary key leads with; for the read, see readPg.)
const PG_SESSION = "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; SET enable_hashjoin = off; SET enable_mergejoin = off";

// Joins, not EXISTS: a generic plan made while a table was small may answer an EXISTS by hashing the whole table on
// every run (a hashed subplan), which no enable_* setting rules out. A lateral join to a LIMIT 1 subquery can only run
// as an index lookup per row. (webhook_event.event_id is unique, so its join finds at most one row.)
const PG_READ =
  `SELECT t.shop, t.token, t.event_id, ${EXISTING_COLUMNS.split(", ")
    .map((c) => `c.${c}`)
    .join(", ")}, ` +
  "o.has_order, w.event_id IS NOT NULL AS seen " +
  "FROM unnest($1::text[], $2::text[], $3::text[]) AS t(shop, token, event_id) " +
  "LEFT JOIN checkout c ON c.shop = t.shop AND c.token = t.token " +
  "LEFT JOIN webhook_event w ON w.event_id = t.event_id " +
  "LEFT JOIN LATERAL (SELECT true AS has_order FROM shop_order o WHERE o.shop = t.shop AND o.checkout_token = t.token LIMIT 1) o ON true";

const READS_BEFORE_PREPARE = 256;
const readsOn = new WeakMap<pg.PoolClient, number>();

async function readPg(client: pg.PoolClient, batch: IngestCheckoutArgs[]): Promise<Read> {
  const existing = new Map<string, Existing>();
  const orderFor = new Set<string>();
  const seen = new Set<string>();
  const args = [batch.map((a) => a.shop), batch.map((a) => a.record.token), batch.map((a) => a.eventId)];
  // Planned for these rows (unnamed) for a connection's first READS_BEFORE_PREPARE batches, then prepared once (named).
  // A generic plan made while checkout is nearly empty (a new install, or the benchmark's fresh database) picks any
  // index that starts with shop and filters on token, and keeps it until autovacuum next analyzes the table: it cost
  // 3-4 ms a batch by 10,000 rows. Made after the first batches, it finds the unique index (a lookup by both columns
  // is estimated at one row, a shop-only index at more); later analyzes re-plan it as the table grows. Planning it
  // each time instead costs about 0.4 ms a batch (the checkout table has 13 indexes to weigh).
  const reads = (readsOn.get(client) ?? 0) + 1;
  readsOn.set(client, reads);
  const name = reads > READS_BEFORE_PREPARE ? "cr_ingest_read" : undefined;
  const { rows } = await client.query<Row>({ name, text: PG_READ, values: args, types: pgTypes as pg.CustomTypesConfig });
  for (const r of rows) {
    const k = key(String(r.shop), String(r.token));
    if (r.id !== null && r.id !== undefined) existing.set(k, existingFrom(r));
    if (r.has_order === true) orderFor.add(k);
    if (r.seen === true) seen.add(String(r.event_id));
  }
  return { existing, orderFor, seen };
}

// An update writes every field decideIngest answers; the lease is cleared exactly when nothing is scheduled any
// more (next_due_at null), as decideIngest's fields say, and otherwise left as it is.
const UPDATE_FIELDS = Object.keys(COLUMNS).filter((f) => f !== "leaseOwner" && f !== "leaseUntil");
const INSERT_FIELDS = Object.keys(COLUMNS);
// What an update was computed from (the columns PG_READ reads): the row must still hold these values.
const PRIOR: Array<[keyof Existing, string, string]> = [
  ["status", "status", "text"],
  ["abandonedAt", "abandoned_at", "timestamp(3)"],
  ["nextStepIndex", "next_step_index", "integer"],
  ["nextDueAt", "next_due_at", "timestamp(3)"],
  ["stopReason", "stop_reason", "text"],
  ["shopifyUpdatedAt", "shopify_updated_at", "timestamp(3)"],
  ["completedAt", "completed_at", "timestamp(3)"],
];

// The write's rows travel as three JSON arrays of objects keyed by column (json_to_recordset), plus the batch's time:
// V8's JSON.stringify builds them natively, where array parameters were escaped element by element in JavaScript.
// Dates go as ISO 8601 text (Date.toJSON); for a timestamp without time zone PostgreSQL ignores the trailing "Z".
type Spec = Array<[column: string, type: string]>;
const U_SPEC: Spec = [
  ["id", "text"],
  ...UPDATE_FIELDS.map((f): [string, string] => [COLUMNS[f], pgType(f)]),
  ...PRIOR.map(([, c, t]): [string, string] => [`prior_${c}`, t]),
];
const I_SPEC: Spec = [["id", "text"], ["shop", "text"], ["token", "text"], ...INSERT_FIELDS.map((f): [string, string] => [COLUMNS[f], pgType(f)])];
// checkout_id: the checkout this delivery inserts or updates (recorded only if that write happened), or null (stale).
const L_SPEC: Spec = [
  ["id", "text"],
  ["shop", "text"],
  ["event_id", "text"],
  ["topic", "text"],
  ["outcome", "text"],
  ["checkout_id", "text"],
];
const names = (spec: Spec) => spec.map(([column]) => column).join(", ");
const record = (spec: Spec) => spec.map(([column, type]) => `${column} ${type}`).join(", ");

const PG_WRITE =
  "WITH upd AS (" +
  `UPDATE checkout AS c SET ${UPDATE_FIELDS.map((f) => `${COLUMNS[f]} = v.${COLUMNS[f]}`).join(", ")}, ` +
  "lease_owner = CASE WHEN v.next_due_at IS NULL THEN NULL ELSE c.lease_owner END, " +
  "lease_until = CASE WHEN v.next_due_at IS NULL THEN NULL ELSE c.lease_until END, " +
  `updated_at = $4::timestamp(3) FROM json_to_recordset($1::json) AS v(${record(U_SPEC)}) ` +
  `WHERE c.id = v.id AND ${PRIOR.map(([, column]) => `c.${column} IS NOT DISTINCT FROM v.prior_${column}`).join(" AND ")} ` +
  "RETURNING c.id), " +
  // A checkout another process created since the read (the first deliveries of a new checkout reaching two
  // instances at once) is left alone: that delivery goes back to the caller, which now finds the row.
  `ins AS (INSERT INTO checkout (${names(I_SPEC)}, created_at, updated_at) SELECT ${I_SPEC.map(([c]) => `v.${c}`).join(", ")}, $4::timestamp(3), $4::timestamp(3) ` +
  `FROM json_to_recordset($2::json) AS v(${record(I_SPEC)}) ON CONFLICT (shop, token) DO NOTHING RETURNING id), ` +
  "led AS (INSERT INTO webhook_event (id, shop, event_id, topic, received_at, outcome) " +
  `SELECT l.id, l.shop, l.event_id, l.topic, $4::timestamp(3), l.outcome FROM json_to_recordset($3::json) AS l(${record(L_SPEC)}) ` +
  "WHERE l.checkout_id IS NULL OR l.checkout_id IN (SELECT id FROM upd UNION ALL SELECT id FROM ins)) " +
  "SELECT id FROM upd UNION ALL SELECT id FROM ins";

/** A row object for json_to_recordset: column -> value (undefined is left out, which reads as null). */
function rowJson(spec: Spec, values: (column: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column] of spec) out[column] = values(column);
  return out;
}

const FIELD_OF: Record<string, string> = Object.fromEntries(Object.entries(COLUMNS).map(([f, c]) => [c, f]));
const PRIOR_OF: Record<string, keyof Existing> = Object.fromEntries(PRIOR.map(([field, column]) => [`prior_${column}`, field]));

function writeArgs({ ledger, inserts, updates }: Decision, now: Date): unknown[] {
  for (const ins of inserts) fields(ins.data); // every field has a column
  for (const up of updates) {
    const fs = fields(up.data);
    const clearsLease = up.data.nextDueAt === null;
    // The statement's shape, checked: every field present, the lease fields exactly when the lease is cleared.
    if (fs.length !== UPDATE_FIELDS.length + (clearsLease ? 2 : 0) || UPDATE_FIELDS.some((f) => !(f in up.data))) {
      throw new Error(`checkout-ingest-sql: unexpected update fields ${fs.join(",")}`);
    }
  }
  const upd = updates.map((u) => rowJson(U_SPEC, (c) => (c === "id" ? u.id : c in PRIOR_OF ? u.prior[PRIOR_OF[c]] : u.data[FIELD_OF[c]])));
  const ins = inserts.map((r) => rowJson(I_SPEC, (c) => (c === "id" ? r.id : c === "shop" ? r.shop : c === "token" ? r.token : r.data[FIELD_OF[c]])));
  const led = ledger.map((l) => ({ id: l.id, shop: l.shop, event_id: l.eventId, topic: l.topic, outcome: l.outcome, checkout_id: l.checkoutId }));
  return [JSON.stringify(upd), JSON.stringify(ins), JSON.stringify(led), pgDate(now)];
}

async function ingestBatchPg(d: PgDialect, batch: IngestCheckoutArgs[]): Promise<Array<BatchOutcome | null>> {
  return d.withClient(async (client) => {
    const now = wallClock(); // the write stamp (created_at, updated_at, received_at), not a decision time
    const plan = decide(batch, await readPg(client, batch), now);
    if (plan.ledger.length === 0) return plan.outcomes; // repeats and order-first deliveries only
    const { rows } = await client.query<Row>({ name: "cr_ingest_write", text: PG_WRITE, values: writeArgs(plan, now), types: pgTypes as pg.CustomTypesConfig });
    const written = new Set(rows.map((r) => String(r.id)));
    // A checkout write not done (updated or created by another process since the read): nothing of that delivery
    // was recorded, and the caller runs it alone.
    const missed = new Set(plan.ledger.filter((l) => l.checkoutId !== null && !written.has(l.checkoutId)).map((l) => l.eventId));
    return missed.size === 0 ? plan.outcomes : plan.outcomes.map((o, i) => (missed.has(batch[i].eventId) ? null : o));
  });
}
