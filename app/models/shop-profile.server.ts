// The shop's profile (name, emails, currency, time zone, address, plan) from Shopify, and the columns that record
// how it went: profileSyncedAt (the moment the stored profile describes), profileAttemptAt (last try, success or
// not: throttles backfills) and profileError (why the last try failed, in words for Settings).
//
// Sources: loadShopProfile (install, "Reload from Shopify", backfill) and applyShopUpdate (the shop/update webhook).
// Shops installed before profiles existed are backfilled by startProfileBackfill (an admin load) and
// backfillShopProfiles (a tick): fire-and-forget, at most one attempt per shop per PROFILE_RETRY_MS.
import type { Prisma } from "@prisma/client";
import { ZodError } from "zod";
import { db } from "../db.server";
import { profileErrorText, profileFromGraphql, profileFromShopUpdate, type ProfileUpdate } from "../lib/shop-profile";
import { log } from "../log.server";
import { AdminGraphqlError, adminGraphqlFor, type AdminGraphql, type AdminGraphqlOptions } from "../shopify/admin-graphql.server";
import { ShopProfile } from "../shopify/graphql/shop-profile";
import { recordWebhookEvent } from "./webhook-events.server";
import { forgetShopCache } from "./shops.server";

/** After a failed (or any) attempt, a backfill waits this long before trying the same shop again. */
export const PROFILE_RETRY_MS = 15 * 60_000;

export type ProfileLoadResult = { ok: true; update: ProfileUpdate } | { ok: false; error: string };

function toData(u: ProfileUpdate): Prisma.ShopUpdateInput {
  return { ...u };
}

/**
 * Ask Shopify for the shop and store what it says. Never throws for Shopify's sake: a failure is recorded in
 * profileError (and logged with the operation, never the token) and returned.
 * `claimedAt`: set when a backfill claimed the attempt; the result is written only while that claim is the shop's
 * latest attempt (a shop row deleted and made again meanwhile, e.g. reinstalled, is left alone).
 */
export async function loadShopProfile(a: {
  domain: string;
  now: Date;
  client?: AdminGraphql;
  graphql?: AdminGraphqlOptions;
  claimedAt?: Date;
}): Promise<ProfileLoadResult> {
  const client = a.client ?? adminGraphqlFor(a.domain, a.graphql);
  const where: Prisma.ShopWhereInput = a.claimedAt ? { domain: a.domain, profileAttemptAt: a.claimedAt } : { domain: a.domain };
  let update: ProfileUpdate;
  try {
    const data = await client.request(ShopProfile, {});
    update = profileFromGraphql(data.shop);
  } catch (error) {
    const kind = error instanceof AdminGraphqlError ? error.kind : error instanceof ZodError ? "invalid" : "unexpected";
    const reason = profileErrorText(kind, error instanceof AdminGraphqlError ? error.detail.status : undefined);
    log.warn({ shop: a.domain, operation: ShopProfile.name, kind, err: (error as Error).message?.slice(0, 200) }, "shop profile: load failed");
    await db.shop.updateMany({ where, data: { profileAttemptAt: a.now, profileError: reason } });
    forgetShopCache(a.domain);
    return { ok: false, error: reason };
  }
  await db.shop.updateMany({ where, data: { ...update, profileSyncedAt: a.now, profileAttemptAt: a.now, profileError: null } });
  forgetShopCache(a.domain);
  log.info({ shop: a.domain, fields: Object.keys(update) }, "shop profile: loaded");
  return { ok: true, update };
}

/**
 * shop/update: apply what the delivery says, unless it describes an older state than the one stored (a delivery
 * late or out of order). Fields the payload leaves null keep their value. Recorded in the webhook ledger in the
 * same transaction (a repeat is a unique violation: answered "duplicate", nothing written).
 */
