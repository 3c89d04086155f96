// The "Needs a person" queue: what a person is waiting on, and its filters. Pure.
import { isPriority, type Priority } from "./board";

export const QUEUE_REASONS = ["high_value", "returning_customer", "failed_payment", "reply"] as const;
export type QueueReason = (typeof QUEUE_REASONS)[number];

export const QUEUE_REASON_LABELS: Record<QueueReason, string> = {
  high_value: "High-value cart",
  returning_customer: "Returning customer",
  failed_payment: "Payment problem",
  reply: "Replied",
};

import { REPLY_TOPIC_LABELS } from "./reply-topics";

export { REPLY_TOPIC_LABELS };

export const QUEUE_PAGE_SIZE = 50;

export interface QueueFilters {
  reason: QueueReason | null;
  /** null = anyone; "unassigned"; or a name ("me" is resolved to the member of staff by the loader). */
  owner: string | null;
  /** Only cards whose follow-up is due now. */
  due: boolean;
  topic: string | null;
  channel: "email" | "whatsapp" | null;
  priority: Priority | null;
  page: number;
}

export function parseQueueFilters(params: URLSearchParams, me: string): QueueFilters {
  const reason = params.get("reason");
  const owner = (params.get("owner") ?? "").trim().slice(0, 120);
  const topic = params.get("topic");
  const channel = params.get("channel");
  const priority = params.get("priority");
  const page = Number(params.get("page") ?? "1");
  return {
    reason: (QUEUE_REASONS as readonly string[]).includes(reason ?? "") ? (reason as QueueReason) : null,
    owner: owner === "me" ? me : owner || null,
    due: params.get("due") === "1",
    topic: topic && topic in REPLY_TOPIC_LABELS ? topic : null,
    channel: channel === "email" || channel === "whatsapp" ? channel : null,
    priority: isPriority(priority) ? priority : null,
    page: Number.isInteger(page) && page >= 1 && page <= 1000 ? page : 1,
  };
}

/** The handoff's reasons, from the stored comma-separated list (unknown ones left out). */
export function queueReasons(stored: string | null): QueueReason[] {
  return (stored ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter((r): r is QueueReason => (QUEUE_REASONS as readonly string[]).includes(r));
}

/** "2 h 5 min", "3 d 4 h": how long a person has kept the shopper waiting. */
export function waitingText(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes));
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) return `${Math.floor(m / 60)} h ${m % 60} min`;
  return `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`;
}
