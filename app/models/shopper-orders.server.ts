// An order of a shopper whose checkout we do not hold (no checkout_token match: another device, a draft order, a
// checkout whose webhook never came) still means that shopper bought: their open sequences end (status stopped,
// stopReason "ordered_elsewhere", audited, open ledger rows skipped). Matched by normalized email or phone
// (app/lib/contact.ts), computed here from the order's own email/phone. Only checkouts started before the order: one
// started after it is a new intent.
import type { Prisma } from "@prisma/client";
import { customerKeyOf, normalizeEmail, normalizePhone } from "../lib/contact";
import { audit } from "./audit.server";

export const ORDERED_ELSEWHERE = "ordered_elsewhere";
const OPEN = ["open", "abandoned"];

export async function endShopperSequences(
  tx: Prisma.TransactionClient,
  a: { shop: string; orderId: string; email: string | null | undefined; phone: string | null | undefined; orderedAt: Date; actor: string; now: Date },
): Promise<number> {
  const email = normalizeEmail(a.email);
  const phone = normalizePhone(a.phone);
  const keys = [customerKeyOf(email, null), customerKeyOf(null, phone)].filter((k): k is string => !!k);
  if (!keys.length) return 0;
  const or: Prisma.CheckoutWhereInput[] = [{ customerKey: { in: keys } }];
  if (email) or.push({ email });
  if (phone) or.push({ phone });
  const open = await tx.checkout.findMany({
    where: { shop: a.shop, status: { in: OPEN }, completedAt: null, orderId: null, isTest: false, shopifyCreatedAt: { lte: a.orderedAt }, OR: or },
    select: { id: true, status: true },
  });
  let ended = 0;
  for (const c of open) {
    const upd = await tx.checkout.updateMany({
      where: { id: c.id, status: { in: OPEN }, orderId: null },
      data: { status: "stopped", stopReason: ORDERED_ELSEWHERE, nextDueAt: null, leaseOwner: null, leaseUntil: null },
    });
    if (!upd.count) continue;
    ended += 1;
    await tx.message.updateMany({
      where: { checkoutId: c.id, status: { in: ["pending", "sending"] }, channel: { not: "staff_alert" } },
      data: { status: "skipped", skipReason: ORDERED_ELSEWHERE, nextAttemptAt: null },
    });
    await audit(tx, {
      shop: a.shop,
      checkoutId: c.id,
      actor: a.actor,
      action: "sequence_stopped",
      fromValue: c.status,
      toValue: "stopped",
      detail: { reason: ORDERED_ELSEWHERE, orderId: a.orderId },
    });
  }
  return ended;
}
