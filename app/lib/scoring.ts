// Priority of a checkout for the people working the pipeline: urgent, high, medium or low, from a 0-100 score.
export const PRIORITIES = ["urgent", "high", "medium", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface ScoreInput {
  /** The cart in the shop's currency (as the average and threshold are); null = unknown: no points for value. */
  totalMinor: number | null;
  /** The shop's average order value (minor units), or null when the shop has no orders yet. */
  averageOrderMinor: number | null;
  /** Used instead of the average when the shop has none yet. */
  highValueThresholdMinor: number;
  returningCustomer: boolean;
  customerOrdersCount: number;
  failedPayment: boolean;
  abandonedAt: Date;
  now: Date;
  reachableChannels: number;
}

export interface Score {
  score: number;
  priority: Priority;
  factors: string[];
}

export function priorityOf(score: number): Priority {
  if (score >= 60) return "urgent";
  if (score >= 40) return "high";
  if (score >= 20) return "medium";
  return "low";
}

export function averageOrderMinor(orderCount: number, orderRevenueMinor: bigint | number): number | null {
  if (orderCount <= 0) return null;
  return Math.round(Number(orderRevenueMinor) / orderCount);
}

export function scoreCheckout(i: ScoreInput): Score {
  let score = 0;
  const factors: string[] = [];
  // Cart value against the shop's usual order.
  const total = i.totalMinor;
  const ratio =
    total === null
      ? 0
      : i.averageOrderMinor && i.averageOrderMinor > 0
        ? total / i.averageOrderMinor
        : i.highValueThresholdMinor > 0
          ? (total / i.highValueThresholdMinor) * 2
          : 1;
  const valuePoints = ratio >= 3 ? 40 : ratio >= 2 ? 30 : ratio >= 1.25 ? 20 : ratio >= 0.75 ? 10 : 0;
  if (valuePoints) factors.push(`cart ${ratio.toFixed(1)}x the average order (+${valuePoints})`);
  score += valuePoints;
  if (i.returningCustomer || i.customerOrdersCount > 0) {
    const p = i.customerOrdersCount >= 3 ? 25 : 20;
    score += p;
    factors.push(`returning customer, ${i.customerOrdersCount} orders (+${p})`);
  }
  if (i.failedPayment) {
    score += 20;
    factors.push("payment failed (+20)");
  }
  const hours = (i.now.getTime() - i.abandonedAt.getTime()) / 3600_000;
  const recency = hours < 2 ? 15 : hours < 24 ? 8 : 0;
  if (recency) factors.push(`abandoned ${hours < 2 ? "under 2 hours" : "under a day"} ago (+${recency})`);
  score += recency;
  const reach = i.reachableChannels === 0 ? -20 : i.reachableChannels === 1 ? 0 : i.reachableChannels === 2 ? 5 : 10;
  if (reach) factors.push(`${i.reachableChannels} reachable channels (${reach > 0 ? "+" : ""}${reach})`);
  score += reach;
  score = Math.max(0, Math.min(100, score));
  return { score, priority: priorityOf(score), factors };
}
