// Database work of the recovery engine, in batches: claiming due checkouts with a lease, reading what a batch needs,
// writing the send ledger, recording results and advancing timelines. Raw SQL is portable (snake_case names) and
// differs only in its placeholders ($1 on PostgreSQL, ?1 on SQLite: see Statement), FOR UPDATE SKIP LOCKED, and how a
// value is typed.
import { wallClock } from "../lib/wall-clock";
import { timeOrderedId } from "../lib/ids";
import type { Checkout } from "@prisma/client";
import pg from "pg";
import { pgPoolOf, type Db, type DbHandle, type DbProvider } from "../db.server";
import { textProblem, storableOrNull } from "../lib/db-text";
import { canMove } from "../lib/pipeline";
import { auditData, type AuditEntry } from "./audit.server";
import type { Int64AsNumber } from "./int64-columns.server";

export interface Sql {
  db: Db;
  provider: DbProvider;
  /**
   * SQLite: Prisma's own connection, for the bulk statements (app/db.server.ts). Through Prisma, each bound value is
   * serialized for its query compiler and back (a 3,000-value statement leaves megabytes of garbage); without this
   * they still go through Prisma.
   */
  sqlite?: DbHandle["withSqliteConnection"];
}

// Prisma refuses SQLite statements with more than 999 parameters: every bulk statement stays under that.
const CHUNK = 400;

