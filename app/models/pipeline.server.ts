// Stage changes, always with an audit entry naming who or what made them.
import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import { InputError } from "../lib/errors";
import { canMove, isStage, type Stage } from "../lib/pipeline";
import { audit } from "./audit.server";

export interface MoveStageArgs {
  shop: string;
  checkoutId: string;
  to: Stage;
  actor: string; // "system:engine", "staff:Jane", "webhook:whatsapp"
  now: Date;
  reason?: string;
}

/** Move inside the caller's transaction. Returns false (and changes nothing) when the move is not allowed. */
export async function moveStageTx(tx: Prisma.TransactionClient, a: MoveStageArgs): Promise<boolean> {
  const c = await tx.checkout.findFirst({ where: { id: a.checkoutId, shop: a.shop }, select: { stage: true } });
  if (!c) throw new InputError(404, "checkout not found");
  const from = isStage(c.stage) ? c.stage : "abandoned";
  if (from === a.to || !canMove(from, a.to)) return false;
  const res = await tx.checkout.updateMany({
    where: { id: a.checkoutId, shop: a.shop, stage: from },
    data: { stage: a.to, stageChangedAt: a.now, ...(a.to === "contacted" ? { firstContactedAt: a.now } : {}) },
  });
  if (res.count === 0) return false; // changed under us
  await audit(tx, {
    shop: a.shop,
    checkoutId: a.checkoutId,
    actor: a.actor,
    action: "stage_change",
    fromValue: from,
    toValue: a.to,
    detail: a.reason ? { reason: a.reason } : undefined,
  });
  return true;
}

export async function moveStage(a: MoveStageArgs): Promise<boolean> {
  return db.$transaction((tx) => moveStageTx(tx, a));
}
