// Metrics arithmetic for the Overview page: rates, averages, bands and buckets. Pure: the database side
// (app/models/metrics.server.ts) hands in counts and sums from aggregate queries; nothing here sees a row.

export const PERIODS = [7, 30, 90] as const;
export type PeriodDays = (typeof PERIODS)[number];

export function parsePeriod(value: string | null | undefined): PeriodDays {
  const n = Number(value);
  return (PERIODS as readonly number[]).includes(n) ? (n as PeriodDays) : 30;
}

/** numerator / denominator, 0 when the denominator is 0 (or either side is not a finite number). */
export function rate(numerator: number, denominator: number): number {
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator <= 0) return 0;
  return numerator / denominator;
}

/** Integer average in minor units (rounded), 0 for no items. */
export function averageMinor(sumMinor: number, count: number): number {
  return count > 0 ? Math.round(sumMinor / count) : 0;
}

/** 0.1234 -> "12.3%". */
export function formatRate(r: number, digits = 1): string {
  return `${(r * 100).toFixed(digits)}%`;
}

// Cart value bands, in minor units of the shop's currency (lower bound inclusive).
export const VALUE_BANDS = [
  { id: "under_50", minMinor: 0, maxMinor: 5_000 },
  { id: "50_100", minMinor: 5_000, maxMinor: 10_000 },
  { id: "100_250", minMinor: 10_000, maxMinor: 25_000 },
  { id: "250_plus", minMinor: 25_000, maxMinor: null },
] as const;
export type ValueBandId = (typeof VALUE_BANDS)[number]["id"];

export function valueBand(totalMinor: number): ValueBandId {
  for (const b of VALUE_BANDS) {
    if (totalMinor >= b.minMinor && (b.maxMinor === null || totalMinor < b.maxMinor)) return b.id;
  }
  return "under_50";
}

// Hours from abandonment to the recovering order (upper bound exclusive).
export const HOUR_BUCKETS = [
  { id: "0_1", label: "Under 1 h", maxHours: 1 },
  { id: "1_4", label: "1-4 h", maxHours: 4 },
  { id: "4_12", label: "4-12 h", maxHours: 12 },
  { id: "12_24", label: "12-24 h", maxHours: 24 },
  { id: "24_48", label: "24-48 h", maxHours: 48 },
  { id: "48_plus", label: "48 h or more", maxHours: null },
] as const;
export type HourBucketId = (typeof HOUR_BUCKETS)[number]["id"];

export function hourBucket(hours: number): HourBucketId {
  const h = Math.max(0, hours);
  for (const b of HOUR_BUCKETS) if (b.maxHours === null || h < b.maxHours) return b.id;
  return "48_plus";
}

/** UTC day keys ("2026-11-20") from the day of `since` to the day of `now`, inclusive. */
export function dayKeys(since: Date, now: Date): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()));
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  while (d.getTime() <= end) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** Sparse per-day sums -> one point per day (missing days are 0). */
export function fillDailySeries(since: Date, now: Date, rows: Array<{ day: string; valueMinor: number }>): Array<{ day: string; valueMinor: number }> {
  const byDay = new Map<string, number>();
  for (const r of rows) byDay.set(r.day.slice(0, 10), (byDay.get(r.day.slice(0, 10)) ?? 0) + r.valueMinor);
  return dayKeys(since, now).map((day) => ({ day, valueMinor: byDay.get(day) ?? 0 }));
}

export interface EngagementCounts {
  sent: number;
  opened: number;
  clicked: number;
}

export interface OverviewInputs {
  abandoned: number;
  recovered: number;
  recoveredRevenueMinor: number;
  orders: { count: number; sumMinor: number };
  recoveredOrders: { count: number; sumMinor: number };
  email: EngagementCounts;
  push: EngagementCounts;
  incentives: { issued: number; used: number };
  optOuts: number;
  messagesSent: number;
}

export interface OverviewFigures {
  abandoned: number;
  recovered: number;
  recoveryRate: number;
  recoveredRevenueMinor: number;
  avgRecoveredOrderMinor: number;
  avgOrderMinor: number;
  emailOpenRate: number;
  emailClickRate: number;
  pushClickRate: number;
  discountUseRate: number;
  optOutRate: number;
}

export function overviewFigures(i: OverviewInputs): OverviewFigures {
  return {
    abandoned: i.abandoned,
    recovered: i.recovered,
    recoveryRate: rate(i.recovered, i.abandoned),
    recoveredRevenueMinor: i.recoveredRevenueMinor,
    avgRecoveredOrderMinor: averageMinor(i.recoveredOrders.sumMinor, i.recoveredOrders.count),
    avgOrderMinor: averageMinor(i.orders.sumMinor, i.orders.count),
    emailOpenRate: rate(i.email.opened, i.email.sent),
    emailClickRate: rate(i.email.clicked, i.email.sent),
    pushClickRate: rate(i.push.clicked, i.push.sent),
    discountUseRate: rate(i.incentives.used, i.incentives.issued),
    optOutRate: rate(i.optOuts, i.messagesSent),
  };
}

/** Chart geometry: a y-axis maximum that is a "nice" round number at or above the largest value. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const mag = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= value) return m * mag;
  return 10 * mag;
}