function chunks<T>(rows: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

// Rows (or list items) per bulk statement. Statement cost grows faster than its length (inlined, 400 rows: 31 ms,
// 1,000 rows: 262 ms), so statements stay small.
const ROWS_PER_STATEMENT = 250;
/**
 * SQLite: the row counts a bulk statement is made with; a shorter list is padded up to the next one (see Statement).
 * A few fixed shapes give a few statement texts, which the connection keeps prepared (app/db.server.ts).
 */
const SQLITE_SHAPES = [1, 4, 16, 64, ROWS_PER_STATEMENT];

// PostgreSQL allows 65,535 bound parameters per statement. The widest statement here is a ledger insert of
// ROWS_PER_STATEMENT rows of 13 values (3,250), far below; Statement checks all the same.
const PG_MAX_PARAMS = 65_535;

/**
 * The refusals every bound value goes through, alike on both databases: NUL and lone surrogates in strings (neither
 * database stores them as given: PostgreSQL refuses NUL, both drivers turn a lone surrogate into U+FFFD), numbers
 * other than safe integers, invalid dates (and, through sqliteDateText, years outside 0000-9999: PostgreSQL would
 * store a later one, but Prisma cannot read it back). A refusal throws before any statement is sent: the caller
 * records the row apart (see `eachApart`).
 */
function refused(v: unknown): string | null {
  if (typeof v === "number") return Number.isSafeInteger(v) ? null : "only safe integers";
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "invalid date" : null;
  if (typeof v === "string") {
    const problem = textProblem(v);
    return problem ? `${problem} in string` : null;
  }
  if (v === null || v === undefined || typeof v === "boolean") return null;
  return `unsupported ${typeof v}`;
}

function checked(v: unknown): void {
  const problem = refused(v);
  if (problem) throw new Error(`bound value: ${problem}`);
}

/** A value bound on SQLite: booleans 1/0, dates in Prisma's text form (sqliteDateText). */
function sqliteValue(v: unknown): string | number | null {
  checked(v);
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return sqliteDateText(v);
  return v as string | number;
}

type PgValue = string | number | boolean | null;
const INT4_MAX = 2 ** 31 - 1;

/**
 * A value bound on PostgreSQL, with the cast its placeholder carries. Typed as the SQL literal for the value would be
 * (what these statements inlined before): an integer is integer (bigint past its range), a boolean boolean, a date
 * timestamp(3) sent as UTC text (pg would send a Date in the process's local time). A string or null stays untyped and
 * takes its type from where it stands, as a quoted literal or NULL does: an IN list takes the column's type, an INSERT
 * value the target column's, a VALUES column its rows' common type (text when every row has a string or NULL).
 */
function pgValue(v: unknown): [PgValue, string] {
  checked(v);
  if (v === null || v === undefined) return [null, ""];
  if (typeof v === "number") return [v, v >= -INT4_MAX - 1 && v <= INT4_MAX ? "::integer" : "::bigint"];
  if (typeof v === "boolean") return [v, "::boolean"];
  if (v instanceof Date) return [sqliteDateText(v).slice(0, -6), "::timestamp(3)"];
  return [v as string, ""];
}

// timestamp(3) columns hold UTC: read them as UTC (pg's default reads a timestamp without time zone as local time).
// bigint comes back as text (pg's default), read with Number() like every other number here.
const TIMESTAMP_OID = 1114;
const PG_TYPES = {
  getTypeParser(oid: number, format?: string) {
    if (oid === TIMESTAMP_OID) return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

/**
 * One statement being written. `v(value)` puts a value in as a numbered bound parameter ($1 or ?1, ...), refused
 * alike on both databases when neither stores it as given; the statement text depends only on its shape.
 * PostgreSQL: run on the pg pool under the Prisma client (pgPoolOf), not through Prisma: through Prisma's driver
 * adapter each bound parameter cost about as much as a whole row (800 rows x 9 values, 1.4 s bound against 75 ms
 * inlined as literals); through pg directly they cost about what the literals did (the widest insert a little more,
 * markSent with its bodies half: bench/RESULTS.md, issue 16). Every statement here is one autocommitted statement
 * (none runs inside a Prisma transaction), so the connection it takes from the pool does not matter.
 * SQLite: libsql allocates native memory for each statement it prepares and frees it only when V8 collects the
 * statement, gigabytes under bulk work, so app/db.server.ts keeps statements prepared by text; the engine's texts
 * repeat because lists are padded on SQLite to one of SQLITE_SHAPES (`fit`). Run on Prisma's own connection when
 * `Sql.sqlite` is set.
 */
class Statement {
  readonly params: PgValue[] = [];
  constructor(private readonly s: Sql) {}

  v = (value: unknown): string => {
    if (this.s.provider === "postgresql") {
      const [bound, cast] = pgValue(value);
      this.params.push(bound);
      if (this.params.length > PG_MAX_PARAMS) throw new Error(`statement: more than ${PG_MAX_PARAMS} parameters`);
      return `$${this.params.length}${cast}`;
    }
    this.params.push(sqliteValue(value));
    return `?${this.params.length}`;
  };

  /**
   * A value whose placeholder carries its column's type on PostgreSQL even when it is null (where the context gives
   * none: a VALUES column whose rows are all NULL would be text). SQLite: as `v`.
   */
  typed = (value: unknown, pgType: "timestamp(3)"): string => {
    const placeholder = this.v(value);
    return this.s.provider === "postgresql" && value == null ? `${placeholder}::${pgType}` : placeholder;
  };

  /** A comma-separated list of values. */
  list = (values: readonly unknown[]): string => values.map(this.v).join(", ");

  /**
   * SQLite: `items` padded with copies of its last item up to the next fixed shape (harmless where they are used: a
   * repeated IN item, a repeated ON CONFLICT DO NOTHING row, or an UPDATE ... FROM row matching the same target).
   */
  fit = <T>(items: readonly T[]): readonly T[] => {
    if (this.s.provider === "postgresql" || !items.length) return items;
    const size = SQLITE_SHAPES.find((n) => n >= items.length) ?? items.length;
    if (size === items.length) return items;
    return [...items, ...Array<T>(size - items.length).fill(items[items.length - 1])];
  };

  private pool(): pg.Pool | undefined {
    return this.s.provider === "postgresql" ? pgPoolOf(this.s.db) : undefined;
  }

  async query<T>(sql: string): Promise<T[]> {
    const { sqlite } = this.s;
    if (sqlite && this.s.provider === "sqlite")
      return sqlite(async (run) => (await run(sql, this.params as Array<string | number | null>)).rows as unknown as T[]);
    const pool = this.pool();
    if (pool) return (await pool.query({ text: sql, values: this.params, types: PG_TYPES })).rows as T[];
    return this.s.db.$queryRawUnsafe<T[]>(sql, ...this.params);
  }

  async execute(sql: string): Promise<number> {
    const { sqlite } = this.s;
    if (sqlite && this.s.provider === "sqlite") return sqlite(async (run) => (await run(sql, this.params as Array<string | number | null>)).rowsAffected);
    const pool = this.pool();
    if (pool) return (await pool.query({ text: sql, values: this.params })).rowCount ?? 0;
    return this.s.db.$executeRawUnsafe(sql, ...this.params);
  }
}

/**
 * Multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING id (the same text on SQLite and PostgreSQL): returns the ids
 * actually inserted, so a row that already exists (a unique key) is reported, not raised.
 */
export async function bulkInsert(s: Sql, table: string, columns: string[], rows: unknown[][]): Promise<string[]> {
  const out: string[] = [];
  for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
    const q = new Statement(s);
    // A padding copy of a row conflicts with the row itself: never inserted, never returned.
    const values = q.fit(part).map((row) => `(${q.list(row)})`);
    const res = await q.query<{ id: string }>(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values.join(", ")} ON CONFLICT DO NOTHING RETURNING id`);
    for (const r of res) out.push(r.id);
  }
  return out;
}

/** Run a query over a long list in pieces that fit the parameter limit, and concatenate the answers. */
export async function inChunks<T, R>(list: T[], fn: (part: T[]) => Promise<R[]>, size = CHUNK): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunks(list, size)) out.push(...(await fn(part)));
  return out;
}

/** A message id: "m" and 32 hex digits, in creation order (app/lib/ids.ts; audit rows take the same form with "a"). */
export function newMessageId(): string {
  return timeOrderedId("m");
}

/**
 * SQLite stores a DateTime as text ("2026-11-20T10:00:00.000+00:00", what the libsql adapter and every raw statement
 * here write) and compares it as text. Only that form sorts like time: a year past 9999 (toISOString's
 * "+010000-01-01T...") or anything else sorts before today and was claimed again and again. Every date we write on
 * SQLite goes through this (years 0000-9999 only; ingest refuses times outside 2000 to a year ahead long before).
 */
export function sqliteDateText(d: Date): string {
  const t = d.getTime();
  if (!Number.isFinite(t)) throw new Error("invalid date");
  const year = d.getUTCFullYear();
  if (year < 0 || year > 9999) throw new Error(`date out of range for SQLite text (year ${year})`);
  return `${d.toISOString().slice(0, -1)}+00:00`;
}

/**
 * On SQLite, a due time that is not in that form is never due: text below "2000-" ("+010000-...", "-000001-...") or
 * of another type (an integer) fails this, and a row that holds one is left alone rather than claimed in a loop.
 */
const SQLITE_WELL_FORMED_DUE = "typeof(next_due_at) = 'text' AND next_due_at >= '2000-01-01T00:00:00.000+00:00'";

/**
 * Claim up to `limit` due checkouts for `owner` until `leaseUntil`. A checkout is due when next_due_at <= now and it
 * holds no live lease (an expired lease is reclaimed: its owner crashed or ran out of time). On PostgreSQL, FOR UPDATE
 * SKIP LOCKED lets concurrent claimers take disjoint rows without waiting; SQLite has a single writer.
 * A row is claimed at most once per tick: the engine claims with the tick's start as `now`, and every advance it writes
 * in that tick lands after it (runTick), so a step whose next step is already due (a late catch-up, a due time in the
 * past) waits for the next tick instead of going out in the same millisecond, and nothing can make one tick loop
 * over the same row. (Cheaper than excluding the tick's claimed ids: that list grew with every batch.)
 */
export async function claimDueCheckouts(s: Sql, a: { owner: string; now: Date; leaseUntil: Date; limit: number }): Promise<string[]> {
  const limit = Math.max(1, Math.floor(a.limit));
  const sql =
    s.provider === "postgresql"
      ? `UPDATE checkout SET lease_owner = $1, lease_until = $2 WHERE id IN (
           SELECT id FROM checkout WHERE next_due_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
           ORDER BY next_due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED) RETURNING id`
      : `UPDATE checkout SET lease_owner = ?1, lease_until = ?2 WHERE id IN (
           SELECT id FROM checkout WHERE next_due_at <= ?3 AND ${SQLITE_WELL_FORMED_DUE} AND (lease_until IS NULL OR lease_until < ?3)
           ORDER BY next_due_at LIMIT ${limit}) RETURNING id`;
  const params = s.provider === "postgresql" ? [a.owner, a.leaseUntil, a.now] : [a.owner, sqliteDateText(a.leaseUntil), sqliteDateText(a.now)];
  const rows = await s.db.$queryRawUnsafe<Array<{ id: string }>>(sql, ...params);
  return rows.map((r) => r.id);
}

/** What the engine reads of a claimed checkout (64-bit money columns as numbers: see int64-columns.server.ts). */
export type DueCheckout = Int64AsNumber<
  Pick<
    Checkout,
    | "id"
    | "shop"
    | "token"
    | "cartToken"
    | "customerId"
    | "email"
    | "phone"
    | "firstName"
    | "lastName"
    | "customerKey"
    | "lineItemCount"
    | "emailConsent"
    | "smsConsent"
    | "returningCustomer"
    | "customerOrdersCount"
    | "locale"
    | "lineItems"
    | "currency"
    | "subtotalMinor"
    | "totalMinor"
    | "abandonedCheckoutUrl"
    | "isTest"
    | "isStaff"
    | "failedPayment"
    | "shopifyCreatedAt"
    | "completedAt"
    | "status"
    | "abandonedAt"
    | "nextStepIndex"
    | "nextDueAt"
    | "stage"
    | "priority"
    | "priorityScore"
    | "handoff"
    | "orderId"
    | "customerTags"
    | "whatsappConsent"
    | "shopCurrency"
    | "shopTotalMinor" // money: the cart in the shop's currency (null = unknown), for merchant thresholds
    | "holdout"
  >
>;

const DUE_COLUMNS: Array<[keyof DueCheckout, string, "s" | "n" | "b" | "d"]> = [
  ["id", "id", "s"],
  ["shop", "shop", "s"],
  ["token", "token", "s"],
  ["cartToken", "cart_token", "s"],
  ["customerId", "customer_id", "s"],
  ["email", "email", "s"],
  ["phone", "phone", "s"],
  ["firstName", "first_name", "s"],
  ["lastName", "last_name", "s"],
  ["customerKey", "customer_key", "s"],
  ["emailConsent", "email_consent", "b"],
  ["smsConsent", "sms_consent", "b"],
  ["returningCustomer", "returning_customer", "b"],
  ["customerOrdersCount", "customer_orders_count", "n"],
  ["locale", "locale", "s"],
  ["lineItems", "line_items", "s"],
  ["lineItemCount", "line_item_count", "n"],
  ["currency", "currency", "s"],
  ["subtotalMinor", "subtotal_minor", "n"],
  ["totalMinor", "total_minor", "n"],
  ["abandonedCheckoutUrl", "abandoned_checkout_url", "s"],
  ["isTest", "is_test", "b"],
  ["isStaff", "is_staff", "b"],
  ["failedPayment", "failed_payment", "b"],
  ["shopifyCreatedAt", "shopify_created_at", "d"],
  ["completedAt", "completed_at", "d"],
  ["status", "status", "s"],
  ["abandonedAt", "abandoned_at", "d"],
  ["nextStepIndex", "next_step_index", "n"],
  ["holdout", "holdout", "b"],
  ["nextDueAt", "next_due_at", "d"],
  ["stage", "stage", "s"],
  ["priority", "priority", "s"],
  ["priorityScore", "priority_score", "n"],
  ["handoff", "handoff", "b"],
  ["orderId", "order_id", "s"],
  ["customerTags", "customer_tags", "s"],
  ["whatsappConsent", "whatsapp_consent", "b"],
  ["shopCurrency", "shop_currency", "s"],
  ["shopTotalMinor", "shop_total_minor", "n"],
];

function fromDb(v: unknown, kind: "s" | "n" | "b" | "d"): unknown {
  if (v === null || v === undefined) return null;
  if (kind === "n") return Number(v);
  if (kind === "b") return v === true || v === 1 || v === 1n || v === "1" || v === "true";
  if (kind === "d") return v instanceof Date ? v : new Date(String(v));
  return String(v);
}

/** The claimed checkouts this owner still holds (an order may have released one since), oldest due first. */
export async function loadClaimedCheckouts(s: Sql, ids: string[], owner: string): Promise<DueCheckout[]> {
  const out: DueCheckout[] = [];
  for (const part of chunks(ids, ROWS_PER_STATEMENT)) {
    const q = new Statement(s);
    const rows = await q.query<Record<string, unknown>>(
      `SELECT ${DUE_COLUMNS.map((c) => c[1]).join(", ")} FROM checkout WHERE id IN (${q.list(q.fit(part))}) AND lease_owner = ${q.v(owner)} ORDER BY next_due_at, id`,
    );
    for (const r of rows) {
      const c: Record<string, unknown> = {};
      for (const [key, col, kind] of DUE_COLUMNS) c[key] = fromDb(r[col], kind);
      out.push(c as DueCheckout);
    }
  }
  return out;
}

export interface BatchContext {
  ledger: Array<{
    id: string;
    checkoutId: string;
    stepId: string;
    channel: string;
    status: string;
    attempts: number;
    nextAttemptAt: Date | null;
    incentiveCode: string | null;
  }>;
  suppressions: Array<{ shop: string; channel: string; address: string }>;
  pushSubs: Array<{ shop: string; checkoutToken: string | null; cartToken: string | null; endpoint: string }>;
  siblings: Array<{ id: string; shop: string; customerKey: string; shopifyCreatedAt: Date; completedAt: Date | null; isTest: boolean }>;
  /** Messages counted by the frequency cap since `capStart`, per shop and customer key (with their checkout and step). */
  capRows: Array<{ shop: string; customerKey: string; checkoutId: string; stepId: string; createdAt: Date }>;
}

/**
 * `SELECT columns FROM table WHERE [shop IN shops AND] column IN list`, in statements of at most ROWS_PER_STATEMENT
 * items. On PostgreSQL as one index lookup per item (a LATERAL subquery, kept apart from the outer query by OFFSET
 * 0): before the planner has statistics for a table (a fresh or fast-growing one: autovacuum analyzes late), it takes
 * a long IN list as matching most rows and reads the whole table or the whole shop instead (measured at 100k
 * checkouts, message by checkout_id and checkout by customer_key: 30-190 ms and 85-370 ms per statement, growing with
 * the table, against about 1 ms each).
 */
function selectIn(s: Sql, sql: { columns: string; table: string; shops?: string[]; column: string }, list: string[]) {
  return inChunks(
    [...new Set(list)],
    (part) => {
      const q = new Statement(s);
      const shop = sql.shops ? `shop IN (${q.list(q.fit(sql.shops))}) AND ` : "";
      if (s.provider === "postgresql") {
        return q.query<Record<string, unknown>>(
          `SELECT t.* FROM unnest(ARRAY[${q.list(part)}]::text[]) AS k(v)
           CROSS JOIN LATERAL (SELECT ${sql.columns} FROM ${sql.table} WHERE ${shop}${sql.column} = k.v OFFSET 0) AS t`,
        );
      }
      return q.query<Record<string, unknown>>(`SELECT ${sql.columns} FROM ${sql.table} WHERE ${shop}${sql.column} IN (${q.list(q.fit(part))})`);
    },
    ROWS_PER_STATEMENT,
  );
}

const MESSAGE_COLUMNS = "id, checkout_id, step_id, channel, status, attempts, next_attempt_at, incentive_code, created_at";

/**
 * Everything a batch decides with, read in a few statements. Messages are read by checkout id only (the unique
 * (checkout_id, step_id, channel) index), for the batch and for the shoppers' other checkouts: the frequency cap
 * counts from those rows. (A join from the shopper's checkouts to message with the cap's conditions let PostgreSQL
 * scan the shop's recent messages instead, a cost that grows with every message sent.)
 */
export async function loadBatchContext(
  s: Sql,
  a: {
    checkoutIds: string[];
    shops: string[];
    addressKeys: string[];
    tokens: string[];
    cartTokens: string[];
    customerKeys: string[];
    capStart: Date;
    capStatuses: string[];
    channels: readonly string[];
  },
): Promise<BatchContext> {
  const d = (v: unknown) => fromDb(v, "d") as Date | null;
  const shops = a.shops;
  const messagesOf = (ids: string[]) => selectIn(s, { columns: MESSAGE_COLUMNS, table: "message", column: "checkout_id" }, ids);
  const [ledgerRows, suppressions, pushSubs, siblings] = await Promise.all([
    messagesOf(a.checkoutIds),
    selectIn(s, { columns: "shop, channel, address", table: "suppression", shops, column: "address" }, a.addressKeys),
    Promise.all([
      selectIn(s, { columns: "shop, checkout_token, cart_token, endpoint", table: "push_subscription", shops, column: "checkout_token" }, a.tokens),
      selectIn(s, { columns: "shop, checkout_token, cart_token, endpoint", table: "push_subscription", shops, column: "cart_token" }, a.cartTokens),
    ]).then(([x, y]) => [...x, ...y]),
    selectIn(
      s,
      { columns: "id, shop, customer_key, shopify_created_at, completed_at, is_test", table: "checkout", shops, column: "customer_key" },
      a.customerKeys,
    ),
  ]);
  const inBatch = new Set(a.checkoutIds);
  const others = [...new Set(siblings.map((r) => String(r.id)).filter((id) => !inBatch.has(id)))];
  const messagesBy = new Map<string, Array<Record<string, unknown>>>();
  for (const m of [...ledgerRows, ...(others.length ? await messagesOf(others) : [])]) {
    const id = String(m.checkout_id);
    const list = messagesBy.get(id);
    if (list) list.push(m);
    else messagesBy.set(id, [m]);
  }
  const capChannels = new Set(a.channels);
  const capStatuses = new Set(a.capStatuses);
  const capRows: BatchContext["capRows"] = [];
  for (const c of siblings) {
    for (const m of messagesBy.get(String(c.id)) ?? []) {
      const createdAt = d(m.created_at)!;
      if (capChannels.has(String(m.channel)) && capStatuses.has(String(m.status)) && createdAt >= a.capStart) {
        capRows.push({ shop: String(c.shop), customerKey: String(c.customer_key), checkoutId: String(c.id), stepId: String(m.step_id), createdAt });
      }
    }
  }
  return {
    ledger: ledgerRows.map((r) => ({
      id: String(r.id),
      checkoutId: String(r.checkout_id),
      stepId: String(r.step_id),
      channel: String(r.channel),
      status: String(r.status),
      attempts: Number(r.attempts),
      nextAttemptAt: d(r.next_attempt_at),
      incentiveCode: r.incentive_code == null ? null : String(r.incentive_code),
    })),
    suppressions: suppressions.map((r) => ({ shop: String(r.shop), channel: String(r.channel), address: String(r.address) })),
    pushSubs: pushSubs.map((r) => ({
      shop: String(r.shop),
      checkoutToken: r.checkout_token == null ? null : String(r.checkout_token),
      cartToken: r.cart_token == null ? null : String(r.cart_token),
      endpoint: String(r.endpoint),
    })),
    siblings: siblings.map((r) => ({
      id: String(r.id),
      shop: String(r.shop),
      customerKey: String(r.customer_key),
      shopifyCreatedAt: d(r.shopify_created_at)!,
      completedAt: d(r.completed_at),
      isTest: fromDb(r.is_test, "b") as boolean,
    })),
    capRows,
  };
}

/** The state that decides, right before sending, whether a checkout's messages may still go out. */
export async function recheckCheckouts(s: Sql, ids: string[]) {
  const rows = await selectIn(s, { columns: "id, completed_at, order_id, stage, lease_owner", table: "checkout", column: "id" }, ids);
  return rows.map((r) => ({
    id: String(r.id),
    completedAt: fromDb(r.completed_at, "d") as Date | null,
    orderId: r.order_id == null ? null : String(r.order_id),
    stage: String(r.stage),
    leaseOwner: r.lease_owner == null ? null : String(r.lease_owner),
  }));
}

/** Checkouts still due at `now` (leased or not); on SQLite, as the claim sees them (a malformed due time is never due). */
export async function countDue(s: Sql, now: Date): Promise<number> {
  if (s.provider === "postgresql") return s.db.checkout.count({ where: { nextDueAt: { lte: now } } });
  const rows = await s.db.$queryRawUnsafe<Array<{ n: number | bigint }>>(
    `SELECT COUNT(*) AS n FROM checkout WHERE next_due_at <= ?1 AND ${SQLITE_WELL_FORMED_DUE}`,
    sqliteDateText(now),
  );
  return Number(rows[0]?.n ?? 0);
}

export interface LedgerRow {
  id: string;
  shop: string;
  checkoutId: string;
  stepId: string;
  stepIndex: number;
  channel: string;
  status: string;
  skipReason?: string | null;
  recipient?: string | null;
  incentiveCode?: string | null;
  attempts: number;
  createdAt: Date;
}

/** The send ledger's columns in the order bulk inserts write them. */
export const LEDGER_COLUMNS = [
  "id",
  "shop",
  "checkout_id",
  "step_id",
  "step_index",
  "channel",
  "status",
  "skip_reason",
  "recipient",
  "incentive_code",
  "attempts",
  "created_at",
  "updated_at",
];

/**
 * Insert ledger rows. They are unique per (checkout, step, channel); a row another process wrote first (possible
 * only when a lease ran out under a slow owner) is left alone and reported back as not inserted.
 */
export async function insertLedgerRows(s: Sql, rows: LedgerRow[]): Promise<Set<string>> {
  const ids = await bulkInsert(
    s,
    "message",
    LEDGER_COLUMNS,
    rows.map((r) => [
      r.id,
      r.shop,
      r.checkoutId,
      r.stepId,
      r.stepIndex,
      r.channel,
      r.status,
      r.skipReason ?? null,
      r.recipient ?? null,
      r.incentiveCode ?? null,
      r.attempts,
      r.createdAt,
      wallClock(),
    ]),
  );
  return new Set(ids);
}

const AUDIT_COLUMNS = ["id", "shop", "checkout_id", "actor", "action", "from_value", "to_value", "detail", "created_at"];

export async function insertAudits(s: Sql, entries: Array<AuditEntry & { createdAt: Date }>) {
  await bulkInsert(
    s,
    "audit_log",
    AUDIT_COLUMNS,
    entries.map((e) => {
      const d = auditData(e);
      return [timeOrderedId("a"), d.shop, d.checkoutId ?? null, d.actor, d.action, d.fromValue ?? null, d.toValue ?? null, d.detail ?? null, e.createdAt];
    }),
  );
}

export interface SentRow {
  id: string;
  providerId: string | null;
  recipient: string | null;
  subject: string | null;
  bodyHtml: string | null;
  bodyText: string | null;
}

/** Record successful sends in bulk (one statement per chunk). */
export async function markSent(s: Sql, rows: SentRow[], now: Date): Promise<void> {
  for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
    const q = new Statement(s);
    const values = q.fit(part).map((r) => `(${q.list([r.id, r.providerId, r.recipient, r.subject, r.bodyHtml, r.bodyText])})`);
    // Untyped strings and NULLs in VALUES resolve to text on PostgreSQL, as the target columns are.
    await q.execute(`UPDATE message SET status = 'sent', sent_at = ${q.v(now)}, updated_at = ${q.v(wallClock())}, attempts = attempts + 1,
        next_attempt_at = NULL, last_error = NULL, provider_id = v.column2, recipient = COALESCE(v.column3, message.recipient),
        subject = v.column4, body_html = v.column5, body_text = v.column6
      FROM (VALUES ${values.join(", ")}) AS v
      WHERE message.id = v.column1`);
  }
}

export async function markRetry(s: Sql, a: { id: string; at: Date; reason: string; now: Date }) {
  await s.db.message.update({
    where: { id: a.id },
    data: { status: "pending", attempts: { increment: 1 }, nextAttemptAt: a.at, lastError: storableOrNull(a.reason, 500), updatedAt: a.now },
  });
}

export async function markFailed(s: Sql, a: { id: string; reason: string; now: Date }) {
  await s.db.message.update({
    where: { id: a.id },
    data: { status: "failed", attempts: { increment: 1 }, nextAttemptAt: null, failedAt: a.now, lastError: storableOrNull(a.reason, 500), updatedAt: a.now },
  });
}

/**
 * Runs `batch` over all rows; if it throws, runs `one` over each row apart, so that one row a statement refuses does
 * not stop the others. Returns the rows that failed apart, with their errors (the caller records each its own way).
 */
export async function eachApart<T>(
  rows: T[],
  batch: (rows: T[]) => Promise<unknown>,
  one: (row: T) => Promise<unknown>,
): Promise<Array<{ row: T; error: unknown }>> {
  if (!rows.length) return [];
  try {
    await batch(rows);
    return [];
  } catch (error) {
    if (rows.length === 1) return [{ row: rows[0], error }];
  }
  const failed: Array<{ row: T; error: unknown }> = [];
  for (const row of rows) {
    try {
      await one(row);
    } catch (error) {
      failed.push({ row, error });
    }
  }
  return failed;
}

/** Why a statement failed, short and without values (a refused value may be personal data). */
export function statementError(error: unknown): string {
  const text = String((error as Error)?.message ?? error);
  if (/^bound value:/.test(text)) return text.slice(0, 120);
  const code = (error as { code?: unknown })?.code;
  const first = text.split("\n").find((l) => /error|invalid|violat|refus|out of range|overflow|too/i.test(l)) ?? text.split("\n")[0];
  return `${code ? `${String(code)}: ` : ""}${first.replace(/'[^']*'/g, "'…'").trim()}`.slice(0, 200);
}

/**
 * A send the provider accepted whose full record a statement refused (a value neither database stores as given):
 * recorded as sent all the same, with its content made storable (NUL and lone surrogates become U+FFFD) and the
 * reason in last_error, through Prisma's bound parameters. Without content at all if even that fails. Never sent again.
 */
export async function markSentApart(s: Sql, row: SentRow, now: Date, reason: string): Promise<void> {
  const note = storableOrNull(`sent; recorded apart: ${reason}`, 500);
  const base = { status: "sent", sentAt: now, updatedAt: wallClock(), attempts: { increment: 1 }, nextAttemptAt: null, lastError: note };
  try {
    await s.db.message.update({
      where: { id: row.id },
      data: {
        ...base,
        providerId: storableOrNull(row.providerId, 500),
        ...(row.recipient != null ? { recipient: storableOrNull(row.recipient, 500) } : {}),
        subject: storableOrNull(row.subject),
        bodyHtml: storableOrNull(row.bodyHtml),
        bodyText: storableOrNull(row.bodyText),
      },
    });
  } catch {
    await s.db.message.update({ where: { id: row.id }, data: { ...base, providerId: null, subject: null, bodyHtml: null, bodyText: null } });
  }
}

/**
 * A checkout whose advance a statement refused: released and visited again at `at` (its messages are recorded, so
 * nothing is sent twice; the visit decides again). Guarded by the lease like advanceCheckouts.
 */
export async function releaseForRetry(s: Sql, a: { id: string; owner: string; at: Date; now: Date }): Promise<void> {
  await s.db.checkout.updateMany({ where: { id: a.id, leaseOwner: a.owner }, data: { nextDueAt: a.at, leaseOwner: null, leaseUntil: null, updatedAt: a.now } });
}

/**
 * A ledger row whose insert a statement refused (a recipient neither database stores): written as failed with the
 * reason instead, without the refused values, so the step is recorded and never sent. Returns whether it was written.
 */
export async function insertFailedLedgerRow(s: Sql, row: LedgerRow, reason: string, now: Date): Promise<boolean> {
  try {
    await s.db.message.create({
      data: {
        id: row.id,
        shop: row.shop,
        checkoutId: row.checkoutId,
        stepId: row.stepId,
        stepIndex: row.stepIndex,
        channel: row.channel,
        status: "failed",
        failedAt: now,
        lastError: storableOrNull(`not recorded: ${reason}`, 500),
        attempts: 0,
        createdAt: row.createdAt,
        updatedAt: wallClock(),
      },
    });
    return true;
  } catch {
    return false; // another owner's row for this step (unique), or the database refuses even this: nothing sent
  }
}

/**
 * Of rows left "sending" by an owner that died, those the provider has already told us about (any provider event for
 * the message id: SendGrid's Event Webhook carries our message id in custom_args, from "processed" on): accepted, so
 * not to be sent again. The provider's own answer was lost with the process; its events are what remains.
 */
export async function acceptedByProvider(s: Sql, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await inChunks(ids, (part) =>
    s.db.messageEvent.findMany({ where: { messageId: { in: part } }, select: { messageId: true }, distinct: ["messageId"] }),
  );
  return new Set(rows.map((r) => r.messageId!).filter(Boolean));
}

/** Rows planned for sending that must not go out after all (order completed meanwhile, conversation started). */
export async function markSkipped(s: Sql, ids: string[], reason: string) {
  for (const part of chunks(ids, ROWS_PER_STATEMENT)) {
    const q = new Statement(s);
    await q.execute(
      `UPDATE message SET status = 'skipped', skip_reason = ${q.v(reason)}, next_attempt_at = NULL, updated_at = ${q.v(wallClock())}
       WHERE id IN (${q.list(q.fit(part))}) AND status IN ('sending', 'pending')`,
    );
  }
}

export async function markSendingAgain(s: Sql, ids: string[]) {
  for (const part of chunks(ids, ROWS_PER_STATEMENT)) {
    const q = new Statement(s);
    await q.execute(`UPDATE message SET status = 'sending', updated_at = ${q.v(wallClock())} WHERE id IN (${q.list(q.fit(part))}) AND status = 'pending'`);
  }
}

export interface Advance {
  id: string;
  nextStepIndex: number;
  nextDueAt: Date | null;
  status: string;
  priority: string;
  priorityScore: number;
  stopReason: string | null;
  /** A first message went out: move the checkout from Abandoned to Contacted (if it is still Abandoned). */
  contact?: boolean;
  /** The holdout group decided now (written only where none is recorded yet: decided once). */
  holdout?: boolean | null;
}

/**
 * Move each checkout to its next visit and release its lease, in bulk, and move those marked `contact` from Abandoned
 * to Contacted in the same statement (one write of each checkout row instead of two: with the checkout table's many
 * indexes, row writes are most of a batch's cost on PostgreSQL), with an audit entry for each that moved. Guarded by
 * the lease: a checkout an order completed meanwhile (the order cleared the lease) or that another owner reclaimed is
 * left as it is; one whose stage someone changed meanwhile keeps it. Returns how many checkouts changed and the ids
 * that moved to Contacted.
 */
export async function advanceCheckouts(
  s: Sql,
  a: { owner: string; rows: Advance[]; now: Date; shopOf: Map<string, string>; actor: string },
): Promise<{ changed: number; contacted: string[] }> {
  const { now } = a;
  const contactAllowed = canMove("abandoned", "contacted");
  let changed = 0;
  const contacted = new Set<string>();
  for (const part of chunks(a.rows, ROWS_PER_STATEMENT)) {
    const q = new Statement(s);
    const values = q
      .fit(part)
      .map(
        (r) =>
          `(${q.list([r.id, r.nextStepIndex])}, ${q.typed(r.nextDueAt, "timestamp(3)")}, ${q.list([r.status, r.priority, r.priorityScore, r.stopReason, r.contact && contactAllowed ? 1 : 0, r.holdout == null ? -1 : r.holdout ? 1 : 0])})`,
      );
    // On the right of SET, checkout.* are the values before this update.
    const moves = `v.column8 = 1 AND checkout.stage = 'abandoned'`;
    const rows = await q.query<Record<string, unknown>>(`UPDATE checkout SET next_step_index = v.column2, next_due_at = v.column3, status = v.column4,
        priority = v.column5, priority_score = v.column6, stop_reason = v.column7,
        stage = CASE WHEN ${moves} THEN 'contacted' ELSE checkout.stage END,
        stage_changed_at = CASE WHEN ${moves} THEN ${q.v(now)} ELSE checkout.stage_changed_at END,
        first_contacted_at = CASE WHEN ${moves} THEN COALESCE(checkout.first_contacted_at, ${q.v(now)}) ELSE checkout.first_contacted_at END,
        holdout = CASE WHEN checkout.holdout IS NULL AND v.column9 = 1 THEN true WHEN checkout.holdout IS NULL AND v.column9 = 0 THEN false ELSE checkout.holdout END,
        lease_owner = NULL, lease_until = NULL, updated_at = ${q.v(wallClock())}
      FROM (VALUES ${values.join(", ")}) AS v WHERE checkout.id = v.column1 AND checkout.lease_owner = ${q.v(a.owner)}
      RETURNING checkout.id, checkout.stage, checkout.stage_changed_at`);
    const asked = new Set(part.filter((r) => r.contact && contactAllowed).map((r) => r.id));
    for (const r of rows) {
      changed += 1;
      // RETURNING shows the row after the update: asked, now Contacted, and changed at this very moment = moved here
      // (a stage change by anyone else at the same millisecond would be taken for ours: its audit entry would repeat).
      const at = fromDb(r.stage_changed_at, "d") as Date | null;
      if (asked.has(String(r.id)) && r.stage === "contacted" && at?.getTime() === now.getTime()) contacted.add(String(r.id));
    }
  }
  await insertAudits(
    s,
    [...contacted].map((id) => ({
      shop: a.shopOf.get(id) ?? "",
      checkoutId: id,
      actor: a.actor,
      action: "stage_change",
      fromValue: "abandoned",
      toValue: "contacted",
      detail: { reason: "first message sent" },
      createdAt: now,
    })),
  );
  return { changed, contacted: [...contacted] };
}

/**
 * Retention: null the bodies and recipients of messages older than each shop's retention (and provider event
 * details); the rows stay, so counts for metrics are kept. Returns how many messages were purged.
 */
export async function purgeExpiredMessages(s: Sql, byRetention: Map<number, string[]>, now: Date): Promise<number> {
  let purged = 0;
  for (const [days, shops] of byRetention) {
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    for (const part of chunks(shops)) {
      const res = await s.db.message.updateMany({
        where: { shop: { in: part }, createdAt: { lt: cutoff }, purgedAt: null },
        data: { bodyHtml: null, bodyText: null, subject: null, recipient: null, purgedAt: now },
      });
      purged += res.count;
      await s.db.messageEvent.updateMany({
        where: { occurredAt: { lt: cutoff }, detail: { not: null }, message: { shop: { in: part } } },
        data: { detail: null },
      });
    }
  }
  return purged;
}
