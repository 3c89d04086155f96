// One scheduled tick, as POST /cron/tick runs it: shop profiles backfilled in the background, the engine's tick with
// the channels wired from the environment, expired one-time codes deactivated, idle push subscriptions pruned.
// The route checks the request and answers; this does the work and says what it did.
import { expireIncentives } from "../incentives/service.server";
import { log } from "../log.server";
import { pruneStaleSubscriptions } from "../models/push-subscriptions.server";
import { backfillShopProfiles } from "../models/shop-profile.server";
import { runTick, tickOwner } from "./engine.server";
import { refreshMetrics } from "./metrics-refresh.server";
import { alertDueFollowUps } from "../models/follow-up-alerts.server";
import { buildIncentiveIssuer } from "./incentive-issuer.server";
import { buildChannels, buildStaffNotifier } from "./wiring.server";

// Push subscriptions neither refreshed by a storefront visit nor used for a delivered push in this long are most
// likely dropped by the browser: deleted, at most once an hour per process (a scan of the table).
const PUSH_SUBSCRIPTION_IDLE_DAYS = Number(process.env.PUSH_SUBSCRIPTION_IDLE_DAYS ?? 90);
let lastPruneAt: number | null = null;

async function prunePushSubscriptions(now: Date): Promise<number> {
  if (lastPruneAt !== null && now.getTime() - lastPruneAt < 3_600_000 && now.getTime() >= lastPruneAt) return 0;
  lastPruneAt = now.getTime();
  return pruneStaleSubscriptions({ before: new Date(now.getTime() - PUSH_SUBSCRIPTION_IDLE_DAYS * 86_400_000) }).catch((err) => {
    log.warn({ err: String(err) }, "push subscription pruning failed; retried within the hour");
    lastPruneAt = null;
    return 0;
  });
}

/** What a tick did, as the cron route answers it. */
export async function runCronTick(o: { now: Date; budgetMs?: number; batchSize?: number; env?: NodeJS.ProcessEnv }) {
  const e = o.env ?? process.env;
  const { now } = o;
  // Shops without a profile from Shopify yet (installed before profiles existed, or Shopify was down at install):
  // loaded in the background, at most once per 15 minutes each; the tick does not wait (never rejects).
  void backfillShopProfiles({ now });
  const r = await runTick({
    owner: tickOwner(),
    now,
    channels: buildChannels(e),
    staffNotifier: buildStaffNotifier(e),
    incentives: buildIncentiveIssuer(),
    budgetMs: o.budgetMs ?? Number(e.CRON_BUDGET_MS ?? 25_000),
    batchSize: o.batchSize,
    reconcile: {}, // orders and abandoned checkouts read back from the Admin API (app/recovery/reconcile.server.ts)
  });
  // Expired, unused one-time codes are deactivated in Shopify on the same schedule (bounded per tick; what is not
  // reached, or fails, is picked up by the next tick). Never fails the tick.
  const incentives = await expireIncentives({ now, limit: 50 }).catch((err) => {
    log.warn({ err: String(err) }, "incentive expiry failed; retried next tick");
    return null;
  });
  const pushSubscriptionsPruned = await prunePushSubscriptions(now);
  // Follow-ups that fell due: their owner's team is alerted once (never fails the tick).
  const followUps = await alertDueFollowUps({ now, notifier: buildStaffNotifier(e), apiKey: e.SHOPIFY_API_KEY }).catch((err) => {
    log.warn({ err: String(err) }, "follow-up alerts failed; retried next tick");
    return { alerted: 0, failed: 0 };
  });
  // Daily metrics for the Overview, from what this tick (and the webhooks since the last one) wrote.
  const metrics = await refreshMetrics({
    now,
    budgetMs: Number(e.METRICS_BUDGET_MS ?? 10_000),
    minIntervalMs: Number(e.METRICS_REFRESH_MS ?? 5 * 60_000),
  });
  return {
    metrics,
    followUpAlerts: followUps.alerted,
    incentivesExpired: incentives ? incentives.deactivated + incentives.expired : 0,
    pushSubscriptionsPruned,
    claimed: r.claimed,
    sent: r.sent,
    skipped: r.skipped,
    deferred: r.deferred,
    failed: r.failed,
    recordedApart: r.recordedApart,
    alreadyAccepted: r.alreadyAccepted,
    retried: r.retried,
    lost: r.lost,
    handoffs: r.handoffs,
    staffAlerts: r.staffAlerts,
    purged: r.purged,
    stillDue: r.stillDue,
    reconcile: r.reconcile,
    ms: r.ms,
  };
}