export async function applyShopUpdate(a: {
  domain: string;
  eventId: string;
  topic: string;
  payload: unknown;
  triggeredAt?: string | null;
  now: Date;
}): Promise<string> {
  const { update, asOf } = profileFromShopUpdate(a.payload, a.triggeredAt);
  const when = asOf && asOf.getTime() <= a.now.getTime() ? asOf : a.now;
  const outcome = await db.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: a.domain }, select: { profileSyncedAt: true } });
    if (!shop) return "unknown_shop";
    if (shop.profileSyncedAt && when.getTime() < shop.profileSyncedAt.getTime()) {
      await recordWebhookEvent(tx, { shop: a.domain, eventId: a.eventId, topic: a.topic, outcome: "stale" });
      return "stale_ignored";
    }
    await recordWebhookEvent(tx, { shop: a.domain, eventId: a.eventId, topic: a.topic });
    await tx.shop.update({ where: { domain: a.domain }, data: { ...toData(update), profileSyncedAt: when, profileError: null } });
    return "shop_updated";
  });
  forgetShopCache(a.domain);
  return outcome;
}

// Backfills started by this process and not yet settled (tests await them; nothing else needs to).
const inFlight = new Set<Promise<unknown>>();

/** Resolves when every backfill this process started has settled. */
export async function profileBackfillsSettled(): Promise<void> {
  while (inFlight.size) await Promise.allSettled([...inFlight]);
}

/** Claim the shop's next attempt (one process wins): no profile yet, and no attempt within PROFILE_RETRY_MS. */
async function claimAttempt(domain: string, now: Date): Promise<boolean> {
  const { count } = await db.shop.updateMany({
    where: {
      domain,
      profileSyncedAt: null,
      uninstalledAt: null,
      OR: [{ profileAttemptAt: null }, { profileAttemptAt: { lt: new Date(now.getTime() - PROFILE_RETRY_MS) } }],
    },
    data: { profileAttemptAt: now },
  });
  return count === 1;
}

function track<T>(p: Promise<T>): Promise<T> {
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p)).catch(() => undefined);
  return p;
}

async function backfillOne(domain: string, now: Date, graphql?: AdminGraphqlOptions): Promise<boolean> {
  if (!(await claimAttempt(domain, now))) return false;
  await loadShopProfile({ domain, now, graphql, claimedAt: now });
  return true;
}

/**
 * For an admin load: when the shop has no profile yet (installed before profiles existed, or the install-time load
 * failed), load it in the background. Returns at once; never throws.
 */
export function startProfileBackfill(a: { domain: string; profileSyncedAt: Date | null; now: Date; graphql?: AdminGraphqlOptions }): void {
  if (a.profileSyncedAt) return;
  void track(
    backfillOne(a.domain, a.now, a.graphql).catch((error) => {
      log.warn({ shop: a.domain, err: (error as Error).message?.slice(0, 200) }, "shop profile: backfill failed");
      return false;
    }),
  );
}

/**
 * For a tick: start loading the profile of up to `limit` installed shops that have none, whose last attempt is older
 * than PROFILE_RETRY_MS. Returns the promise of the whole batch (the tick does not wait for it); never rejects.
 */
export function backfillShopProfiles(a: { now: Date; limit?: number; graphql?: AdminGraphqlOptions }): Promise<number> {
  const run = async () => {
    const shops = await db.shop.findMany({
      where: {
        profileSyncedAt: null,
        uninstalledAt: null,
        OR: [{ profileAttemptAt: null }, { profileAttemptAt: { lt: new Date(a.now.getTime() - PROFILE_RETRY_MS) } }],
      },
      select: { domain: true },
      orderBy: { installedAt: "asc" },
      take: a.limit ?? 10,
    });
    let started = 0;
    for (const s of shops) if (await backfillOne(s.domain, a.now, a.graphql)) started += 1;
    return started;
  };
  return track(
    run().catch((error) => {
      log.warn({ err: (error as Error).message?.slice(0, 200) }, "shop profile: tick backfill failed");
      return 0;
    }),
  );
}
