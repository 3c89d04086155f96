// A recording outbox: a channel that "sends" by keeping the message (in memory) and answering sent at once.
// It serves tests and local runs (CHANNELS_MODE=outbox). Scripted answers let tests exercise retry and failure.
import type { ChannelName, ChannelSender, ChannelStatus, OutboundMessage, SendResult, StaffAlert, StaffNotifier } from "./types";

export interface OutboxEntry {
  messageId: string;
  channel: ChannelName;
  shop: string;
  checkoutId: string;
  checkoutToken: string;
  stepId: string;
  stepIndex: number;
  incentiveCode: string | null;
  recipient: string | null;
  at: Date;
}

export interface OutboxOptions {
  /** Keep at most this many entries (oldest dropped); 0 keeps none (benchmarks). Default 10,000. */
  keep?: number;
  /** Decide the answer per message (default: sent). */
  answer?: (m: OutboundMessage) => SendResult | Promise<SendResult>;
}

function recipientOf(m: OutboundMessage): string | null {
  if (m.channel === "email") return m.checkout.email;
  if (m.channel === "whatsapp") return m.checkout.phone;
  return null;
}

export class OutboxChannel implements ChannelSender {
  readonly entries: OutboxEntry[] = [];
  count = 0;
  constructor(
    readonly name: ChannelName,
    private readonly options: OutboxOptions = {},
  ) {}

  status(): ChannelStatus {
    return { enabled: true };
  }

  async send(m: OutboundMessage): Promise<SendResult> {
    const answer = this.options.answer ? await this.options.answer(m) : null;
    if (answer && answer.kind !== "sent") return answer;
    this.count += 1;
    const keep = this.options.keep ?? 10_000;
    const recipient = recipientOf(m);
    if (keep > 0) {
      this.entries.push({
        messageId: m.messageId,
        channel: m.channel,
        shop: m.shop.domain,
        checkoutId: m.checkout.id,
        checkoutToken: m.checkout.token,
        stepId: m.step.id,
        stepIndex: m.step.index,
        incentiveCode: m.incentive?.code ?? null,
        recipient,
        at: m.now,
      });
      if (this.entries.length > keep) this.entries.splice(0, this.entries.length - keep);
    }
    if (answer) return answer;
    const subject = m.channel === "email" ? `${m.step.label}: your cart at ${m.shop.name}` : null;
    return {
      kind: "sent",
      providerId: `outbox-${m.messageId}`,
      recipient,
      subject,
      bodyText: keep > 0 ? `${m.step.label}. ${m.checkout.abandonedCheckoutUrl ?? ""}${m.incentive ? ` Code ${m.incentive.code}` : ""}` : null,
    };
  }
}

export class OutboxStaffNotifier implements StaffNotifier {
  readonly alerts: Array<{ shop: string; checkoutId: string; reason: string; summary: string; adminUrl: string; at: Date }> = [];
  async notify(a: StaffAlert): Promise<SendResult> {
    this.alerts.push({ shop: a.shop.domain, checkoutId: a.checkout.id, reason: a.reason, summary: a.summary, adminUrl: a.adminUrl, at: a.now });
    if (this.alerts.length > 10_000) this.alerts.shift();
    return { kind: "sent", providerId: `outbox-alert-${this.alerts.length}`, subject: `Needs a person: ${a.summary}` };
  }
}

/** Outbox senders for every channel. */
export function outboxChannels(options: OutboxOptions = {}): Record<ChannelName, OutboxChannel> {
  return { email: new OutboxChannel("email", options), push: new OutboxChannel("push", options), whatsapp: new OutboxChannel("whatsapp", options) };
}
