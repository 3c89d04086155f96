// The engine's writes for one checkout outside the bulk statements of recovery.server.ts: the shops a tick works for,
// a checkout's sequence stopped, a checkout handed to a person, and an address suppressed after a bounce.
import type { Db } from "../db.server";
import { parseSettings, type Settings } from "../lib/settings";
import { averageOrderMinor } from "../lib/scoring";
import type { StopReason } from "../lib/eligibility";
import { audit } from "./audit.server";
import { moveStageTx } from "./pipeline.server";
import type { Shop } from "@prisma/client";

export interface TickShop {
  shop: Shop;
  settings: Settings;
  averageOrderMinor: number | null;
}

/** The installed shops among `domains` (an uninstalled or unknown one is absent). */
export async function loadTickShops(db: Db, domains: string[]): Promise<TickShop[]> {
  const rows = await db.shop.findMany({ where: { domain: { in: domains } } });
  return rows
    .filter((shop) => !shop.uninstalledAt)
    .map((shop) => ({ shop, settings: parseSettings(shop.settings), averageOrderMinor: averageOrderMinor(shop.orderCount, shop.orderRevenueMinor) }));
}

/** Every shop's domain grouped by its message retention in days (the tick's purge). */
export async function shopsByRetentionDays(db: Db): Promise<Map<number, string[]>> {
  const shops = await db.shop.findMany({ select: { domain: true, settings: true } });
  const byDays = new Map<number, string[]>();
  for (const s of shops) {
    const days = parseSettings(s.settings).retentionDays;
    byDays.set(days, [...(byDays.get(days) ?? []), s.domain]);
  }
  return byDays;
}

/**
 * Ends a checkout's sequence while `owner` holds its lease: no next step, lease released, the reason recorded; the
 * status becomes expired (window passed: the card moves to Lost) or stopped, except for an order or an earlier stop,
 * which keep theirs. Answers whether the card moved to Lost.
 */
export async function stopCheckoutSequence(
  db: Db,
  a: { id: string; shop: string; owner: string; reason: StopReason; lost: boolean; actor: string; now: Date },
): Promise<{ movedToLost: boolean }> {
  const keepStatus = a.reason === "order_completed" || a.reason === "already_stopped";
  return db.$transaction(async (tx) => {
    const upd = await tx.checkout.updateMany({
      where: { id: a.id, leaseOwner: a.owner },
      data: { nextDueAt: null, leaseOwner: null, leaseUntil: null, stopReason: a.reason, ...(keepStatus ? {} : { status: a.lost ? "expired" : "stopped" }) },
    });
    if (!upd.count || !a.lost) return { movedToLost: false };
    const moved = await moveStageTx(tx, { shop: a.shop, checkoutId: a.id, to: "lost", actor: a.actor, now: a.now, reason: a.reason });
    return { movedToLost: moved };
  });
}

/** Marks a checkout handed off to a person (once: a second call changes nothing), with its priority, and audits it. */
export async function markHandedOff(
  db: Db,
  a: { id: string; shop: string; reasons: string; priority: string; score: number; factors: string[]; actor: string; now: Date },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const upd = await tx.checkout.updateMany({
      where: { id: a.id, handoff: false },
      data: { handoff: true, handoffReason: a.reasons, handedOffAt: a.now, priority: a.priority, priorityScore: a.score },
    });
    if (!upd.count) return false;
    await audit(tx, {
      shop: a.shop,
      checkoutId: a.id,
      actor: a.actor,
      action: "handoff",
      toValue: a.reasons,
      detail: { priority: a.priority, score: a.score, factors: a.factors },
    });
    return true;
  });
}

/** Suppresses an address (already hashed) on a channel after a permanent delivery failure; an existing row stays. */
export async function suppressBouncedAddress(db: Db, a: { shop: string; channel: string; address: string; now: Date }): Promise<void> {
  await db.suppression.upsert({
    where: { shop_channel_address: { shop: a.shop, channel: a.channel, address: a.address } },
    create: { shop: a.shop, channel: a.channel, address: a.address, reason: "bounce", createdAt: a.now },
    update: {},
  });
}
