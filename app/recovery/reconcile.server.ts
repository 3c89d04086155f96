// Reconciliation, because webhooks can be late or lost (Shopify's advice: do not rely on webhooks alone).
// The tick reads back, per shop, the orders and abandoned checkouts updated since the last sync through the Admin
// GraphQL API and feeds them through the webhook ingest code (ingestOrder, ingestCheckout), restated as webhook
// payloads by app/lib/reconcile-payloads.ts. An order found this way stops recovery exactly like orders/create
// (Order.source = "reconcile"); its ledger event id is synthetic and stable, and an order already known (webhook
// first) is not ingested again, so nothing is counted twice.
//
// When:
//   - sweep (runTick, before the batches): at most `maxShops` shops per tick whose last attempt is older than
//     `intervalMs` (5 min), oldest first, within `budgetMs`.
//   - gate (processBatch, once per shop per batch): before steps go out, the shop's orders must be known up to
//     `staleMs` (15 min) before now; if not, the shop is reconciled first (orders only, at most every `retryMs`, 1 min,
//     within `budgetMs` per tick for all the gates of the tick together). When that
//     fails the shop's steps are deferred by `retryMs` and counted (deferred.orders_sync_pending), until the last
//     good sync is older than `maxDeferMs` (2 h): then they are sent without it (reconcile.sentUnsynced, a warning in
//     the log, the error in Shop.syncError for Settings) rather than silencing the shop for as long as its API is down.
//   - a shop without an offline session is skipped with syncError "no_session" (and its sends are not held: there is
//     nothing to wait for), once per interval, without an error in the log.
// Sync times advance only to what was read: orders come oldest update first (sortKey UPDATED_AT), so a partial read
// moves ordersSyncedAt to the last update read; abandoned checkouts have no update-time sort, so checkoutsSyncedAt
// moves only when every page was read. Each read starts `overlapMs` (2 min) before the sync time (clock skew).
import { ORDER_SYNC_WAIT_HOURS } from "../lib/order-sync-status";
import type { Shop } from "@prisma/client";
import {
  hasOfflineToken,
  heldCheckoutsByToken,
  knownOrderIds,
  markSyncAttempt,
  recordSync,
  shopsByDomain,
  shopsDueForSync,
} from "../models/reconcile-state.server";
import { reconcileEventId, abandonedCheckoutNodeToPayload, orderNodeToPayload, updatedSinceQuery } from "../lib/reconcile-payloads";
import { parseSettings, type Settings } from "../lib/settings";
import { parseCheckout, parseOrder, type OrderRecord } from "../lib/shopify-payloads";
import { describePayloadProblem, findPayloadProblem } from "../lib/payload-guard";
import { checkoutDateProblem, describeDateProblem } from "../lib/sane-dates";
import { compareUpdate } from "../lib/update-order";
import { normalizePhone } from "../lib/contact";
import { log } from "../log.server";
import { ingestCheckout } from "../models/checkouts.server";
import { skipLateSteps } from "../models/late-steps.server";
import { ingestOrder } from "../models/orders.server";
import { isUniqueViolation } from "../models/webhook-events.server";
import { AdminGraphqlError, adminGraphqlFor, type AdminGraphql } from "../shopify/admin-graphql.server";
import { AbandonedCheckoutsUpdatedSince, type AbandonedCheckoutsUpdatedSinceData } from "../shopify/graphql/abandoned-checkouts-updated-since";
import { OrdersUpdatedSince, type OrdersUpdatedSinceData } from "../shopify/graphql/orders-updated-since";

const MIN = 60_000;

export interface ReconcileOptions {
  /** Admin GraphQL client for a shop; default adminGraphqlFor with short waits (a tick stays short). */
  admin?: (shop: string) => AdminGraphql;
  pageSize?: number;
  /** Pages per resource per shop per run. */
  maxPages?: number;
  /** Wall time for the sweep of one tick. */
  budgetMs?: number;
  /** Shops per sweep. */
  maxShops?: number;
  intervalMs?: number;
  staleMs?: number;
  retryMs?: number;
  maxDeferMs?: number;
  overlapMs?: number;
  /** Read abandoned checkouts too (default true). */
  checkouts?: boolean;
}

export interface ReconcileStats {
  shops: number;
  orders: number;
  checkouts: number;
  failed: number;
  skipped: Record<string, number>;
  /** Shops (per batch) whose steps went out although their orders could not be read for longer than maxDeferMs. */
  sentUnsynced: number;
}

export function emptyReconcileStats(): ReconcileStats {
  return { shops: 0, orders: 0, checkouts: 0, failed: 0, skipped: {}, sentUnsynced: 0 };
}

