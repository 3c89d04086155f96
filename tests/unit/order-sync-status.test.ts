import { describe, expect, it } from "vitest";
import { ORDER_SYNC_WAIT_HOURS, orderSyncSummary } from "../../app/lib/order-sync-status";
import { RECONCILE_DEFAULTS } from "../../app/recovery/reconcile.server";
import { HOUR_MS } from "../helpers/time";

describe("orderSyncSummary (Settings: orders checked with Shopify)", () => {
  const base = { ordersSyncedAt: null, syncAttemptAt: null, syncError: null, timezone: "Asia/Tokyo" };

  it("states the wait the engine really applies", () => {
    expect(RECONCILE_DEFAULTS.maxDeferMs).toBe(ORDER_SYNC_WAIT_HOURS * HOUR_MS);
  });

  it("no session: says what to do, and that reminders are not held", () => {
    const s = orderSyncSummary({ ...base, syncError: "no_session" });
    expect(s.tone).toBe("warning");
    expect(s.message).toContain("open the app from the Shopify admin");
  });

  it("a failed check: merchant words and the wait, never the internal error", () => {
    const s = orderSyncSummary({ ...base, ordersSyncedAt: new Date("2026-12-04T01:00:00Z"), syncError: "orders: network: ECONNRESET" });
    expect(s).toMatchObject({ tone: "warning", checkedAt: "4 Dec 2026, 10:00 (Asia/Tokyo)" });
    expect(s.message).toContain(`after ${ORDER_SYNC_WAIT_HOURS} hours`);
    expect(s.message).not.toContain("ECONNRESET");
  });

  it("never checked, and checked fine", () => {
    expect(orderSyncSummary(base)).toMatchObject({ tone: "ok", checkedAt: null });
    expect(orderSyncSummary({ ...base, ordersSyncedAt: new Date("2026-12-04T01:00:00Z") }).tone).toBe("ok");
  });
});
