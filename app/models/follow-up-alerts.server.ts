// A follow-up that falls due alerts the team once: its owner named in the alert, which goes through the shop's staff
// channel with the checkout's detail link, and into the send ledger (Logs: "Staff alert: follow-up due"). Once per
// follow-up time: a checkout is claimed by writing the time it is alerted for (follow_up_alerted_for), so two ticks
// never both alert; a follow-up moved to a later time alerts again when that time comes. At most once: a process that
// dies between the claim and the send loses that alert (the card still shows it due on the board and the queue).
import type { StaffNotifier } from "../channels/types";
import { db } from "../db.server";
import { placeholders } from "./sql-placeholders.server";
import { adminCheckoutUrl } from "../lib/admin-links";
import { customerName } from "../lib/board";
import { checkoutViewOf } from "../lib/checkout-view";
import { parseSettings } from "../lib/settings";
import { toShopView } from "../lib/shop-view";
import { log } from "../log.server";
import { withNumbers } from "./int64-columns.server";
import { recordStaffAlert } from "./staff-alert-ledger.server";

/** Follow-ups due longer ago than this are not alerted any more (a backlog after an outage is not replayed). */
const STALE_AFTER_MS = 7 * 86_400_000;
const OPEN_STAGES = ["abandoned", "contacted", "negotiating"];

export function followUpStepId(at: Date): string {
  return `followup:${at.toISOString()}`;
}

/** Alert the follow-ups due at `now` (at most `limit`). Answers how many alerts went out. */
export async function alertDueFollowUps(o: {
  now: Date;
  notifier: StaffNotifier;
  /** The app's API key, for the alert's link into the embedded admin. */
  apiKey: string | undefined;
  limit?: number;
}): Promise<{ alerted: number; failed: number }> {
  const { now } = o;
  const due = await db.checkout.findMany({
    where: {
      followUpAt: { lte: now, gte: new Date(now.getTime() - STALE_AFTER_MS) },
      stage: { in: OPEN_STAGES },
      completedAt: null,
      shopRef: { uninstalledAt: null },
    },
    orderBy: { followUpAt: "asc" },
    take: (o.limit ?? 50) * 2,
  });
  let alerted = 0;
  let failed = 0;
  for (const c of due) {
    if (alerted + failed >= (o.limit ?? 50)) break;
    if (!c.followUpAt || (c.followUpAlertedFor && c.followUpAlertedFor.getTime() === c.followUpAt.getTime())) continue;
    // The claim: only one tick writes this follow-up's time.
    const claimed = await db.$executeRawUnsafe(
      placeholders(
        `UPDATE checkout SET follow_up_alerted_for = follow_up_at WHERE id = ? AND follow_up_at = ? AND (follow_up_alerted_for IS NULL OR follow_up_alerted_for <> follow_up_at)`,
      ),
      c.id,
      c.followUpAt,
    );
    if (claimed !== 1) continue;
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: c.shop } });
    const view = checkoutViewOf(withNumbers(c));
    const who = customerName(c);
    const summary = `Follow-up due: ${who}${c.owner ? `, owner ${c.owner}` : ", no owner yet"}${c.followUpNote ? `. Note: ${c.followUpNote}` : ""}`;
    const result = await o.notifier
      .notify({
        shop: toShopView(shop, parseSettings(shop.settings)),
        checkout: view,
        reason: "follow_up",
        summary,
        adminUrl: adminCheckoutUrl(c.shop, c.id, o.apiKey),
        now,
      })
      .catch((e: unknown) => ({ kind: "failed" as const, reason: String((e as Error)?.message ?? e) }));
    const sent = result.kind === "sent";
    if (sent) alerted += 1;
    else failed += 1;
    await recordStaffAlert({ shop: c.shop, checkoutId: c.id, stepId: followUpStepId(c.followUpAt), result, now });
    if (!sent) log.warn({ shop: c.shop, checkoutId: c.id, reason: result.reason }, "follow-up alert not sent");
  }
  return { alerted, failed };
}
