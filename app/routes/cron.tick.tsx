// POST /cron/tick: the scheduler's entry point (system cron, a platform cron job, a Kubernetes CronJob, `npm run cron`).
// Guarded by `Authorization: Bearer $CRON_SECRET`, compared in constant time. Runs one engine tick within a time budget
// and answers what it did. `now` in the body is honoured only when NODE_ENV=test or DEMO_MODE=1 (never in production).
import { createHash } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { buildChannels, buildStaffNotifier } from "../recovery/wiring.server";
import { expireIncentives } from "../incentives/service.server";
import { log } from "../log.server";
import { pruneStaleSubscriptions } from "../models/push-subscriptions.server";
import { backfillShopProfiles } from "../models/shop-profile.server";
import { runTick, tickOwner } from "../recovery/engine.server";
import { buildIncentiveIssuer } from "../recovery/incentive-issuer.server";
import { safeEqual } from "../lib/safe-equal";
import { jsonResponse } from "../lib/json-response";

const BodySchema = z
  .object({
    now: z.string().datetime({ offset: true }).optional(),
    budgetMs: z.number().int().min(100).max(55_000).optional(),
    batchSize: z.number().int().min(1).max(1_000).optional(),
  })
  .strict();

const json = (body: unknown, status = 200) => jsonResponse(status, body, { "Cache-Control": "no-store" });

/** Constant-time comparison of the bearer token with the secret (as SHA-256 digests, so the length is never compared). */
export function bearerMatches(header: string | null, secret: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  const digest = (v: string) => createHash("sha256").update(v).digest("hex");
  return safeEqual(digest(m ? m[1].trim() : ""), digest(secret)) && !!m;
}

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

function clockOverrideAllowed(): boolean {
  return process.env.NODE_ENV === "test" || process.env.DEMO_MODE === "1";
}

export async function loader() {
  return json({ error: "use POST" }, 405);
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "use POST" }, 405);
  const secret = process.env.CRON_SECRET?.trim();
  if (!secret) return json({ error: "CRON_SECRET is not set: the tick endpoint is disabled until it is" }, 503);
  if (!bearerMatches(request.headers.get("authorization"), secret)) return json({ error: "unauthorized" }, 401);

  let body: z.infer<typeof BodySchema> = {};
  const text = await request.text();
  if (text.trim()) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return json({ error: "body must be JSON" }, 400);
    }
    const parsed = BodySchema.safeParse(raw);
    if (!parsed.success) return json({ error: `invalid body: ${parsed.error.issues[0].path.join(".") || "_"} ${parsed.error.issues[0].message}` }, 400);
    body = parsed.data;
  }
  if (body.now && !clockOverrideAllowed()) return json({ error: "now is accepted only when NODE_ENV=test or DEMO_MODE=1" }, 400);

  const now = body.now ? new Date(body.now) : new Date();
  // Shops without a profile from Shopify yet (installed before profiles existed, or Shopify was down at install):
  // loaded in the background, at most once per 15 minutes each; the tick does not wait (never rejects).
  void backfillShopProfiles({ now });
  try {
    const r = await runTick({
      owner: tickOwner(),
      now,
      channels: buildChannels(),
      staffNotifier: buildStaffNotifier(),
      incentives: buildIncentiveIssuer(),
      budgetMs: body.budgetMs ?? Number(process.env.CRON_BUDGET_MS ?? 25_000),
      batchSize: body.batchSize,
      reconcile: {}, // orders and abandoned checkouts read back from the Admin API (app/recovery/reconcile.server.ts)
    });
    // Expired, unused one-time codes are deactivated in Shopify on the same schedule (bounded per tick; what is not
    // reached, or fails, is picked up by the next tick). Never fails the tick.
    const incentives = await expireIncentives({ now, limit: 50 }).catch((err) => {
      log.warn({ err: String(err) }, "incentive expiry failed; retried next tick");
      return null;
    });
    const pushSubscriptionsPruned = await prunePushSubscriptions(now);
    return json({
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
    });
  } catch (err) {
    log.error({ err: String(err) }, "cron tick failed");
    return json({ error: "tick failed; see the server log" }, 500);
  }
}