export const RECONCILE_DEFAULTS = {
  pageSize: 50,
  maxPages: 4,
  budgetMs: 8_000,
  maxShops: 5,
  intervalMs: 5 * MIN,
  staleMs: 15 * MIN,
  retryMs: 1 * MIN,
  maxDeferMs: ORDER_SYNC_WAIT_HOURS * 60 * MIN, // Settings tells the merchant this figure (app/lib/order-sync-status.ts)
  overlapMs: 2 * MIN,
} as const;

type Resolved = Required<Omit<ReconcileOptions, "admin">> & { admin: (shop: string) => AdminGraphql };

function resolve(o: ReconcileOptions): Resolved {
  return {
    ...RECONCILE_DEFAULTS,
    checkouts: true,
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
    admin: o.admin ?? ((shop) => adminGraphqlFor(shop, { maxThrottleRetries: 2, maxWaitMs: 5_000, timeoutMs: 10_000 })),
  } as Resolved;
}

export interface ShopSyncResult {
  /** Orders are known up to ordersSyncedAt (this run read them without error). */
  ok: boolean;
  reason: string | null;
  orders: number;
  checkouts: number;
  /**
   * Records read back that were refused before ingest: a value no database can take (app/lib/payload-guard.ts, what
   * webhookAction refuses with a 422) or a checkout's time out of range (app/lib/sane-dates.ts). Each is skipped and
   * logged by path or field only; the others are ingested.
   */
  refused: number;
  ordersSyncedAt: Date | null;
}

function bump(map: Record<string, number>, key: string, by = 1) {
  map[key] = (map[key] ?? 0) + by;
}

/** Why a record read back may not be ingested (the path or field only, never the value), or null. */
function refusal(payload: unknown, now: Date, record?: { shopifyCreatedAt: Date; shopifyUpdatedAt: Date }): string | null {
  const poison = findPayloadProblem(payload);
  if (poison) return describePayloadProblem(poison);
  const date = record ? checkoutDateProblem(record, now) : null;
  return date ? describeDateProblem(date) : null;
}

function describe(error: unknown): string {
  if (error instanceof AdminGraphqlError) return `${error.kind}: ${error.message}`.slice(0, 300);
  return String((error as Error)?.message ?? error).slice(0, 300);
}

/** One shop: orders then abandoned checkouts updated since the last sync, bounded by pages and `deadline`. */
export async function reconcileShop(shop: Shop, now: Date, options: ReconcileOptions = {}, deadline = Number.POSITIVE_INFINITY): Promise<ShopSyncResult> {
  const o = resolve(options);
  const domain = shop.domain;
  if (!(await hasOfflineToken(domain))) {
    await markSyncAttempt(domain, now, "no_session");
    log.debug({ shop: domain }, "reconcile: skipped, no offline session");
    return { ok: false, reason: "no_session", orders: 0, checkouts: 0, refused: 0, ordersSyncedAt: shop.ordersSyncedAt };
  }
  await markSyncAttempt(domain, now);
  const settings = parseSettings(shop.settings);
  const admin = o.admin(domain);
  const lookback = new Date(now.getTime() - settings.cadence.windowHours * 60 * MIN);
  const result: ShopSyncResult = { ok: false, reason: null, orders: 0, checkouts: 0, refused: 0, ordersSyncedAt: shop.ordersSyncedAt };
  let ordersSyncedAt = shop.ordersSyncedAt;
  let checkoutsSyncedAt = shop.checkoutsSyncedAt;
  let error: string | null = null;
  try {
    const read = await readOrders(admin, domain, ordersSyncedAt ?? lookback, now, o, deadline);
    result.orders = read.ingested;
    result.refused += read.refused;
    ordersSyncedAt = read.syncedTo ?? ordersSyncedAt;
    result.ok = read.complete;
    if (!read.complete) result.reason = "orders_partial";
  } catch (err) {
    error = `orders: ${describe(err)}`;
    result.reason = "orders_failed";
  }
  if (!error && o.checkouts) {
    try {
      const read = await readCheckouts(admin, domain, settings, checkoutsSyncedAt ?? lookback, now, o, deadline);
      result.checkouts = read.ingested;
      result.refused += read.refused;
      if (read.complete) checkoutsSyncedAt = now;
    } catch (err) {
      error = `abandoned checkouts: ${describe(err)}`;
    }
  }
  result.ordersSyncedAt = ordersSyncedAt;
  await recordSync(domain, { ordersSyncedAt, checkoutsSyncedAt, error });
  if (error) log.warn({ shop: domain, error }, "reconcile: failed; retried on a later tick");
  else if (result.orders || result.checkouts)
    log.info({ shop: domain, orders: result.orders, checkouts: result.checkouts }, "reconcile: records found that webhooks had not brought");
  return result;
}

