// What Settings says about reconciliation (app/recovery/reconcile.server.ts): when the app last confirmed with Shopify
// which orders exist, and what that means for reminders. Pure; words for the merchant, never the internal error.

import { formatInZone } from "./shop-view";

/** Keep equal to RECONCILE_DEFAULTS.maxDeferMs: how long reminders wait for Shopify's orders before going out anyway. */
export const ORDER_SYNC_WAIT_HOURS = 2;

export interface OrderSyncState {
  ordersSyncedAt: Date | null;
  syncAttemptAt: Date | null;
  syncError: string | null;
  timezone: string | null;
}

export interface OrderSyncSummary {
  /** "4 Dec 2026, 10:15 (Asia/Tokyo)", or null when the app has not checked yet. */
  checkedAt: string | null;
  tone: "ok" | "warning";
  message: string;
}

export function orderSyncSummary(s: OrderSyncState): OrderSyncSummary {
  const checkedAt = s.ordersSyncedAt ? formatInZone(s.ordersSyncedAt, s.timezone) : null;
  const why = "Before each reminder the app checks with Shopify that the shopper has not ordered, in case an order notification was late or lost.";
  if (s.syncError === "no_session") {
    return {
      checkedAt,
      tone: "warning",
      message: `${why} It has no access to the store yet: open the app from the Shopify admin. Reminders are not held meanwhile.`,
    };
  }
  if (s.syncError) {
    return {
      checkedAt,
      tone: "warning",
      message: `${why} Shopify could not be reached at the last check; the app retries every minute, and after ${ORDER_SYNC_WAIT_HOURS} hours without an answer reminders go out anyway.`,
    };
  }
  if (!s.ordersSyncedAt) return { checkedAt, tone: "ok", message: `${why} The first check runs with the next reminders.` };
  return { checkedAt, tone: "ok", message: why };
}
