// Database work of the recovery engine, in batches: claiming due checkouts with a lease, reading what a batch needs,
// writing the send ledger, recording results and advancing timelines. Raw SQL is portable (snake_case names) and
// differs only in placeholders, FOR UPDATE SKIP LOCKED, and how a timestamp literal is written.
import { randomUUID } from "node:crypto";
import type { Checkout } from "@prisma/client";
import type { Db, DbProvider } from "../db.server";
import { canMove, isStage, type Stage } from "../lib/pipeline";
import { auditData, type AuditEntry } from "./audit.server";

export interface Sql {
  db: Db;
  provider: DbProvider;
}

// Prisma refuses SQLite statements with more than 999 parameters: every bulk statement stays under that.
const CHUNK = 400;

function chunks<T>(rows: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

// Bulk statements inline their values as SQL literals: through the driver adapters, each bound parameter costs about
// as much as a whole row (800 rows x 9 values: 1.4 s bound, 75 ms inline, measured here). `literal` only accepts
// what it can encode safely. Statement cost also grows faster than its length (400 rows: 31 ms, 1,000 rows: 262 ms),
// so statements stay small.
const ROWS_PER_STATEMENT = 250;

/**
 * A value as an SQL literal. Strings: quotes doubled (PostgreSQL: an E'' string with backslashes doubled too, so the
 * result does not depend on standard_conforming_strings); NUL is refused. Numbers: safe integers only. Dates: UTC,
 * in the text form Prisma stores on SQLite, cast to timestamp(3) on PostgreSQL.
 */
export function literal(provider: DbProvider, v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new Error("literal: only safe integers");
    return String(v);
  }
  if (typeof v === "boolean") return provider === "postgresql" ? (v ? "TRUE" : "FALSE") : v ? "1" : "0";
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new Error("literal: invalid date");
    const iso = v.toISOString();
    return provider === "postgresql" ? `CAST('${iso.slice(0, -1)}' AS timestamp(3))` : `'${iso.slice(0, -1)}+00:00'`;
  }
  if (typeof v === "string") {
    if (v.includes("\u0000")) throw new Error("literal: NUL in string");
    return provider === "postgresql" ? `E'${v.replace(/\\/g, "\\\\").replace(/'/g, "''")}'` : `'${v.replace(/'/g, "''")}'`;
  }
  throw new Error(`literal: unsupported ${typeof v}`);
}


/**
 * Multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING id (the same text on SQLite and PostgreSQL): returns the ids
 * actually inserted, so a row that already exists (a unique key) is reported, not raised.
 */