async function readOrders(admin: AdminGraphql, shop: string, since: Date, now: Date, o: Resolved, deadline: number) {
  const query = updatedSinceQuery(new Date(since.getTime() - o.overlapMs));
  let after: string | null = null;
  let ingested = 0;
  let refused = 0;
  let last: Date | null = null;
  for (let page = 0; page < o.maxPages; page++) {
    if (performance.now() > deadline) return { ingested, refused, syncedTo: last, complete: false };
    const data: OrdersUpdatedSinceData = await admin.request(OrdersUpdatedSince, { first: o.pageSize, after, query });
    const nodes = data.orders.nodes;
    const known = await knownOrderIds(
      shop,
      nodes.map((n) => orderNodeToPayload(n).id.toString()),
    );
    for (const node of nodes) {
      const payload = orderNodeToPayload(node);
      const refuse = refusal(payload, now);
      if (refuse) {
        refused += 1;
        log.warn({ shop, order: node.id, reason: refuse }, "reconcile: order refused (a value no database can store); skipped");
        continue;
      }
      let record: OrderRecord;
      try {
        record = parseOrder(payload);
      } catch (err) {
        log.warn({ shop, order: node.id, err: describe(err) }, "reconcile: order not understood; skipped");
        continue;
      }
      if (!known.has(record.orderId)) {
        const withPhone = { ...record, phone: normalizePhone(node.phone) };
        try {
          const outcome = await ingestOrder({
            shop,
            eventId: reconcileEventId("order", shop, record.orderId),
            topic: "orders/create",
            record: withPhone,
            source: "reconcile",
            now,
          });
          if (outcome === "created") ingested += 1;
        } catch (err) {
          if (!isUniqueViolation(err)) throw err; // a webhook for it landed meanwhile
        }
      }
      const updated = new Date(node.updatedAt);
      if (!Number.isNaN(updated.getTime()) && (!last || updated > last)) last = updated;
    }
    if (!data.orders.pageInfo.hasNextPage) return { ingested, refused, syncedTo: now, complete: true };
    after = data.orders.pageInfo.endCursor;
  }
  return { ingested, refused, syncedTo: last, complete: false };
}

