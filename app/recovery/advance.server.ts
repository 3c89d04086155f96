// Phase "advance": every timeline of the batch moves on — the next step (or a retry, or the window's end), the lease
// released, and Abandoned -> Contacted on a first send — in one statement; a checkout whose advance a statement
// refuses is released for a visit later (its messages are recorded, so that visit sends nothing twice).
import { scheduleAfter } from "../lib/cadence";
import { log } from "../log.server";
import { advanceCheckouts, eachApart, releaseForRetry, statementError, type Advance, type DueCheckout } from "../models/recovery.server";
import { advanceOf, type Decisions } from "./decide.server";
import { ENGINE_ACTOR, type Ctx, type StepWork } from "./tick-context";

/** A checkout whose advance could not be written is visited again this much later. */
const RECORD_RETRY_MS = 15 * 60_000;

/** Where a worked step leaves the timeline. */
function stepAdvance(w: StepWork, now: Date): Advance {
  const { c, step, plan } = w;
  const sent = w.sentNow > 0 || plan.sentBefore;
  let advance: Advance;
  if (w.waitUntil) advance = advanceOf(c, step.index, w.waitUntil, "abandoned", plan.score);
  else {
    const next = scheduleAfter({ settings: w.shop.settings, abandonedAt: c.abandonedAt ?? c.shopifyCreatedAt, doneIndex: step.index, now, justSent: sent });
    advance = advanceOf(c, next.nextStepIndex, next.nextDueAt, "abandoned", plan.score);
  }
  // Sent now, or by an owner that recorded the send and died before advancing: the first message went out.
  advance.contact = sent && c.stage === "abandoned";
  advance.holdout = plan.recordHoldout;
  return advance;
}

export async function advanceBatch(ctx: Ctx, checkouts: DueCheckout[], d: Decisions, dropped: Set<string>, now: Date) {
  const { sql, opts, res } = ctx;
  const advances: Advance[] = [...d.waits];
  for (const w of d.work.values()) if (!dropped.has(w.c.id)) advances.push(stepAdvance(w, now));
  const shopOf = new Map(checkouts.map((c) => [c.id, c.shop]));
  const notBefore = new Date(ctx.claimCutoff.getTime() + 1);
  const advanceAll = async (rows: Advance[]) => {
    // A next step already due lands just after the tick's cutoff: due at once, but for the next tick (claimed once per tick).
    const landed = rows.map((r) => (r.nextDueAt && r.nextDueAt < notBefore ? { ...r, nextDueAt: notBefore } : r));
    const { contacted } = await advanceCheckouts(sql, { owner: opts.owner, rows: landed, now, shopOf, actor: ENGINE_ACTOR });
    res.contacted += contacted.length;
  };
  const refused = await eachApart(advances, advanceAll, (a) => advanceAll([a]));
  for (const { row, error } of refused) {
    res.recordedApart += 1;
    log.error({ checkoutId: row.id, shop: shopOf.get(row.id), err: statementError(error) }, "recovery: checkout not advanced; visited again in 15 min");
    await releaseForRetry(sql, { id: row.id, owner: opts.owner, at: new Date(now.getTime() + RECORD_RETRY_MS), now }).catch((err: unknown) =>
      log.error({ checkoutId: row.id, err: statementError(err) }, "recovery: checkout not released; claimed again after its lease"),
    );
  }
}
