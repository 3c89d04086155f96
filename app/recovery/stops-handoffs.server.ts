// Phases "stop" and "handoff": sequences that end (an order, the window passed, an exclusion, a person took over) and
// checkouts handed to a person, whose staff alert goes through the ledger like any message: written first, sent once.
import { checkoutViewOf } from "../lib/checkout-view";
import { retryAt } from "../lib/cadence";
import { handoffSummary } from "../lib/handoff";
import { formatMoney } from "../lib/money";
import { HANDOFF_STEP, OPEN_STATUSES } from "../lib/plan-checkout";
import { adminCheckoutUrl } from "../lib/admin-links";
import { log } from "../log.server";
import { insertLedgerRows, markFailed, markRetry, markSent, markSkipped, statementError, type DueCheckout } from "../models/recovery.server";
import { markHandedOff, stopCheckoutSequence } from "../models/recovery-outcomes.server";
import type { SendResult } from "../channels/types";
import { ledgerRow, type HandoffWork, type StopWork } from "./decide.server";
import { bump, ENGINE_ACTOR, type Ctx } from "./tick-context";

const HANDOFF_STEP_VIEW = {
  id: HANDOFF_STEP,
  label: "Handoff",
  offsetMinutes: 0,
  channels: [],
  enabled: true,
  carriesIncentive: false,
  index: -1,
  isFinal: false,
};
const ALERT_RETRY_DEADLINE_MS = 86_400_000;

/** Runs one checkout's work; a failure is logged and counted, and the batch goes on (the checkout stays leased). */
export async function apart(ctx: Ctx, c: DueCheckout, what: string, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (err) {
    ctx.res.recordedApart += 1;
    log.error({ checkoutId: c.id, shop: c.shop, err: statementError(err) }, `recovery: ${what} not recorded; the checkout comes back after its lease`);
  }
}

export async function stopCheckout(ctx: Ctx, st: StopWork, now: Date) {
  const { c, reason, lost } = st;
  bump(ctx.res.skipped, reason);
  if (st.openRows.length) await markSkipped(ctx.sql, st.openRows, reason);
  const { movedToLost } = await stopCheckoutSequence(ctx.sql.db, { id: c.id, shop: c.shop, owner: ctx.opts.owner, reason, lost, actor: ENGINE_ACTOR, now });
  if (movedToLost) ctx.res.lost += 1;
}

/** The staff alert's ledger row to send now (a new one, or an open one due again), or null when there is none. */
async function alertRowToSend(ctx: Ctx, h: HandoffWork, now: Date): Promise<string | null> {
  const { alertRow } = h.plan;
  if (!alertRow) {
    const row = ledgerRow(h.c, HANDOFF_STEP_VIEW, "staff_alert", now, { status: "sending", recipient: h.shop.staffEmail });
    const inserted = await insertLedgerRows(ctx.sql, [row]);
    return inserted.has(row.id) ? row.id : null;
  }
  if (OPEN_STATUSES.has(alertRow.status) && (!alertRow.nextAttemptAt || alertRow.nextAttemptAt <= now)) return alertRow.id;
  return null;
}

export async function handOff(ctx: Ctx, h: HandoffWork, now: Date) {
  const { sql, opts, res } = ctx;
  const { c, shop, score } = h;
  const { reasons } = h.plan;
  if (!c.handoff) {
    const marked = await markHandedOff(sql.db, {
      id: c.id,
      shop: c.shop,
      reasons: reasons.join(","),
      priority: score.priority,
      score: score.score,
      factors: score.factors,
      actor: ENGINE_ACTOR,
      now,
    });
    if (marked) res.handoffs += 1;
  }
  const rowId = await alertRowToSend(ctx, h, now);
  if (!rowId) return;
  let result: SendResult;
  try {
    result = await opts.staffNotifier.notify({
      shop: shop.view,
      checkout: checkoutViewOf(c),
      reason: reasons[0],
      summary:
        `${handoffSummary(reasons)}: ${c.firstName ?? "a shopper"}, ${formatMoney(c.totalMinor, c.currency)}, priority ${score.priority}` +
        (h.heldOut ? ". In the holdout group: no reminders go to this shopper (they measure what reminders cause); a person may still reach out" : ""),
      adminUrl: (opts.adminUrl ?? defaultAdminUrl)(c.shop, c.id),
      now,
    });
  } catch (err) {
    result = { kind: "retry", at: now, reason: String(err).slice(0, 200) };
  }
  if (result.kind === "sent") {
    await markSent(
      sql,
      [{ id: rowId, providerId: result.providerId, recipient: result.recipient ?? null, subject: result.subject ?? null, bodyHtml: null, bodyText: null }],
      now,
    );
    res.staffAlerts += 1;
  } else if (result.kind === "retry") {
    const at = retryAt({
      attempts: (h.plan.alertRow?.attempts ?? 0) + 1,
      providerAt: result.at,
      now,
      deadline: new Date(now.getTime() + ALERT_RETRY_DEADLINE_MS),
    });
    if (at) await markRetry(sql, { id: rowId, at, reason: result.reason, now });
    else await markFailed(sql, { id: rowId, reason: result.reason, now });
  } else {
    await markFailed(sql, { id: rowId, reason: result.reason, now });
  }
}

function defaultAdminUrl(shop: string, checkoutId: string): string {
  return adminCheckoutUrl(shop, checkoutId, process.env.SHOPIFY_API_KEY);
}
