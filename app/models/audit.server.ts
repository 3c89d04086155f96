import type { Prisma } from "@prisma/client";

export interface AuditEntry {
  shop: string;
  checkoutId?: string | null;
  actor: string; // "system:engine", "webhook:orders/create", "staff:Jane"
  action: string;
  fromValue?: string | null;
  toValue?: string | null;
  detail?: unknown;
}

export function auditData(e: AuditEntry): Prisma.AuditLogUncheckedCreateInput {
  return {
    shop: e.shop,
    checkoutId: e.checkoutId ?? null,
    actor: e.actor,
    action: e.action,
    fromValue: e.fromValue ?? null,
    toValue: e.toValue ?? null,
    detail: e.detail === undefined ? null : JSON.stringify(e.detail),
  };
}

/** Write an audit entry inside the caller's transaction. */
export async function audit(tx: Prisma.TransactionClient, e: AuditEntry) {
  await tx.auditLog.create({ data: auditData(e) });
}
