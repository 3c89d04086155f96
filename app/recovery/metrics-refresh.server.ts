// The tick's metrics step: each installed shop's daily metrics brought up to now (app/models/metric-days.server.ts),
// least recently refreshed first, at most once per METRICS_REFRESH_MS per shop, within a time budget. Never fails the
// tick: a shop whose refresh throws keeps its last figures (the Overview shows their time) and is tried next tick.
import { log } from "../log.server";
import { refreshShopMetrics, shopsForMetrics } from "../models/metric-days.server";

export interface MetricsRefreshStats {
  shops: number;
  days: number;
  failed: number;
}

export async function refreshMetrics(o: { now: Date; budgetMs?: number; minIntervalMs?: number; maxShops?: number }): Promise<MetricsRefreshStats> {
  const started = performance.now();
  const budgetMs = o.budgetMs ?? 10_000;
  const stats: MetricsRefreshStats = { shops: 0, days: 0, failed: 0 };
  let shops: string[];
  try {
    shops = await shopsForMetrics(o.maxShops ?? 200);
  } catch (err) {
    log.warn({ err: String(err) }, "metrics: shops not listed; refreshed next tick");
    return stats;
  }
  for (const shop of shops) {
    if (performance.now() - started > budgetMs) break;
    try {
      const left = budgetMs - (performance.now() - started);
      const r = await refreshShopMetrics(shop, o.now, { minIntervalMs: o.minIntervalMs ?? 5 * 60_000, budgetMs: Math.max(1_000, left) });
      if (r.refreshed) {
        stats.shops += 1;
        stats.days += r.days;
      }
    } catch (err) {
      stats.failed += 1;
      log.error({ shop, err: String(err) }, "metrics: refresh failed; the shop keeps its last figures");
    }
  }
  return stats;
}
