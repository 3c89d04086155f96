// Incentive rows: one per (checkout, slot), written as `pending` before Shopify is called, so a code is made once
// per checkout step however many ticks race for it.
import { Prisma, type Incentive as IncentiveColumns } from "@prisma/client";
import { db } from "../db.server";
import { GIVEN_STATUSES, ISSUED_STATUSES } from "../incentives/rules";
import { audit } from "./audit.server";
import { int64, withNumbers, type Int64AsNumber } from "./int64-columns.server";

/** An incentive row, its amounts as numbers (int64-columns.server.ts). */
export type Incentive = Int64AsNumber<IncentiveColumns>;
const row = (r: IncentiveColumns): Incentive => withNumbers(r);
const rowOrNull = (r: IncentiveColumns | null): Incentive | null => (r ? withNumbers(r) : null);

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function findIncentiveBySlot(checkoutId: string, slot: string) {
  return rowOrNull(await db.incentive.findUnique({ where: { checkoutId_slot: { checkoutId, slot } } }));
}

export interface PendingIncentiveData {
  shop: string;
  checkoutId: string;
  slot: string;
  source: "automatic" | "manual";
  kind: string;
  percentOff: number | null;
  amountOffMinor: number | null;
  currency: string | null;
  code: string;
  customerKey: string | null;
  startsAt: Date;
  endsAt: Date;
  now: Date;
}

