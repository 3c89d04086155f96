// A checkout that reached us late (webhook delivered hours after X-Shopify-Triggered-At, or found by reconciliation):
// its steps already past by more than the grace are written to the ledger as skipped/"late" (one row per channel of
// the step, so the log shows them) and its timeline moves to the next step still in time (app/lib/late-steps.ts).
// Only a checkout nothing was sent to yet, not leased by a tick: a sequence already under way is the engine's.
import { lateStepsPlan } from "../lib/late-steps";
import { enabledSteps, type Settings } from "../lib/settings";
import { db } from "../db.server";

export const LATE = "late";

export async function skipLateSteps(a: { shop: string; token: string; seenAt: Date; now: Date; settings: Settings }): Promise<number> {
  return db.$transaction(async (tx) => {
    const c = await tx.checkout.findUnique({
      where: { shop_token: { shop: a.shop, token: a.token } },
      select: { id: true, status: true, abandonedAt: true, nextStepIndex: true, nextDueAt: true, leaseOwner: true, completedAt: true, orderId: true },
    });
    if (!c || !c.abandonedAt || !c.nextDueAt || c.leaseOwner || c.completedAt || c.orderId || !["open", "abandoned"].includes(c.status)) return 0;
    if (await tx.message.count({ where: { checkoutId: c.id } })) return 0;
    const plan = lateStepsPlan({ settings: a.settings, abandonedAt: c.abandonedAt, fromIndex: c.nextStepIndex, seenAt: a.seenAt });
    if (!plan) return 0;
    const upd = await tx.checkout.updateMany({
      where: { id: c.id, nextStepIndex: c.nextStepIndex, leaseOwner: null },
      data: { nextStepIndex: plan.nextStepIndex, nextDueAt: plan.nextDueAt },
    });
    if (!upd.count) return 0;
    const steps = enabledSteps(a.settings);
    const rows = plan.late.flatMap((i) =>
      [...new Set(steps[i].channels)].map((channel) => ({
        shop: a.shop,
        checkoutId: c.id,
        stepId: steps[i].id,
        stepIndex: i,
        channel,
        status: "skipped",
        skipReason: LATE,
        createdAt: a.now,
      })),
    );
    for (const data of rows) await tx.message.create({ data });
    return plan.late.length;
  });
}
