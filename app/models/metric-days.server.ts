// Daily metrics: the metric_day rows, rebuilt a day at a time, and what the Overview reads of them.
//
// A day's rows are a pure function of the checkouts abandoned that day and the orders placed that day
// (app/lib/metric-facts.ts aggregateDay). A refresh rebuilds the days that may have changed since the last one:
//  - days of rows written since the watermark: checkouts, their messages and orders whose updated_at (the wall clock,
//    app/lib/wall-clock.ts) is newer than the last refresh's, less a margin for transactions still open then;
//  - the recent days, whatever was written: a checkout's standing changes with time alone (abandoned once its moment
//    comes, lost once its window ends) and a restarted timeline moves a checkout out of its old day.
// Any change of the shop's time zone or currency, or of the aggregation itself (METRICS_VERSION), rebuilds every day.
// One instance refreshes a shop at a time (a lease on the shop row). A crash mid-refresh leaves the watermark where it
// was: the next refresh rebuilds the same days again (a rebuild replaces a day's rows, so repeating it is harmless).
import type { Prisma } from "@prisma/client";
import { db, dbProvider } from "../db.server";
import { placeholders } from "./sql-placeholders.server";
import { aggregateDay, emptyMeasures, MEASURES, type DayFacts, type Measures, type MetricRow } from "../lib/metric-facts";
import { addDaysToKey, dayOf, daySpan, daysTouched, metricsZone } from "../lib/shop-days";
import { parseSettings } from "../lib/settings";
import { wallClock } from "../lib/wall-clock";
import { int64, int64OrNull } from "./int64-columns.server";

/** Bump when aggregateDay counts anything differently: every shop's days are rebuilt on their next refresh. */
export const METRICS_VERSION = 1;
/** Rows written this long before a refresh's watermark are read again (transactions open across it, clock skew). */
const WATERMARK_MARGIN_MS = 5 * 60_000;
/** A refresh holds its shop this long at most. */
const LEASE_MS = 5 * 60_000;
/** Days rebuilt on every refresh, beyond the window: restarts move a checkout by up to the first step's delay plus quiet hours. */
const RECENT_SLACK_MS = 24 * 3600_000;

type Tx = Prisma.TransactionClient | typeof db;

const hourOf = (col: string) => (dbProvider === "postgresql" ? `to_char(${col}, 'YYYY-MM-DD"T"HH24')` : `substr(replace(${col}, ' ', 'T'), 1, 13)`);

/** What the figures were computed in: the shop's zone and currency, and the aggregation's version. */
export function basisOf(shop: { timezone: string | null; currency: string | null }): string {
  return `${metricsZone(shop.timezone)}|${shop.currency ?? ""}|${METRICS_VERSION}`;
}

/** What the daily metrics read of a checkout (app/lib/metric-facts.ts FactCheckout, plus the token orders join on). */
export const FACT_CHECKOUT_SELECT = {
  id: true,
  token: true,
  abandonedAt: true,
  completedAt: true,
  isTest: true,
  returningCustomer: true,
  shopTotalMinor: true,
  shopCurrency: true,
  sourceName: true,
  owner: true,
  handoff: true,
  stopReason: true,
  recoveredAt: true,
  recoveredRevenueMinor: true,
  attributedMessageId: true,
  holdout: true,
} as const;

/** What the daily metrics read of a message (FactMessage). */
export const FACT_MESSAGE_SELECT = {
  id: true,
  checkoutId: true,
  channel: true,
  stepId: true,
  sentAt: true,
  openedAt: true,
  clickedAt: true,
  unsubscribedAt: true,
  incentiveCode: true,
} as const;

