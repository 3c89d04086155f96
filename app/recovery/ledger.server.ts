// Phase "ledger": the send ledger written before any provider is called. A row is unique per (checkout, step,
// channel): one another owner wrote first is not inserted, and its message is not sent by us. Rows a dead owner left
// "sending" that the provider already accepted (its events carry our message id) are recorded as sent, not re-sent.
import { log } from "../log.server";
import {
  acceptedByProvider,
  eachApart,
  insertFailedLedgerRow,
  insertLedgerRows,
  markSendingAgain,
  markSent,
  statementError,
  type LedgerRow,
} from "../models/recovery.server";
import type { Decisions } from "./decide.server";
import type { Ctx, PlannedSend } from "./tick-context";

/**
 * The ledger rows, before any provider is called. A row a statement refuses (a recipient neither database stores) is
 * written as failed without its values, so that step is recorded, never sent, and the rest of the batch is not held.
 */
async function insertLedger(ctx: Ctx, rows: LedgerRow[], now: Date): Promise<Set<string>> {
  const inserted = new Set<string>();
  const insert = async (some: LedgerRow[]) => {
    for (const id of await insertLedgerRows(ctx.sql, some)) inserted.add(id);
  };
  const refused = await eachApart(rows, insert, (row) => insert([row]));
  for (const { row, error } of refused) {
    const reason = statementError(error);
    ctx.res.recordedApart += 1;
    if (row.status === "sending") ctx.res.failed += 1;
    log.error(
      { checkoutId: row.checkoutId, shop: row.shop, channel: row.channel, stepId: row.stepId, err: reason },
      "recovery: ledger row refused; recorded as failed",
    );
    await insertFailedLedgerRow(ctx.sql, row, reason, now);
  }
  return inserted;
}

/** Writes the batch's ledger; answers the messages to send (those whose row is ours and not already accepted). */
export async function writeLedger(ctx: Ctx, d: Decisions, now: Date): Promise<PlannedSend[]> {
  const inserted = await insertLedger(ctx, d.newRows, now);
  await markSendingAgain(ctx.sql, d.resendPending);
  const toSend = d.sends.filter((s) => !s.isNew || inserted.has(s.messageId));
  const leftSending = toSend.filter((g) => g.leftSending).map((g) => g.messageId);
  if (!leftSending.length) return toSend;
  const accepted = await acceptedByProvider(ctx.sql, leftSending);
  if (!accepted.size) return toSend;
  await markSent(
    ctx.sql,
    [...accepted].map((id) => ({ id, providerId: null, recipient: null, subject: null, bodyHtml: null, bodyText: null })),
    now,
  );
  for (const g of toSend) if (accepted.has(g.messageId)) d.work.get(g.checkoutId)!.sentNow += 1;
  ctx.res.alreadyAccepted += accepted.size;
  log.warn({ count: accepted.size }, "recovery: rows left sending were already accepted by the provider; not sent again");
  return toSend.filter((g) => !accepted.has(g.messageId));
}
