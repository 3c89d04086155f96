// Handoff: which checkouts go to the human queue (pipeline, with a priority) and alert the shop's staff.
import type { Settings } from "./settings";

export type HandoffReason = "high_value" | "returning_customer" | "failed_payment";

export interface HandoffInput {
  /** The cart in the shop's currency (the threshold's); null = unknown: never "high value" by a foreign amount. */
  shopTotalMinor: number | null;
  returningCustomer: boolean;
  customerOrdersCount: number;
  failedPayment: boolean;
}

export interface HandoffDecision {
  handoff: boolean;
  /** Every rule that matched, most important first; the first is the one shown. */
  reasons: HandoffReason[];
  /** Whether the automated sequence keeps running for a handed-off checkout. */
  continueAutomation: boolean;
}

export function handoffDecision(i: HandoffInput, rules: Settings["handoff"]): HandoffDecision {
  const reasons: HandoffReason[] = [];
  if (rules.highValueThresholdMinor > 0 && i.shopTotalMinor !== null && i.shopTotalMinor >= rules.highValueThresholdMinor) reasons.push("high_value");
  if (rules.failedPayments && i.failedPayment) reasons.push("failed_payment");
  if (rules.returningCustomers && (i.returningCustomer || i.customerOrdersCount > 0)) reasons.push("returning_customer");
  return { handoff: reasons.length > 0, reasons, continueAutomation: reasons.length === 0 || rules.continueAutomation };
}

const LABELS: Record<HandoffReason, string> = {
  high_value: "High-value cart",
  returning_customer: "Returning customer",
  failed_payment: "Payment failed",
};

export function handoffSummary(reasons: HandoffReason[]): string {
  return reasons.map((r) => LABELS[r]).join(", ");
}