/** The facts of one day of a shop, from the database. */
export async function loadDayFacts(tx: Tx, shop: string, day: string, timeZone: string): Promise<DayFacts> {
  const { start, end } = daySpan(day, timeZone);
  const cohort = { shop, abandonedAt: { gte: start, lt: end } };
  const [checkouts, messages, dayOrders] = await Promise.all([
    tx.checkout.findMany({ where: cohort, select: FACT_CHECKOUT_SELECT }),
    tx.message.findMany({ where: { checkout: cohort, sentAt: { not: null } }, select: FACT_MESSAGE_SELECT }),
    tx.order.findMany({
      where: { shop, shopifyCreatedAt: { gte: start, lt: end } },
      select: { totalMinor: true, currency: true, recovered: true, isTest: true },
    }),
  ]);
  const ids = checkouts.map((c) => c.id);
  const completedTokens = checkouts.filter((c) => c.completedAt).map((c) => c.token);
  const idOfToken = new Map(checkouts.map((c) => [c.token, c.id]));
  const [orders, discounts, replies, notes, outbound] = await Promise.all([
    completedTokens.length
      ? chunked(completedTokens, (part) =>
          tx.order.findMany({
            where: { shop, checkoutToken: { in: part } },
            select: { checkoutToken: true, totalMinor: true, currency: true, shopifyCreatedAt: true, isTest: true },
            orderBy: { shopifyCreatedAt: "asc" },
          }),
        )
      : [],
    chunked(ids, (part) => tx.incentive.findMany({ where: { checkoutId: { in: part }, status: "used" }, select: { checkoutId: true, discountMinor: true } })),
    chunked(ids, (part) =>
      tx.conversationEntry.findMany({ where: { checkoutId: { in: part }, direction: "inbound" }, select: { checkoutId: true, classification: true } }),
    ),
    chunked(ids, (part) => tx.checkoutNote.findMany({ where: { checkoutId: { in: part } }, select: { checkoutId: true, createdAt: true } })),
    chunked(ids, (part) =>
      tx.conversationEntry.findMany({ where: { checkoutId: { in: part }, direction: "outbound" }, select: { checkoutId: true, createdAt: true } }),
    ),
  ]);
  const firstOrder = new Map<string, DayFacts["orders"][number]>();
  for (const o of orders) {
    const id = o.checkoutToken ? idOfToken.get(o.checkoutToken) : undefined;
    if (id && !firstOrder.has(id))
      firstOrder.set(id, { checkoutId: id, totalMinor: int64(o.totalMinor), currency: o.currency, createdAt: o.shopifyCreatedAt, isTest: o.isTest });
  }
  return {
    checkouts: checkouts.map((c) => ({
      ...c,
      abandonedAt: c.abandonedAt!,
      shopTotalMinor: int64OrNull(c.shopTotalMinor),
      recoveredRevenueMinor: int64OrNull(c.recoveredRevenueMinor),
    })),
    messages,
    orders: [...firstOrder.values()],
    discounts: discounts.filter((d) => d.checkoutId).map((d) => ({ checkoutId: d.checkoutId!, discountMinor: int64OrNull(d.discountMinor) ?? 0 })),
    replies,
    touches: [...notes, ...outbound].map((t) => ({ checkoutId: t.checkoutId, at: t.createdAt })),
    dayOrders: dayOrders.map((o) => ({ totalMinor: int64(o.totalMinor), currency: o.currency, recovered: o.recovered, isTest: o.isTest })),
  };
}

async function chunked<T, R>(items: readonly T[], run: (part: T[]) => Promise<R[]>, size = 500): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await run(items.slice(i, i + size))));
  return out;
}

export interface ComputeContext {
  timeZone: string;
  currency: string | null;
  windowHours: number;
  asOf: Date;
}

export async function computeDay(tx: Tx, shop: string, day: string, c: ComputeContext): Promise<MetricRow[]> {
  return aggregateDay(await loadDayFacts(tx, shop, day, c.timeZone), { day, ...c });
}