export async function bulkInsert(s: Sql, table: string, columns: string[], rows: unknown[][]): Promise<string[]> {
  const out: string[] = [];
  for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
    const values = part.map((row) => `(${row.map((v) => literal(s.provider, v)).join(", ")})`);
    const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values.join(", ")} ON CONFLICT DO NOTHING RETURNING id`;
    const res = await s.db.$queryRawUnsafe<Array<{ id: string }>>(sql);
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

export function newMessageId(): string {
  return `m${randomUUID().replace(/-/g, "")}`;
}

/**
 * Claim up to `limit` due checkouts for `owner` until `leaseUntil`. A checkout is due when next_due_at <= now and it
 * holds no live lease (an expired lease is reclaimed: its owner crashed or ran out of time). On PostgreSQL, FOR UPDATE
 * SKIP LOCKED lets concurrent claimers take disjoint rows without waiting; SQLite has a single writer.
 */
export async function claimDueCheckouts(s: Sql, a: { owner: string; now: Date; leaseUntil: Date; limit: number }): Promise<string[]> {
  const limit = Math.max(1, Math.floor(a.limit));
  const sql =
    s.provider === "postgresql"
      ? `UPDATE checkout SET lease_owner = $1, lease_until = $2 WHERE id IN (
           SELECT id FROM checkout WHERE next_due_at <= $3 AND (lease_until IS NULL OR lease_until < $3)
           ORDER BY next_due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED) RETURNING id`
      : `UPDATE checkout SET lease_owner = ?, lease_until = ? WHERE id IN (
           SELECT id FROM checkout WHERE next_due_at <= ? AND (lease_until IS NULL OR lease_until < ?)
           ORDER BY next_due_at LIMIT ${limit}) RETURNING id`;
  const params = s.provider === "postgresql" ? [a.owner, a.leaseUntil, a.now] : [a.owner, a.leaseUntil, a.now, a.now];
  const rows = await s.db.$queryRawUnsafe<Array<{ id: string }>>(sql, ...params);
  return rows.map((r) => r.id);
}

/** What the engine reads of a claimed checkout. */
export type DueCheckout = Pick<
  Checkout,
  | "id" | "shop" | "token" | "cartToken" | "customerId" | "email" | "phone" | "firstName" | "lastName" | "customerKey"
  | "emailConsent" | "smsConsent" | "returningCustomer" | "customerOrdersCount" | "locale" | "lineItems" | "currency"
  | "subtotalMinor" | "totalMinor" | "abandonedCheckoutUrl" | "isTest" | "isStaff" | "failedPayment" | "shopifyCreatedAt"
  | "completedAt" | "status" | "abandonedAt" | "nextStepIndex" | "nextDueAt" | "stage" | "priority" | "priorityScore"
  | "handoff" | "orderId"
>;

const DUE_COLUMNS: Array<[keyof DueCheckout, string, "s" | "n" | "b" | "d"]> = [
  ["id", "id", "s"], ["shop", "shop", "s"], ["token", "token", "s"], ["cartToken", "cart_token", "s"], ["customerId", "customer_id", "s"],
  ["email", "email", "s"], ["phone", "phone", "s"], ["firstName", "first_name", "s"], ["lastName", "last_name", "s"],
  ["customerKey", "customer_key", "s"], ["emailConsent", "email_consent", "b"], ["smsConsent", "sms_consent", "b"],
  ["returningCustomer", "returning_customer", "b"], ["customerOrdersCount", "customer_orders_count", "n"], ["locale", "locale", "s"],
  ["lineItems", "line_items", "s"], ["currency", "currency", "s"], ["subtotalMinor", "subtotal_minor", "n"], ["totalMinor", "total_minor", "n"],
  ["abandonedCheckoutUrl", "abandoned_checkout_url", "s"], ["isTest", "is_test", "b"], ["isStaff", "is_staff", "b"],
  ["failedPayment", "failed_payment", "b"], ["shopifyCreatedAt", "shopify_created_at", "d"], ["completedAt", "completed_at", "d"],
  ["status", "status", "s"], ["abandonedAt", "abandoned_at", "d"], ["nextStepIndex", "next_step_index", "n"], ["nextDueAt", "next_due_at", "d"],
  ["stage", "stage", "s"], ["priority", "priority", "s"], ["priorityScore", "priority_score", "n"], ["handoff", "handoff", "b"], ["orderId", "order_id", "s"],
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
  const L = (v: unknown) => literal(s.provider, v);
  const out: DueCheckout[] = [];
  for (const part of chunks(ids, ROWS_PER_STATEMENT)) {
    const sql = `SELECT ${DUE_COLUMNS.map((c) => c[1]).join(", ")} FROM checkout
      WHERE id IN (${part.map(L).join(", ")}) AND lease_owner = ${L(owner)} ORDER BY next_due_at, id`;
    const rows = await s.db.$queryRawUnsafe<Array<Record<string, unknown>>>(sql);
    for (const r of rows) {
      const c: Record<string, unknown> = {};
      for (const [key, col, kind] of DUE_COLUMNS) c[key] = fromDb(r[col], kind);
      out.push(c as DueCheckout);
    }
  }
  return out;
}

const inList = (s: Sql, values: unknown[]) => values.map((v) => literal(s.provider, v)).join(", ");

export interface BatchContext {
  ledger: Array<{ id: string; checkoutId: string; stepId: string; channel: string; status: string; attempts: number; nextAttemptAt: Date | null; incentiveCode: string | null }>;
  suppressions: Array<{ shop: string; channel: string; address: string }>;
  pushSubs: Array<{ shop: string; checkoutToken: string | null; cartToken: string | null; endpoint: string }>;
  siblings: Array<{ id: string; shop: string; customerKey: string; shopifyCreatedAt: Date; completedAt: Date | null; isTest: boolean }>;
  /** Messages counted by the frequency cap since `capStart`, per shop and customer key. */
  capRows: Array<{ shop: string; customerKey: string; createdAt: Date }>;
}

/** Everything a batch decides with, read in a few statements. */
export async function loadBatchContext(
  s: Sql,
  a: { checkoutIds: string[]; shops: string[]; addressKeys: string[]; tokens: string[]; cartTokens: string[]; customerKeys: string[]; capStart: Date; capStatuses: string[]; channels: readonly string[] },
): Promise<BatchContext> {
  const q = <T>(sql: string) => s.db.$queryRawUnsafe<T[]>(sql);
  const each = <T>(list: string[], fn: (part: string[]) => Promise<T[]>) => inChunks(list, fn, ROWS_PER_STATEMENT);
  const shops = inList(s, a.shops);
  const d = (v: unknown) => fromDb(v, "d") as Date | null;
  const [ledger, suppressions, pushSubs, siblings, capRows] = await Promise.all([
    each(a.checkoutIds, (part) =>
      q<Record<string, unknown>>(
        `SELECT id, checkout_id, step_id, channel, status, attempts, next_attempt_at, incentive_code FROM message WHERE checkout_id IN (${inList(s, part)})`,
      ),
    ),
    each(a.addressKeys, (part) => q<Record<string, unknown>>(`SELECT shop, channel, address FROM suppression WHERE shop IN (${shops}) AND address IN (${inList(s, part)})`)),
    Promise.all([
      each(a.tokens, (part) => q<Record<string, unknown>>(`SELECT shop, checkout_token, cart_token, endpoint FROM push_subscription WHERE shop IN (${shops}) AND checkout_token IN (${inList(s, part)})`)),
      each(a.cartTokens, (part) => q<Record<string, unknown>>(`SELECT shop, checkout_token, cart_token, endpoint FROM push_subscription WHERE shop IN (${shops}) AND cart_token IN (${inList(s, part)})`)),
    ]).then(([x, y]) => [...x, ...y]),
    each(a.customerKeys, (part) =>
      q<Record<string, unknown>>(
        `SELECT id, shop, customer_key, shopify_created_at, completed_at, is_test FROM checkout WHERE shop IN (${shops}) AND customer_key IN (${inList(s, part)})`,
      ),
    ),
    each(a.customerKeys, (part) =>
      q<Record<string, unknown>>(
        // From the shopper's checkouts to their messages (CROSS JOIN keeps that loop order on SQLite): scanning the
        // shop's recent messages instead grows with the whole shop's traffic.
        `SELECT m.shop, m.created_at, c.customer_key FROM checkout c CROSS JOIN message m
         WHERE c.shop IN (${shops}) AND c.customer_key IN (${inList(s, part)}) AND m.checkout_id = c.id
           AND m.channel IN (${inList(s, [...a.channels])}) AND m.status IN (${inList(s, a.capStatuses)})
           AND m.created_at >= ${literal(s.provider, a.capStart)}`,
      ),
    ),
  ]);
  return {
    ledger: ledger.map((r) => ({
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
    capRows: capRows.map((r) => ({ shop: String(r.shop), customerKey: String(r.customer_key), createdAt: d(r.created_at)! })),
  };
}

/** The state that decides, right before sending, whether a checkout's messages may still go out. */
export async function recheckCheckouts(s: Sql, ids: string[]) {
  if (!ids.length) return [];
  const rows = await s.db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT id, completed_at, order_id, stage, lease_owner FROM checkout WHERE id IN (${inList(s, ids)})`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    completedAt: fromDb(r.completed_at, "d") as Date | null,
    orderId: r.order_id == null ? null : String(r.order_id),
    stage: String(r.stage),
    leaseOwner: r.lease_owner == null ? null : String(r.lease_owner),
  }));
}

