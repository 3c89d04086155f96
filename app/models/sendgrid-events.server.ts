// SendGrid Event Webhook events applied to the send ledger: each event once (by sg_event_id), mapped to its message
// through the message_id custom arg we set when sending. A hard bounce, spam report or unsubscribe suppresses the
// address for every later email from that shop.
import crypto from "node:crypto";
import type { Prisma } from "@prisma/client";
import { z } from "zod/v4";
import { markBounced, markClicked, markDelivered, markDropped, markOpened, markUnsubscribed, recordProviderEvent } from "./message-tracking.server";
import { suppress, type SuppressionReason } from "./suppressions.server";

export const SendGridEvent = z
  .object({
    email: z.string().optional(),
    timestamp: z.number().optional(),
    event: z.string(),
    sg_event_id: z.string().optional(),
    sg_message_id: z.string().optional(),
    message_id: z.string().optional(),
    shop: z.string().optional(),
    type: z.string().optional(), // bounce | blocked
    reason: z.string().optional(),
    status: z.string().optional(),
    url: z.string().optional(),
  })
  .passthrough();
export type SendGridEvent = z.infer<typeof SendGridEvent>;

export const SendGridEventBatch = z.array(z.unknown()).max(10_000);

type Tx = Prisma.TransactionClient;

/** Provider reasons often quote the address ("550 <ada@example.com>: no such user"): keep no personal data. */
export function scrubReason(reason: string | undefined): string | undefined {
  return reason?.replace(/[^\s<>"'@]+@[^\s<>"']+/g, "[address]").slice(0, 300);
}

function eventKey(ev: SendGridEvent, raw: unknown): string {
  if (ev.sg_event_id) return `sendgrid:${ev.sg_event_id}`.slice(0, 190);
  return `sendgrid:h:${crypto.createHash("sha256").update(JSON.stringify(raw)).digest("hex")}`;
}

async function suppressFor(tx: Tx, messageId: string, email: string | undefined, reason: SuppressionReason) {
  const m = await tx.message.findUnique({ where: { id: messageId }, select: { shop: true, recipient: true } });
  if (!m) return;
  const address = email ?? m.recipient;
  if (address) await suppress({ shop: m.shop, channel: "email", address, reason }, tx);
}

async function apply(tx: Tx, ev: SendGridEvent, messageId: string | null, at: Date) {
  if (!messageId) return;
  switch (ev.event) {
    case "delivered":
      return markDelivered(tx, messageId, at);
    case "open":
      return markOpened(tx, messageId, at);
    case "click":
      return markClicked(tx, messageId, at);
    case "bounce":
      if (ev.type === "blocked") return; // a block is temporary (SendGrid retries); not a bad address
      await markBounced(tx, messageId, at, `bounce: ${scrubReason(ev.reason) ?? ev.status ?? "unknown"}`);
      return suppressFor(tx, messageId, ev.email, "bounce");
    case "dropped":
      await markDropped(tx, messageId, at, scrubReason(ev.reason) ?? "unknown");
      if (/bounce|unsubscribe|spam|invalid/i.test(ev.reason ?? "")) await suppressFor(tx, messageId, ev.email, "dropped");
      return;
    case "spamreport":
      await markUnsubscribed(tx, messageId, at);
      return suppressFor(tx, messageId, ev.email, "spam_report");
    case "unsubscribe":
    case "group_unsubscribe":
      await markUnsubscribed(tx, messageId, at);
      return suppressFor(tx, messageId, ev.email, "unsubscribe");
    default:
      return; // processed, deferred, group_resubscribe: recorded only
  }
}

export interface EventBatchResult {
  received: number;
  recorded: number;
  duplicates: number;
  invalid: number;
}

/** Apply a verified batch. Each event is its own transaction (dedupe row + effects), so a repeat changes nothing. */
export async function applySendGridEvents(batch: unknown[], now: Date): Promise<EventBatchResult> {
  const out: EventBatchResult = { received: batch.length, recorded: 0, duplicates: 0, invalid: 0 };
  for (const raw of batch) {
    const parsed = SendGridEvent.safeParse(raw);
    if (!parsed.success) {
      out.invalid += 1;
      continue;
    }
    const ev = parsed.data;
    const at = ev.timestamp ? new Date(ev.timestamp * 1000) : now;
    const messageId = ev.message_id ?? null;
    const fresh = await recordProviderEvent({
      eventKey: eventKey(ev, raw),
      messageId,
      type: ev.event.slice(0, 40),
      occurredAt: at,
      detail: { sgMessageId: ev.sg_message_id, reason: scrubReason(ev.reason), type: ev.type, status: ev.status },
      apply: async (tx) => {
        const exists = messageId ? await tx.message.findUnique({ where: { id: messageId }, select: { id: true } }) : null;
        await apply(tx, ev, exists ? messageId : null, at);
      },
    });
    if (fresh) out.recorded += 1;
    else out.duplicates += 1;
  }
  return out;
}
