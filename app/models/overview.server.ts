// What the Overview shows, from the daily metrics only (metric_day, kept by app/models/metric-days.server.ts): the
// period's rows summed per dimension in one grouped query, the weekly trend and the first-100 comparison from the
// "all" rows. Nothing here reads a checkout.
import { db } from "../db.server";
import { incrementalRevenue, recoveryLift, type RecoveryLift, type RevenueLift } from "../lib/lift-stats";
import { emptyMeasures, FIRST_RECOVERIES, MEASURES, type Measures } from "../lib/metric-facts";
import { addDaysToKey, daysBetween, weekOf } from "../lib/shop-days";
import { averageMinor, rate, type PeriodDays } from "../lib/metrics";
import { metricsPending, periodDays, readDayRows, refreshShopMetrics } from "./metric-days.server";

/** How long a first visit may spend building the figures before it shows what is built. */
const FIRST_VISIT_BUDGET_MS = 3_000;

const TREND_WEEKS = 12;

export interface KeyRow extends Measures {
  key: string;
}

export interface OverviewData {
  days: PeriodDays;
  from: string;
  to: string;
  timeZone: string;
  /** The shop's zone is known (else the days are UTC days, and the page says so). */
  zoneKnown: boolean;
  /** When the figures were last brought up to date (null: never). */
  asOf: string | null;
  /** Older days are still being built (a first rebuild of a shop with history goes on at the next ticks). */
  pending: boolean;
  totals: Measures;
  /** Recovered revenue per day of the period (by the day the checkouts were abandoned). */
  daily: Array<{ day: string; valueMinor: number; recovered: number; checkouts: number }>;
  dims: Record<string, KeyRow[]>;
  aov: { recoveredOrders: number; recoveredAvgMinor: number; otherOrders: number; otherAvgMinor: number; differenceMinor: number | null };
  holdout: {
    percent: number;
    messaged: Measures;
    heldOut: Measures;
    lift: RecoveryLift;
    revenue: RevenueLift;
  };
  trend: Array<{ week: string; checkouts: number; recovered: number; rate: number; revenueMinor: number }>;
  launch: { reachedOn: string | null; recoveriesSoFar: number; first: Measures; after: Measures };
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const sumFields = Object.fromEntries(MEASURES.map((m) => [m, true])) as Record<(typeof MEASURES)[number], true>;

function add(a: Measures, b: Measures): Measures {
  const out = { ...a };
  for (const k of MEASURES) out[k] += b[k];
  return out;
}

export async function getOverview(o: { shop: string; days: PeriodDays; now: Date; timezone: string | null; holdoutPercent: number }): Promise<OverviewData> {
  // A shop never refreshed yet (just installed, or the tick has not run since the upgrade): brought up to date here.
  // Read from the row itself, not a cached copy of the shop: the time the figures are from is what the page states.
  const select = { metricsAsOf: true, metricsBasis: true, timezone: true, currency: true } as const;
  let state = await db.shop.findUnique({ where: { domain: o.shop }, select });
  if (!state?.metricsAsOf) {
    // A shop with a long history gets its newest days now and the rest from the next ticks.
    await refreshShopMetrics(o.shop, o.now, { budgetMs: FIRST_VISIT_BUDGET_MS });
    state = await db.shop.findUnique({ where: { domain: o.shop }, select });
  }
  const asOf = state?.metricsAsOf ?? null;
  const { from, to, timeZone } = periodDays(o.now, o.timezone, o.days);
  const trendFrom = addDaysToKey(weekOf(to), -7 * (TREND_WEEKS - 1));
  const [groups, allRows] = await Promise.all([
    db.metricDay.groupBy({ by: ["dim", "key"], where: { shop: o.shop, day: { gte: from, lte: to } }, _sum: sumFields }),
    readDayRows(o.shop, "0000-00-00", to, ["all"]),
  ]);
  const dims: Record<string, KeyRow[]> = {};
  for (const g of groups) {
    const m = emptyMeasures();
    for (const k of MEASURES) m[k] = num((g._sum as Record<string, unknown>)[k]);
    (dims[g.dim] ??= []).push({ key: g.key, ...m });
  }
  const byKey = (dim: string, key: string) => dims[dim]?.find((r) => r.key === key) ?? { key, ...emptyMeasures() };
  const totals: Measures = { ...byKey("all", "all") };

  const perDay = new Map(allRows.filter((r) => r.day >= from).map((r) => [r.day, r]));
  const daily = daysBetween(from, to).map((day) => {
    const r = perDay.get(day);
    return { day, valueMinor: r?.revenueMinor ?? 0, recovered: r?.recovered ?? 0, checkouts: r?.checkouts ?? 0 };
  });

  const ordersAll = byKey("orders", "all");
  const ordersRec = byKey("orders", "recovered");
  const otherOrders = ordersAll.orders - ordersRec.orders;
  const recoveredAvgMinor = averageMinor(ordersRec.orderRevenueMinor, ordersRec.orders);
  const otherAvgMinor = averageMinor(ordersAll.orderRevenueMinor - ordersRec.orderRevenueMinor, otherOrders);

  const messaged = byKey("group", "messaged");
  const heldOut = byKey("group", "holdout");
  const lift = recoveryLift({
    treated: { n: messaged.checkouts, recovered: messaged.converted },
    control: { n: heldOut.checkouts, recovered: heldOut.converted },
  });
  const revenue = incrementalRevenue({
    treated: { n: messaged.checkouts, sumMinor: messaged.convertedRevenueMinor, sumSquaresMajor: messaged.convertedRevenueSq },
    control: { n: heldOut.checkouts, sumMinor: heldOut.convertedRevenueMinor, sumSquaresMajor: heldOut.convertedRevenueSq },
  });

  const weeks = new Map<string, { checkouts: number; recovered: number; revenueMinor: number }>();
  for (const w of daysBetween(trendFrom, to).map(weekOf)) weeks.set(w, weeks.get(w) ?? { checkouts: 0, recovered: 0, revenueMinor: 0 });
  let cumulative = 0;
  let reachedOn: string | null = null;
  let first = emptyMeasures();
  let after = emptyMeasures();
  for (const r of [...allRows].sort((a, b) => a.day.localeCompare(b.day))) {
    if (r.day >= trendFrom) {
      const w = weeks.get(weekOf(r.day))!;
      w.checkouts += r.checkouts;
      w.recovered += r.recovered;
      w.revenueMinor += r.revenueMinor;
    }
    if (reachedOn === null) {
      first = add(first, r);
      cumulative += r.recovered;
      if (cumulative >= FIRST_RECOVERIES) reachedOn = r.day;
    } else after = add(after, r);
  }

  return {
    days: o.days,
    from,
    to,
    timeZone,
    zoneKnown: !!o.timezone,
    asOf: asOf?.toISOString() ?? null,
    pending: !!state && metricsPending(state),
    totals,
    daily,
    dims,
    aov: {
      recoveredOrders: ordersRec.orders,
      recoveredAvgMinor,
      otherOrders,
      otherAvgMinor,
      differenceMinor: ordersRec.orders > 0 && otherOrders > 0 ? recoveredAvgMinor - otherAvgMinor : null,
    },
    holdout: { percent: o.holdoutPercent, messaged, heldOut, lift, revenue },
    trend: [...weeks].map(([week, w]) => ({ week, ...w, rate: rate(w.recovered, w.checkouts) })),
    launch: { reachedOn, recoveriesSoFar: reachedOn ? FIRST_RECOVERIES : cumulative, first, after },
  };
}
