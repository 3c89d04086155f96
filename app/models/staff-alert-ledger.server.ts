// A staff alert sent outside the engine's batch (a reply, a follow-up that fell due) goes into the send ledger too, so
// the Logs page shows it: one row, sent or failed, with what the provider answered.
import type { SendResult } from "../channels/types";
import { db } from "../db.server";
import { STAFF_ALERT_CHANNEL } from "../lib/message-kinds";
import { log } from "../log.server";

export async function recordStaffAlert(a: { shop: string; checkoutId: string; stepId: string; result: SendResult; now: Date }): Promise<void> {
  const { result, now } = a;
  const sent = result.kind === "sent";
  await db.message
    .create({
      data: {
        shop: a.shop,
        checkoutId: a.checkoutId,
        stepId: a.stepId.slice(0, 60),
        stepIndex: -1,
        channel: STAFF_ALERT_CHANNEL,
        status: sent ? "sent" : "failed",
        attempts: 1,
        providerId: sent ? result.providerId : null,
        recipient: sent ? (result.recipient ?? null) : null,
        subject: sent ? (result.subject ?? null) : null,
        lastError: sent ? null : result.reason.slice(0, 500),
        sentAt: sent ? now : null,
        failedAt: sent ? null : now,
      },
    })
    .catch((e: unknown) => log.warn({ checkoutId: a.checkoutId, stepId: a.stepId, err: String(e) }, "staff alert not recorded in the ledger"));
}
