// Overview metrics from aggregate queries only (count / aggregate / groupBy, and three grouped raw SELECTs written
// for both SQLite and PostgreSQL). No query returns more rows than there are groups (days, steps, channels, bands).
import { db, dbProvider } from "../db.server";
import {
  HOUR_BUCKETS,
  VALUE_BANDS,
  fillDailySeries,
  overviewFigures,
  rate,
  type EngagementCounts,
  type HourBucketId,
  type OverviewFigures,
  type PeriodDays,
  type ValueBandId,
} from "../lib/metrics";
import { STAFF_ALERT_CHANNEL, isStaffAlert, stepKey } from "../lib/message-kinds";

const DAY_MS = 86_400_000;
const SENT = { not: null } as const;
const OPT_OUT_REASONS = ["unsubscribe", "stop_reply", "spam_report"];

/** `?` placeholders -> `$1..$n` for PostgreSQL. */
function sql(text: string): string {
  if (dbProvider !== "postgresql") return text;
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

const dayExpr = (col: string) => (dbProvider === "postgresql" ? `to_char(${col}, 'YYYY-MM-DD')` : `substr(${col}, 1, 10)`);
const hoursBetween = (from: string, to: string) =>
  dbProvider === "postgresql" ? `(EXTRACT(EPOCH FROM (${to} - ${from})) / 3600.0)` : `((julianday(${to}) - julianday(${from})) * 24.0)`;

function hourCase(expr: string): string {
  const whens = HOUR_BUCKETS.filter((b) => b.maxHours !== null)
    .map((b) => `WHEN ${expr} < ${b.maxHours} THEN '${b.id}'`)
    .join(" ");
  return `CASE ${whens} ELSE '48_plus' END`;
}

/**
 * The value band of a cart's shop value; none when it is unknown (NULL), or, with `otherCurrency` (a SQL condition
 * with one `?` for the shop's currency), when it is in a currency that is no longer the shop's.
 */
function bandCase(col: string, otherCurrency = ""): string {
  const whens = VALUE_BANDS.filter((b) => b.maxMinor !== null)
    .map((b) => `WHEN ${col} < ${b.maxMinor} THEN '${b.id}'`)
    .join(" ");
  return `CASE WHEN ${col} IS NULL${otherCurrency ? ` OR ${otherCurrency}` : ""} THEN '${NO_BAND}' ${whens} ELSE '${VALUE_BANDS[VALUE_BANDS.length - 1].id}' END`;
}
const NO_BAND = "unknown";

// An aggregate as a number: SQLite answers numbers; PostgreSQL counts as bigint and sums the 64-bit money columns as
// numeric (a Decimal through Prisma's raw queries, a bigint through groupBy). A period's sum stays exact up to 2^53
// minor units (app/lib/money.ts).
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export interface BreakdownRow {
  key: string;
  sent: number;
  opened: number;
  clicked: number;
  recovered: number;
  revenueMinor: number;
}

export interface SegmentRow {
  returning: boolean;
  band: ValueBandId;
  abandoned: number;
  recovered: number;
  revenueMinor: number;
}

export interface OverviewMetrics {
  days: PeriodDays;
  since: string;
  now: string;
  figures: OverviewFigures;
  daily: Array<{ day: string; valueMinor: number }>;
  byStep: BreakdownRow[];
  byChannel: BreakdownRow[];
  segments: {
    newVsReturning: Array<{ key: "new" | "returning"; abandoned: number; recovered: number; revenueMinor: number; rate: number }>;
    bands: Array<{ key: ValueBandId; abandoned: number; recovered: number; revenueMinor: number; rate: number }>;
  };
  byHours: Array<{ key: HourBucketId; recovered: number; revenueMinor: number }>;
  /** Staff alerts sent in the period: internal, in none of the figures or breakdowns above. */
  staffAlertsSent: number;
}

/**
 * Money: every sum is in the shop's currency (`currency`, Shop.currency) and never adds another. Orders are summed in
 * their shop money (Order.currency); a checkout's recovered revenue is its order's shop money, counted when the
 * checkout's shop currency is the shop's (or unrecorded: rows from before it was kept). Value bands read the cart's
 * shop value (shop_total_minor): a cart whose shop value is unknown (another currency) or in a former shop currency
 * is in no band (it still counts as abandoned). `currency` null (the shop's currency not known yet): nothing is
 * filtered. The currency conditions read columns outside the covering indexes.
 */
export async function getOverviewMetrics({
  shop,
  days,
  now,
  currency = null,
}: {
  shop: string;
  days: PeriodDays;
  now: Date;
  currency?: string | null;
}): Promise<OverviewMetrics> {
  const since = new Date(now.getTime() - days * DAY_MS);
  const window = { gte: since, lte: now };
  const orderMoney = currency ? { currency } : {};
  const sameMoney = currency ? " AND (shop_currency IS NULL OR shop_currency = ?)" : "";
  const moneyArgs = currency ? [currency] : [];

  // Abandoned and recovered totals are the sums of the segment and daily groups (one covering-index pass each;
  // Prisma's count() selects the id and would read every row).
  const [orderGroups, messageGroups, attributed, incentiveGroups, optOuts, dailyRows, segmentRows, staffAlertsSent] = await Promise.all([
    db.order.groupBy({
      by: ["recovered"],
      where: { shop, shopifyCreatedAt: window, isTest: false, ...orderMoney },
      _count: { _all: true },
      _sum: { totalMinor: true },
    }),
    // Shopper messages only: staff alerts are internal (counted apart below).
    db.message.groupBy({
      by: ["channel", "stepId"],
      where: { shop, createdAt: window, sentAt: SENT, channel: { not: STAFF_ALERT_CHANNEL } },
      _count: { _all: true, openedAt: true, clickedAt: true },
    }),
    db.order.groupBy({
      by: ["attributedStepId", "attributedChannel"],
      where: { shop, shopifyCreatedAt: window, recovered: true, ...orderMoney },
      _count: { _all: true },
      _sum: { totalMinor: true },
    }),
    db.incentive.groupBy({ by: ["status"], where: { shop, createdAt: window }, _count: { _all: true } }),
    db.suppression.count({ where: { shop, createdAt: window, reason: { in: OPT_OUT_REASONS } } }),
    db.$queryRawUnsafe<Array<{ day: string; bucket: string; n: unknown; revenue: unknown }>>(
      sql(
        `SELECT ${dayExpr("recovered_at")} AS day, ${hourCase(hoursBetween("abandoned_at", "recovered_at"))} AS bucket, COUNT(*) AS n, SUM(recovered_revenue_minor) AS revenue
         FROM checkout WHERE shop = ? AND recovered_at >= ? AND recovered_at <= ?${sameMoney} GROUP BY 1, 2`,
      ),
      shop,
      since,
      now,
      ...moneyArgs,
    ),
    db.$queryRawUnsafe<Array<{ is_returning: unknown; band: string; n: unknown; recovered: unknown; revenue: unknown }>>(
      sql(
        `SELECT returning_customer AS is_returning, ${bandCase("shop_total_minor", currency ? "shop_currency <> ?" : "")} AS band, COUNT(*) AS n,
                SUM(CASE WHEN recovered_at IS NOT NULL THEN 1 ELSE 0 END) AS recovered,
                SUM(CASE WHEN recovered_at IS NOT NULL${sameMoney} THEN recovered_revenue_minor ELSE 0 END) AS revenue
         FROM checkout WHERE shop = ? AND abandoned_at >= ? AND abandoned_at <= ? AND is_test = false GROUP BY 1, 2`,
      ),
      ...moneyArgs, // the band's currency
      ...moneyArgs, // the revenue's
      shop,
      since,
      now,
    ),
    db.message.count({ where: { shop, createdAt: window, sentAt: SENT, channel: STAFF_ALERT_CHANNEL } }),
  ]);

  // Orders: all vs recovered.
  let ordersCount = 0;
  let ordersSum = 0;
  let recCount = 0;
  let recSum = 0;
  for (const g of orderGroups) {
    ordersCount += g._count._all;
    ordersSum += num(g._sum.totalMinor);
    if (g.recovered) {
      recCount += g._count._all;
      recSum += num(g._sum.totalMinor);
    }
  }

  // Messages by channel and by step.
  const email: EngagementCounts = { sent: 0, opened: 0, clicked: 0 };
  const push: EngagementCounts = { sent: 0, opened: 0, clicked: 0 };
  let messagesSent = 0;
  const byChannel = new Map<string, BreakdownRow>();
  const byStep = new Map<string, BreakdownRow>();
  const row = (m: Map<string, BreakdownRow>, key: string) => {
    let r = m.get(key);
    if (!r) m.set(key, (r = { key, sent: 0, opened: 0, clicked: 0, recovered: 0, revenueMinor: 0 }));
    return r;
  };
  for (const g of messageGroups) {
    const c = g._count;
    messagesSent += c._all;
    const target = g.channel === "email" ? email : g.channel === "push" ? push : null;
    if (target) {
      target.sent += c._all;
      target.opened += c.openedAt;
      target.clicked += c.clickedAt;
    }
    for (const r of [row(byChannel, g.channel), row(byStep, stepKey(g.stepId))]) {
      r.sent += c._all;
      r.opened += c.openedAt;
      r.clicked += c.clickedAt;
    }
  }
  for (const g of attributed) {
    const n = g._count._all;
    const rev = num(g._sum.totalMinor);
    // An order credited to a staff alert (before alerts were left out of attribution) shows as unattributed.
    const alert = !!g.attributedChannel && isStaffAlert(g.attributedChannel);
    const ch = row(byChannel, alert ? "unattributed" : (g.attributedChannel ?? "unattributed"));
    ch.recovered += n;
    ch.revenueMinor += rev;
    const st = row(byStep, alert || !g.attributedStepId ? "unattributed" : stepKey(g.attributedStepId));
    st.recovered += n;
    st.revenueMinor += rev;
  }

  let issued = 0;
  let used = 0;
  for (const g of incentiveGroups) {
    if (g.status === "failed" || g.status === "pending") continue;
    issued += g._count._all;
    if (g.status === "used") used += g._count._all;
  }

  // Daily revenue and hours-since-abandonment buckets from one grouped query.
  let recoveredCount = 0;
  let recoveredRevenue = 0;
  const perDay = new Map<string, number>();
  const hours = new Map<string, { recovered: number; revenueMinor: number }>();
  for (const r of dailyRows) {
    const day = String(r.day);
    perDay.set(day, (perDay.get(day) ?? 0) + num(r.revenue));
    recoveredCount += num(r.n);
    recoveredRevenue += num(r.revenue);
    const h = hours.get(r.bucket) ?? { recovered: 0, revenueMinor: 0 };
    h.recovered += num(r.n);
    h.revenueMinor += num(r.revenue);
    hours.set(r.bucket, h);
  }

  // Segments.
  const seg = { new: { abandoned: 0, recovered: 0, revenueMinor: 0 }, returning: { abandoned: 0, recovered: 0, revenueMinor: 0 } };
  const bands = new Map<string, { abandoned: number; recovered: number; revenueMinor: number }>();
  let abandoned = 0;
  for (const r of segmentRows) {
    abandoned += num(r.n);
    const returning = r.is_returning === true || num(r.is_returning) === 1;
    const s = returning ? seg.returning : seg.new;
    const b = bands.get(r.band) ?? { abandoned: 0, recovered: 0, revenueMinor: 0 };
    for (const t of [s, b]) {
      t.abandoned += num(r.n);
      t.recovered += num(r.recovered);
      t.revenueMinor += num(r.revenue);
    }
    bands.set(r.band, b);
  }

  const figures = overviewFigures({
    abandoned,
    recovered: recoveredCount,
    recoveredRevenueMinor: recoveredRevenue,
    orders: { count: ordersCount, sumMinor: ordersSum },
    recoveredOrders: { count: recCount, sumMinor: recSum },
    email,
    push,
    incentives: { issued, used },
    optOuts,
    messagesSent,
  });

  return {
    days,
    since: since.toISOString(),
    now: now.toISOString(),
    figures,
    daily: fillDailySeries(
      since,
      now,
      [...perDay].map(([day, valueMinor]) => ({ day, valueMinor })),
    ),
    byStep: [...byStep.values()],
    byChannel: [...byChannel.values()],
    segments: {
      newVsReturning: (["new", "returning"] as const).map((key) => ({ key, ...seg[key], rate: rate(seg[key].recovered, seg[key].abandoned) })),
      bands: VALUE_BANDS.map((b) => {
        const v = bands.get(b.id) ?? { abandoned: 0, recovered: 0, revenueMinor: 0 };
        return { key: b.id, ...v, rate: rate(v.recovered, v.abandoned) };
      }),
    },
    byHours: HOUR_BUCKETS.map((b) => ({ key: b.id, ...(hours.get(b.id) ?? { recovered: 0, revenueMinor: 0 }) })),
    staffAlertsSent,
  };
}