const toData = (shop: string, r: MetricRow) => ({
  shop,
  day: r.day,
  dim: r.dim,
  key: r.key,
  ...Object.fromEntries(MEASURES.map((m) => [m, r[m]])),
  // 64-bit money columns.
  revenueMinor: BigInt(Math.round(r.revenueMinor)),
  convertedRevenueMinor: BigInt(Math.round(r.convertedRevenueMinor)),
  discountCostMinor: BigInt(Math.round(r.discountCostMinor)),
  orderRevenueMinor: BigInt(Math.round(r.orderRevenueMinor)),
});

/** Replace the stored rows of these days with a fresh computation. */
export async function rebuildDays(shop: string, days: readonly string[], c: ComputeContext): Promise<number> {
  let written = 0;
  for (const day of days) {
    const rows = await computeDay(db, shop, day, c);
    await db.$transaction([
      db.metricDay.deleteMany({ where: { shop, day } }),
      ...(rows.length ? [db.metricDay.createMany({ data: rows.map((r) => toData(shop, r)) as Prisma.MetricDayCreateManyInput[] })] : []),
    ]);
    written += rows.length;
  }
  return written;
}

/** Hours (UTC, "YYYY-MM-DDTHH") of the abandonment moments and order times of rows written since `since`. */
async function hoursWrittenSince(shop: string, since: Date): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<Array<{ h: string | null }>>(
    placeholders(
      `SELECT DISTINCT ${hourOf("abandoned_at")} AS h FROM checkout WHERE shop = ? AND updated_at > ? AND abandoned_at IS NOT NULL
       UNION SELECT DISTINCT ${hourOf("c.abandoned_at")} AS h FROM message m JOIN checkout c ON c.id = m.checkout_id
         WHERE m.shop = ? AND m.updated_at > ? AND c.abandoned_at IS NOT NULL
       UNION SELECT DISTINCT ${hourOf("shopify_created_at")} AS h FROM shop_order WHERE shop = ? AND updated_at > ?`,
    ),
    shop,
    since,
    shop,
    since,
    shop,
    since,
  );
  return rows.map((r) => r.h).filter((h): h is string => !!h);
}

/** The shop's days (in its zone) an UTC hour can fall on: both ends, for zones whose offset is not whole hours. */
function daysOfHour(hour: string, timeZone: string): string[] {
  const start = new Date(`${hour}:00:00.000Z`);
  if (Number.isNaN(start.getTime())) return [];
  return daysTouched(start, new Date(start.getTime() + 3600_000 - 1), timeZone);
}

async function allDays(shop: string, timeZone: string, asOf: Date): Promise<string[]> {
  const [first, firstOrder] = await Promise.all([
    db.checkout.findFirst({ where: { shop, abandonedAt: { not: null } }, orderBy: { abandonedAt: "asc" }, select: { abandonedAt: true } }),
    db.order.findFirst({ where: { shop }, orderBy: { shopifyCreatedAt: "asc" }, select: { shopifyCreatedAt: true } }),
  ]);
  const starts = [first?.abandonedAt, firstOrder?.shopifyCreatedAt].filter((d): d is Date => !!d);
  if (!starts.length) return [];
  const from = new Date(Math.min(...starts.map((d) => d.getTime())));
  return daysTouched(from, asOf > from ? asOf : from, timeZone);
}

export interface RefreshResult {
  refreshed: boolean;
  days: number;
  rows: number;
  full: boolean;
  /** Older days still to be built (a full rebuild that ran out of time goes on at the next refresh). */
  pending: boolean;
}

const PARTIAL = "|built-from:";

/** A stored basis of a rebuild in progress: the current basis, and the oldest day built so far (newer ones are done). */
function partialOf(stored: string | null, basis: string): string | null {
  return stored?.startsWith(basis + PARTIAL) ? stored.slice(basis.length + PARTIAL.length) : null;
}

/** Whether the shop's figures are still being built for older days (the Overview says so). */
export function metricsPending(shop: { metricsBasis: string | null; timezone: string | null; currency: string | null }): boolean {
  return partialOf(shop.metricsBasis, basisOf(shop)) !== null;
}