async function readCheckouts(admin: AdminGraphql, shop: string, settings: Settings, since: Date, now: Date, o: Resolved, deadline: number) {
  const query = updatedSinceQuery(new Date(since.getTime() - o.overlapMs));
  let after: string | null = null;
  let ingested = 0;
  let refused = 0;
  for (let page = 0; page < o.maxPages; page++) {
    if (performance.now() > deadline) return { ingested, refused, complete: false };
    const data: AbandonedCheckoutsUpdatedSinceData = await admin.request(AbandonedCheckoutsUpdatedSince, { first: o.pageSize, after, query });
    const payloads = data.abandonedCheckouts.nodes.map((n) => abandonedCheckoutNodeToPayload(n));
    const tokens = payloads.flatMap((p) => (p ? [p.token] : []));
    const held = await heldCheckoutsByToken(shop, tokens);
    for (const payload of payloads) {
      if (!payload) continue; // no token in the recovery URL: cannot be matched with webhooks
      let record;
      try {
        record = parseCheckout(payload);
      } catch (err) {
        log.warn({ shop, err: describe(err) }, "reconcile: abandoned checkout not understood; skipped");
        continue;
      }
      // What webhookAction would answer 422: skipped and counted, never stored, never blocking the others.
      const refuse = refusal(payload, now, record);
      if (refuse) {
        refused += 1;
        log.warn({ shop, reason: refuse }, "reconcile: abandoned checkout refused; skipped");
        continue;
      }
      const mine = held.get(record.token);
      if (mine && compareUpdate(mine, record) === "stale") continue; // nothing new (same second: no new contact data)
      try {
        const outcome = await ingestCheckout({
          shop,
          eventId: reconcileEventId("checkout", shop, record.token, payload.updated_at),
          topic: "checkouts/update",
          record,
          settings,
          now,
        });
        if (outcome === "created") {
          ingested += 1;
          await skipLateSteps({ shop, token: record.token, seenAt: now, now, settings });
        } else if (outcome === "updated") ingested += 1;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    if (!data.abandonedCheckouts.pageInfo.hasNextPage) return { ingested, refused, complete: true };
    after = data.abandonedCheckouts.pageInfo.endCursor;
  }
  return { ingested, refused, complete: false };
}

function add(stats: ReconcileStats, r: ShopSyncResult) {
  if (r.reason === "no_session") {
    bump(stats.skipped, "no_session");
    return;
  }
  stats.shops += 1;
  stats.orders += r.orders;
  stats.checkouts += r.checkouts;
  if (r.refused) bump(stats.skipped, "refused", r.refused);
  if (r.reason === "orders_failed") stats.failed += 1;
}

/** The tick's sweep: a few shops whose last attempt is old enough, oldest first, within the budget. Never throws. */
export async function reconcileSweep(a: { now: Date; options: ReconcileOptions; stats: ReconcileStats; done: Map<string, ShopSyncResult> }) {
  const o = resolve(a.options);
  const deadline = performance.now() + o.budgetMs;
  try {
    const due = new Date(a.now.getTime() - o.intervalMs);
    const shops = await shopsDueForSync(due, o.maxShops);
    for (const shop of shops) {
      if (performance.now() > deadline) break;
      const r = await reconcileShop(shop, a.now, a.options, deadline).catch((err) => {
        log.error({ shop: shop.domain, err: describe(err) }, "reconcile: shop failed");
        return { ok: false, reason: "orders_failed", orders: 0, checkouts: 0, refused: 0, ordersSyncedAt: shop.ordersSyncedAt } satisfies ShopSyncResult;
      });
      a.done.set(shop.domain, r);
      add(a.stats, r);
    }
  } catch (err) {
    log.error({ err: describe(err) }, "reconcile: sweep failed");
  }
}

export type OrdersGate = { send: true } | { send: false; until: Date; reason: "orders_sync_pending" };

/**
 * Before a shop's steps go out: are its orders known up to `staleMs` before now? Reconciles the shop first when not
 * (at most every `retryMs`, orders only, and not after `deadline`). One call per shop per batch; `done` holds this
 * tick's runs. Never throws.
 * `changed` is set when orders were ingested (the caller reloads its checkouts: some may be completed now).
 */
export async function ordersGate(a: {
  shops: string[];
  now: Date;
  options: ReconcileOptions;
  stats: ReconcileStats;
  done: Map<string, ShopSyncResult>;
  /** performance.now() after which no shop is reconciled in this tick (stale shops are then deferred). */
  deadline?: number;
}): Promise<{ gates: Map<string, OrdersGate>; changed: boolean }> {
  const o = resolve(a.options);
  const gates = new Map<string, OrdersGate>();
  let changed = false;
  const rows = await shopsByDomain(a.shops).catch(() => [] as Shop[]);
  for (const shop of rows) {
    try {
      const freshFrom = new Date(a.now.getTime() - o.staleMs);
      let syncedAt = shop.ordersSyncedAt;
      let run = a.done.get(shop.domain);
      const throttled = shop.syncAttemptAt && shop.syncAttemptAt.getTime() > a.now.getTime() - o.retryMs;
      const inTime = performance.now() < (a.deadline ?? Number.POSITIVE_INFINITY);
      if ((!syncedAt || syncedAt < freshFrom) && !run && !throttled && inTime) {
        // Orders only: they are what the sends wait for (abandoned checkouts are the sweep's).
        run = await reconcileShop(shop, a.now, { ...a.options, checkouts: false }, a.deadline);
        a.done.set(shop.domain, run);
        add(a.stats, run);
        if (run.orders > 0) changed = true;
      }
      if (run) syncedAt = run.ordersSyncedAt;
      const noSession = run?.reason === "no_session" || (!run && shop.syncError === "no_session");
      if (noSession || (syncedAt && syncedAt >= freshFrom)) {
        gates.set(shop.domain, { send: true });
        continue;
      }
      const lastGood = syncedAt ?? shop.installedAt;
      if (a.now.getTime() - lastGood.getTime() > o.maxDeferMs) {
        log.warn({ shop: shop.domain, lastGood, syncError: shop.syncError }, "reconcile: orders unknown for too long; steps sent without them");
        gates.set(shop.domain, { send: true });
        a.stats.sentUnsynced += 1;
        continue;
      }
      gates.set(shop.domain, { send: false, until: new Date(a.now.getTime() + o.retryMs), reason: "orders_sync_pending" });
    } catch (err) {
      log.error({ shop: shop.domain, err: describe(err) }, "reconcile: gate failed; steps deferred");
      gates.set(shop.domain, { send: false, until: new Date(a.now.getTime() + o.retryMs), reason: "orders_sync_pending" });
    }
  }
  return { gates, changed };
}