/** Inserts the pending row; null when another caller holds this (checkout, slot) or this code already. */
export async function insertPendingIncentive(d: PendingIncentiveData): Promise<Incentive | null> {
  try {
    return row(
      await db.incentive.create({
        data: {
          shop: d.shop,
          checkoutId: d.checkoutId,
          slot: d.slot,
          source: d.source,
          kind: d.kind,
          percentOff: d.percentOff,
          amountOffMinor: d.amountOffMinor,
          currency: d.currency,
          code: d.code,
          status: "pending",
          customerKey: d.customerKey,
          startsAt: d.startsAt,
          endsAt: d.endsAt,
          createdAt: d.now,
          updatedAt: d.now,
        },
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/** Takes over a pending row whose creator went quiet (crashed between insert and Shopify). One caller wins. */
export async function reclaimStalePending(id: string, staleBefore: Date, now: Date): Promise<boolean> {
  const res = await db.incentive.updateMany({ where: { id, status: "pending", updatedAt: { lt: staleBefore } }, data: { updatedAt: now } });
  return res.count === 1;
}

export async function markIncentiveActive(id: string, shopifyDiscountId: string, now: Date) {
  return row(await db.incentive.update({ where: { id }, data: { status: "active", shopifyDiscountId, error: null, updatedAt: now } }));
}

export async function markIncentiveFailed(id: string, error: string, now: Date) {
  return row(await db.incentive.update({ where: { id }, data: { status: "failed", error: error.slice(0, 1000), updatedAt: now } }));
}

/**
 * Whether a code (not a failed attempt) went to this shopper since `since`, on any checkout. The slot being issued
 * is left out, so a concurrent caller for the same step does not mistake the winner's pending row for a second code.
 */
export async function givenToCustomerSince({
  shop,
  customerKey,
  since,
  except,
}: {
  shop: string;
  customerKey: string;
  since: Date;
  except?: { checkoutId: string; slot: string };
}) {
  const n = await db.incentive.count({
    where: {
      shop,
      customerKey,
      status: { in: [...GIVEN_STATUSES] },
      createdAt: { gte: since },
      ...(except ? { OR: [{ checkoutId: null }, { checkoutId: { not: except.checkoutId } }, { slot: { not: except.slot } }] } : {}),
    },
  });
  return n > 0;
}

export async function countManualIncentives(checkoutId: string) {
  return db.incentive.count({ where: { checkoutId, source: "manual" } });
}

/** Active codes whose end has passed and were never used: to deactivate. Oldest first, bounded per run. */
export async function listExpiredActive({ shop, now, take }: { shop?: string; now: Date; take: number }) {
  const rows = await db.incentive.findMany({
    where: { ...(shop ? { shop } : {}), status: "active", usedAt: null, endsAt: { lte: now } },
    orderBy: { endsAt: "asc" },
    take,
  });
  return rows.map(row);
}

/** Pending rows that never reached Shopify and whose end has passed: nothing to deactivate, just close them. */
export async function closeExpiredPending({ shop, now }: { shop?: string; now: Date }) {
  const res = await db.incentive.updateMany({
    where: { ...(shop ? { shop } : {}), status: "pending", endsAt: { lte: now } },
    data: { status: "expired", updatedAt: now },
  });
  return res.count;
}

export async function markIncentiveClosed(id: string, status: "expired" | "deactivated", now: Date, error?: string) {
  // Only an unused active code is closed: orders/create may have marked it used meanwhile.
  const res = await db.incentive.updateMany({
    where: { id, status: "active", usedAt: null },
    data: { status, updatedAt: now, ...(error ? { error: error.slice(0, 1000) } : {}) },
  });
  return res.count === 1;
}

export async function auditManualIncentive(e: {
  shop: string;
  checkoutId: string;
  actor: string;
  code: string;
  percentOff: number;
  status: string;
  error?: string | null;
}) {
  await audit(db, {
    shop: e.shop,
    checkoutId: e.checkoutId,
    actor: e.actor,
    action: "incentive_manual",
    toValue: e.code,
    detail: { percentOff: e.percentOff, status: e.status, ...(e.error ? { error: e.error } : {}) },
  });
}

export interface IncentiveStats {
  issued: number;
  used: number;
  expired: number;
  failed: number;
  active: number;
  useRate: number; // used / issued, 0..1
  discountCostMinor: number;
  recoveredWithIncentive: { count: number; revenueMinor: number };
  recoveredWithoutIncentive: { count: number; revenueMinor: number };
}

/** For the Incentives page. A recovery is "with incentive" when one of our codes was used on its order. */
export async function incentiveStats({ shop }: { shop: string }): Promise<IncentiveStats> {
  const grouped = await db.incentive.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } });
  const count = (statuses: readonly string[]) => grouped.filter((g) => statuses.includes(g.status)).reduce((s, g) => s + g._count._all, 0);
  const cost = await db.incentive.aggregate({ where: { shop, status: "used" }, _sum: { discountMinor: true } });
  const withInc = await db.checkout.aggregate({
    where: { shop, status: "recovered", incentives: { some: { status: "used" } } },
    _sum: { recoveredRevenueMinor: true },
    _count: { _all: true },
  });
  const withoutInc = await db.checkout.aggregate({
    where: { shop, status: "recovered", incentives: { none: { status: "used" } } },
    _sum: { recoveredRevenueMinor: true },
    _count: { _all: true },
  });
  const issued = count(ISSUED_STATUSES);
  const used = count(["used"]);
  return {
    issued,
    used,
    expired: count(["expired", "deactivated"]),
    failed: count(["failed"]),
    active: count(["active"]),
    useRate: issued > 0 ? used / issued : 0,
    discountCostMinor: int64(cost._sum.discountMinor ?? 0),
    recoveredWithIncentive: { count: withInc._count._all, revenueMinor: int64(withInc._sum.recoveredRevenueMinor ?? 0) },
    recoveredWithoutIncentive: { count: withoutInc._count._all, revenueMinor: int64(withoutInc._sum.recoveredRevenueMinor ?? 0) },
  };
}

export async function listRecentIncentives({ shop, take = 25 }: { shop: string; take?: number }) {
  const rows = await db.incentive.findMany({
    where: { shop },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      code: true,
      source: true,
      kind: true,
      percentOff: true,
      amountOffMinor: true,
      currency: true,
      status: true,
      error: true,
      slot: true,
      createdAt: true,
      endsAt: true,
      usedAt: true,
      usedOrderId: true,
      discountMinor: true,
    },
  });
  return rows.map(withNumbers);
}
