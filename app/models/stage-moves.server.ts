// Stage moves made by a person (the board, the checkout page, a message sent by hand), with what they mean for
// automation: Lost or Recovered ends the checkout's reminders; Lost back to Contacted resumes them when resumePlan
// says so. Everything in one transaction with the stage change, audited.
import type { Prisma } from "@prisma/client";
import { db } from "../db.server";
import { InputError } from "../lib/errors";
import type { Stage } from "../lib/pipeline";
import { parseSettings } from "../lib/settings";
import { manualStopReason, resumePlan, resumeText, type ResumePlan } from "../lib/stage-moves";
import { audit } from "./audit.server";
import { moveStageTx } from "./pipeline.server";

const ACTIVE = new Set(["open", "abandoned"]);
const OPEN_ROWS = ["pending", "sending"];

export interface HandMove {
  shop: string;
  checkoutId: string;
  to: Stage;
  actor: string;
  now: Date;
  reason?: string;
}

export type HandMoveResult = { moved: false } | { moved: true; stopped: boolean; resume: ResumePlan | null };

async function shopContext(tx: Prisma.TransactionClient, shop: string) {
  const s = await tx.shop.findUnique({ where: { domain: shop }, select: { settings: true, timezone: true } });
  return { settings: parseSettings(s?.settings), timeZone: s?.timezone ?? null };
}

/** Move a card by hand inside the caller's transaction; false when the pipeline does not allow the move. */
export async function moveByHandTx(tx: Prisma.TransactionClient, a: HandMove): Promise<HandMoveResult> {
  const before = await tx.checkout.findFirst({
    where: { id: a.checkoutId, shop: a.shop },
    select: { stage: true, status: true, stopReason: true, nextStepIndex: true, abandonedAt: true, shopifyCreatedAt: true, completedAt: true, orderId: true },
  });
  if (!before) throw new InputError(404, "checkout not found");
  const moved = await moveStageTx(tx, { shop: a.shop, checkoutId: a.checkoutId, to: a.to, actor: a.actor, now: a.now, reason: a.reason });
  if (!moved) return { moved: false };

  const stop = manualStopReason(a.to);
  if (stop) {
    if (!ACTIVE.has(before.status)) return { moved: true, stopped: false, resume: null };
    await tx.checkout.update({
      where: { id: a.checkoutId },
      data: { nextDueAt: null, leaseOwner: null, leaseUntil: null, status: "stopped", stopReason: stop },
    });
    // Messages queued for the checkout (a retry waiting, a row written but not sent) will not go out.
    const open = await tx.message.updateMany({
      where: { checkoutId: a.checkoutId, status: { in: OPEN_ROWS }, channel: { not: "staff_alert" } },
      data: { status: "skipped", skipReason: stop, nextAttemptAt: null },
    });
    await audit(tx, {
      shop: a.shop,
      checkoutId: a.checkoutId,
      actor: a.actor,
      action: "automation_stopped",
      toValue: stop,
      detail: { skippedMessages: open.count },
    });
    return { moved: true, stopped: true, resume: null };
  }

  if (before.stage === "lost" && a.to === "contacted") {
    const { settings, timeZone } = await shopContext(tx, a.shop);
    const plan = resumePlan(
      {
        abandonedAt: before.abandonedAt ?? before.shopifyCreatedAt,
        nextStepIndex: before.nextStepIndex,
        stopReason: before.stopReason,
        completed: !!(before.completedAt || before.orderId),
      },
      settings,
      timeZone,
      a.now,
    );
    if (plan.resumes) {
      await tx.checkout.update({
        where: { id: a.checkoutId },
        data: { status: "abandoned", stopReason: null, nextStepIndex: plan.stepIndex, nextDueAt: plan.at, leaseOwner: null, leaseUntil: null },
      });
      await audit(tx, {
        shop: a.shop,
        checkoutId: a.checkoutId,
        actor: a.actor,
        action: "automation_resumed",
        toValue: plan.at.toISOString(),
        detail: { step: plan.stepNumber },
      });
    } else {
      await audit(tx, { shop: a.shop, checkoutId: a.checkoutId, actor: a.actor, action: "automation_not_resumed", toValue: plan.why });
    }
    return { moved: true, stopped: false, resume: plan };
  }
  return { moved: true, stopped: false, resume: null };
}

export async function moveByHand(a: HandMove): Promise<HandMoveResult> {
  return db.$transaction((tx) => moveByHandTx(tx, a));
}

/** For Lost cards: the sentence each shows before it is moved back to Contacted (what moveByHand will then do). */
export async function resumeNotes({ shop, checkoutIds, now }: { shop: string; checkoutIds: string[]; now: Date }): Promise<Record<string, string>> {
  if (!checkoutIds.length) return {};
  const [s, rows] = await Promise.all([
    db.shop.findUnique({ where: { domain: shop }, select: { settings: true, timezone: true } }),
    db.checkout.findMany({
      where: { shop, id: { in: checkoutIds }, stage: "lost" },
      select: { id: true, stopReason: true, nextStepIndex: true, abandonedAt: true, shopifyCreatedAt: true, completedAt: true, orderId: true },
    }),
  ]);
  const settings = parseSettings(s?.settings);
  const timeZone = s?.timezone ?? null;
  const out: Record<string, string> = {};
  for (const c of rows) {
    const plan = resumePlan(
      { abandonedAt: c.abandonedAt ?? c.shopifyCreatedAt, nextStepIndex: c.nextStepIndex, stopReason: c.stopReason, completed: !!(c.completedAt || c.orderId) },
      settings,
      timeZone,
      now,
    );
    out[c.id] = resumeText(plan, settings, timeZone);
  }
  return out;
}