/**
 * Bring a shop's daily metrics up to `now` (app time: what counts as abandoned or lost by now). Skipped while another
 * refresh holds the shop, or when the last one is more recent than `minIntervalMs`. A full rebuild (first refresh, or
 * a change of zone, currency or METRICS_VERSION) goes from the newest day back and stops at `budgetMs`; the next
 * refresh goes on from there, after catching up the days already built.
 */
export async function refreshShopMetrics(domain: string, now: Date, opts: { minIntervalMs?: number; budgetMs?: number } = {}): Promise<RefreshResult> {
  const started = performance.now();
  const none = { refreshed: false, days: 0, rows: 0, full: false, pending: false };
  const shop = await db.shop.findUnique({ where: { domain } });
  if (!shop) return none;
  const basis = basisOf(shop);
  if (opts.minIntervalMs && shop.metricsAsOf && shop.metricsBasis === basis && now.getTime() - shop.metricsAsOf.getTime() < opts.minIntervalMs) return none;
  const wall = wallClock();
  const claimed = await db.shop.updateMany({
    where: { domain, OR: [{ metricsLeaseUntil: null }, { metricsLeaseUntil: { lt: wall } }] },
    data: { metricsLeaseUntil: new Date(wall.getTime() + LEASE_MS) },
  });
  if (claimed.count === 0) return none;
  try {
    const ctx = { timeZone: metricsZone(shop.timezone), currency: shop.currency, windowHours: parseSettings(shop.settings).cadence.windowHours, asOf: now };
    const builtFrom = partialOf(shop.metricsBasis, basis);
    const full = (shop.metricsBasis !== basis && builtFrom === null) || !shop.metricsWatermark || !shop.metricsAsOf;
    let rows = 0;
    let done = 0;
    let todo: string[] = [];
    if (full) {
      todo = (await allDays(domain, ctx.timeZone, now)).reverse(); // newest first
      await db.metricDay.deleteMany({ where: { shop: domain, day: { notIn: todo.length ? todo : ["-"] } } });
    } else {
      // The days already built that may have changed, then (a rebuild in progress) the older ones still to build.
      const since = new Date(shop.metricsWatermark!.getTime() - WATERMARK_MARGIN_MS);
      const set = new Set<string>();
      for (const h of await hoursWrittenSince(domain, since)) for (const d of daysOfHour(h, ctx.timeZone)) set.add(d);
      const recentFrom = new Date(Math.min(shop.metricsAsOf!.getTime(), now.getTime()) - ctx.windowHours * 3600_000 - RECENT_SLACK_MS);
      for (const d of daysTouched(recentFrom, now, ctx.timeZone)) set.add(d);
      const changed = [...set].filter((d) => builtFrom === null || d >= builtFrom).sort();
      rows += await rebuildDays(domain, changed, ctx);
      done += changed.length;
      if (builtFrom !== null) todo = (await allDays(domain, ctx.timeZone, now)).filter((d) => d < builtFrom).reverse();
    }
    let oldestBuilt = builtFrom;
    // At least one older day per refresh, so a rebuild always moves on, however small the budget.
    for (const [i, day] of todo.entries()) {
      if (opts.budgetMs !== undefined && i > 0 && performance.now() - started > opts.budgetMs) break;
      rows += await rebuildDays(domain, [day], ctx);
      done += 1;
      oldestBuilt = day;
    }
    const pending = todo.length > 0 && oldestBuilt !== todo[todo.length - 1];
    const stored = pending ? `${basis}${PARTIAL}${oldestBuilt}` : basis;
    await db.shop.update({ where: { domain }, data: { metricsWatermark: wall, metricsAsOf: now, metricsBasis: stored, metricsLeaseUntil: null } });
    return { refreshed: true, days: done, rows, full, pending };
  } catch (e) {
    await db.shop.update({ where: { domain }, data: { metricsLeaseUntil: null } }).catch(() => undefined);
    throw e;
  }
}