/** Checkouts still due at `now` (leased or not). */
export async function countDue(s: Sql, now: Date): Promise<number> {
  return s.db.checkout.count({ where: { nextDueAt: { lte: now } } });
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

const LEDGER_COLUMNS = ["id", "shop", "checkout_id", "step_id", "step_index", "channel", "status", "skip_reason", "recipient", "incentive_code", "attempts", "created_at", "updated_at"];

/**
 * Insert ledger rows. They are unique per (checkout, step, channel); a row another process wrote first (possible
 * only when a lease ran out under a slow owner) is left alone and reported back as not inserted.
 */
export async function insertLedgerRows(s: Sql, rows: LedgerRow[]): Promise<Set<string>> {
  const ids = await bulkInsert(
    s,
    "message",
    LEDGER_COLUMNS,
    rows.map((r) => [r.id, r.shop, r.checkoutId, r.stepId, r.stepIndex, r.channel, r.status, r.skipReason ?? null, r.recipient ?? null, r.incentiveCode ?? null, r.attempts, r.createdAt, r.createdAt]),
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
      return [newMessageId().replace(/^m/, "a"), d.shop, d.checkoutId ?? null, d.actor, d.action, d.fromValue ?? null, d.toValue ?? null, d.detail ?? null, e.createdAt];
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
  const L = (v: unknown) => literal(s.provider, v);
  for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
    const values = part.map((r) => `(${[r.id, r.providerId, r.recipient, r.subject, r.bodyHtml, r.bodyText].map(L).join(", ")})`);
    // String literals and NULLs in VALUES resolve to text on PostgreSQL, as the target columns are.
    const sql = `UPDATE message SET status = 'sent', sent_at = ${L(now)}, updated_at = ${L(now)}, attempts = attempts + 1,
        next_attempt_at = NULL, last_error = NULL, provider_id = v.column2, recipient = COALESCE(v.column3, message.recipient),
        subject = v.column4, body_html = v.column5, body_text = v.column6
      FROM (VALUES ${values.join(", ")}) AS v
      WHERE message.id = v.column1`;
    await s.db.$executeRawUnsafe(sql);
  }
}

export async function markRetry(s: Sql, a: { id: string; at: Date; reason: string; now: Date }) {
  await s.db.message.update({
    where: { id: a.id },
    data: { status: "pending", attempts: { increment: 1 }, nextAttemptAt: a.at, lastError: a.reason.slice(0, 500), updatedAt: a.now },
  });
}

export async function markFailed(s: Sql, a: { id: string; reason: string; now: Date }) {
  await s.db.message.update({
    where: { id: a.id },
    data: { status: "failed", attempts: { increment: 1 }, nextAttemptAt: null, failedAt: a.now, lastError: a.reason.slice(0, 500), updatedAt: a.now },
  });
}

/** Rows planned for sending that must not go out after all (order completed meanwhile, conversation started). */
export async function markSkipped(s: Sql, ids: string[], reason: string, now: Date) {
  for (const part of chunks(ids)) {
    await s.db.message.updateMany({
      where: { id: { in: part }, status: { in: ["sending", "pending"] } },
      data: { status: "skipped", skipReason: reason, nextAttemptAt: null, updatedAt: now },
    });
  }
}

export async function markSendingAgain(s: Sql, ids: string[], now: Date) {
  for (const part of chunks(ids)) {
    await s.db.message.updateMany({ where: { id: { in: part }, status: "pending" }, data: { status: "sending", updatedAt: now } });
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
}

/**
 * Move each checkout to its next visit and release its lease, in bulk. Guarded by the lease: a checkout an order
 * completed meanwhile (the order cleared the lease) or that another owner reclaimed is left as it is.
 */
export async function advanceCheckouts(s: Sql, owner: string, rows: Advance[], now: Date): Promise<number> {
  const L = (v: unknown) => literal(s.provider, v);
  let changed = 0;
  for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
    const values = part.map((r) => `(${[r.id, r.nextStepIndex, r.nextDueAt, r.status, r.priority, r.priorityScore, r.stopReason].map(L).join(", ")})`);
    const sql = `UPDATE checkout SET next_step_index = v.column2, next_due_at = v.column3, status = v.column4,
        priority = v.column5, priority_score = v.column6, stop_reason = v.column7,
        lease_owner = NULL, lease_until = NULL, updated_at = ${L(now)}
      FROM (VALUES ${values.join(", ")}) AS v WHERE checkout.id = v.column1 AND checkout.lease_owner = ${L(owner)}`;
    changed += await s.db.$executeRawUnsafe(sql);
  }
  return changed;
}

/**
 * Move many checkouts to one stage (Contacted on first send), each with an audit entry. Only checkouts in a stage
 * from which the move is allowed change; returns the ids that moved.
 */
export async function moveStagesBulk(s: Sql, a: { shopOf: Map<string, string>; ids: string[]; from: Stage; to: Stage; actor: string; now: Date; reason?: string }): Promise<string[]> {
  if (!isStage(a.from) || !canMove(a.from, a.to)) return [];
  const L = (v: unknown) => literal(s.provider, v);
  const moved: string[] = [];
  for (const part of chunks(a.ids, ROWS_PER_STATEMENT)) {
    const contacted = a.to === "contacted" ? `, first_contacted_at = COALESCE(first_contacted_at, ${L(a.now)})` : "";
    const sql = `UPDATE checkout SET stage = ${L(a.to)}, stage_changed_at = ${L(a.now)}${contacted}
      WHERE stage = ${L(a.from)} AND id IN (${part.map(L).join(", ")}) RETURNING id`;
    const rows = await s.db.$queryRawUnsafe<Array<{ id: string }>>(sql);
    for (const r of rows) moved.push(r.id);
  }
  await insertAudits(
    s,
    moved.map((id) => ({ shop: a.shopOf.get(id) ?? "", checkoutId: id, actor: a.actor, action: "stage_change", fromValue: a.from, toValue: a.to, detail: a.reason ? { reason: a.reason } : undefined, createdAt: a.now })),
  );
  return moved;
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
