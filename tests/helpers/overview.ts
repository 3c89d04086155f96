// The Overview's data as the page gets it: the shop's daily metrics refreshed at `now` (as the tick does), then read.
import { db } from "../../app/db.server";
import type { PeriodDays } from "../../app/lib/metrics";
import { parseSettings } from "../../app/lib/settings";
import { refreshShopMetrics } from "../../app/models/metric-days.server";
import { getOverview } from "../../app/models/overview.server";
import { TEST_SHOP } from "./constants";

export async function overviewAt(now: Date, days: PeriodDays = 7, shop = TEST_SHOP) {
  await refreshShopMetrics(shop, now);
  const s = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
  return getOverview({ shop, days, now, timezone: s.timezone, holdoutPercent: parseSettings(s.settings).holdout.percent });
}

export const row = (data: Awaited<ReturnType<typeof overviewAt>>, dim: string, key: string) => data.dims[dim]?.find((r) => r.key === key);