export interface StoredDayRow extends Measures {
  day: string;
  dim: string;
  key: string;
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** Stored rows of a shop from `from` to `to` (day keys, inclusive), optionally of some dimensions only. */
export async function readDayRows(shop: string, from: string, to: string, dims?: readonly string[]): Promise<StoredDayRow[]> {
  const rows = await db.metricDay.findMany({ where: { shop, day: { gte: from, lte: to }, ...(dims ? { dim: { in: [...dims] } } : {}) } });
  return rows.map((r) => {
    const m = emptyMeasures();
    for (const k of MEASURES) m[k] = num((r as unknown as Record<string, unknown>)[k]);
    return { day: r.day, dim: r.dim, key: r.key, ...m };
  });
}

/**
 * The stored rows against a full recomputation of the same days as of the last refresh: the days (and rows) that
 * differ. Empty = the aggregates agree exactly.
 */
export async function verifyShopMetrics(
  domain: string,
): Promise<{ days: number; mismatches: Array<{ day: string; dim: string; key: string; field: string; stored: number; computed: number }> }> {
  const shop = await db.shop.findUniqueOrThrow({ where: { domain } });
  if (!shop.metricsAsOf) return { days: 0, mismatches: [] };
  const timeZone = metricsZone(shop.timezone);
  const ctx = { timeZone, currency: shop.currency, windowHours: parseSettings(shop.settings).cadence.windowHours, asOf: shop.metricsAsOf };
  const days = await allDays(domain, timeZone, shop.metricsAsOf);
  const mismatches: Array<{ day: string; dim: string; key: string; field: string; stored: number; computed: number }> = [];
  for (const day of days) {
    const computed = new Map((await computeDay(db, domain, day, ctx)).map((r) => [`${r.dim}|${r.key}`, r]));
    const stored = new Map((await readDayRows(domain, day, day)).map((r) => [`${r.dim}|${r.key}`, r]));
    for (const id of new Set([...computed.keys(), ...stored.keys()])) {
      const a = stored.get(id);
      const b = computed.get(id);
      for (const field of MEASURES) {
        const s = a?.[field] ?? 0;
        const c = b?.[field] ?? 0;
        if (Math.abs(s - c) > (field === "convertedRevenueSq" || field === "touchMinutes" ? 1e-6 * Math.max(1, Math.abs(c)) : 0))
          mismatches.push({ day, dim: (a ?? b)!.dim, key: (a ?? b)!.key, field, stored: s, computed: c });
      }
    }
  }
  return { days: days.length, mismatches };
}

/** The shop's day for an instant, and a span of days ending today. */
export function periodDays(now: Date, timezone: string | null, days: number): { from: string; to: string; timeZone: string } {
  const timeZone = metricsZone(timezone);
  const to = dayOf(now, timeZone);
  return { from: addDaysToKey(to, -(days - 1)), to, timeZone };
}

/** Installed shops, least recently refreshed first. */
export async function shopsForMetrics(limit: number): Promise<string[]> {
  const rows = await db.shop.findMany({
    where: { uninstalledAt: null },
    orderBy: [{ metricsAsOf: { sort: "asc", nulls: "first" } }, { domain: "asc" }],
    select: { domain: true },
    take: limit,
  });
  return rows.map((r) => r.domain);
}

/**
 * A row about a checkout that daily metrics read but that has no updated_at of its own (a staff note, a reply) was
 * written: the checkout's updated_at moves so the next refresh rebuilds its day.
 */
export async function checkoutWritten(tx: Prisma.TransactionClient, checkoutId: string): Promise<void> {
  await tx.checkout.update({ where: { id: checkoutId }, data: { updatedAt: wallClock() }, select: { id: true } });
}
