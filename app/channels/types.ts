// The channel interface: every channel (email, push, WhatsApp, the test outbox) is a module with one `send`.
// The engine decides *whether* and *when*; a channel decides *how*, and answers with one of three outcomes.
import type { CadenceStep, Channel } from "../lib/settings";
import type { CheckoutView } from "../lib/checkout-view";
import type { ShopView } from "../lib/shop-view";

export type { CheckoutView, ShopView };

export type ChannelName = Channel; // "email" | "push" | "whatsapp"

export interface IncentiveView {
  code: string;
  /** https://<shop>/discount/<CODE>?redirect=<checkout path>: applies the code on arrival. */
  applyUrl: string;
  /** "10% off", "Free shipping", "$5.00 off" */
  description: string;
  endsAt: Date;
}

/** One message to deliver: the send-ledger row already exists (messageId) before `send` is called. */
export interface OutboundMessage {
  messageId: string;
  channel: ChannelName;
  shop: ShopView;
  checkout: CheckoutView;
  step: CadenceStep & { index: number; isFinal: boolean };
  incentive: IncentiveView | null;
  now: Date;
  /** The end of the 48-hour (configurable) recovery window: no push TTL beyond it. */
  windowEndsAt: Date;
}

export type SendResult =
  | {
      kind: "sent";
      providerId: string | null;
      /** What was sent, for the Logs page (bodies are purged after the shop's retention). */
      recipient?: string | null;
      subject?: string | null;
      bodyHtml?: string | null;
      bodyText?: string | null;
    }
  | { kind: "retry"; at: Date; reason: string }
  | {
      kind: "failed";
      reason: string;
      /** The address is unusable for good (hard bounce, gone push subscription): suppress or delete it. */
      permanentAddressFailure?: boolean;
    };

export interface ChannelStatus {
  enabled: boolean;
  /** Why not, in words a merchant understands ("SENDGRID_API_KEY is not set"). */
  reason?: string;
}

export interface ChannelSender {
  readonly name: ChannelName;
  status(shop: ShopView): ChannelStatus;
  send(message: OutboundMessage): Promise<SendResult>;
}

/** Staff alerts for handoffs and replies (email to the shop's staff address). */
export interface StaffAlert {
  shop: ShopView;
  checkout: CheckoutView;
  reason: string; // "high_value" | "returning_customer" | "failed_payment" | "reply"
  summary: string;
  adminUrl: string;
  now: Date;
}

export interface StaffNotifier {
  notify(alert: StaffAlert): Promise<SendResult>;
}

export type ChannelSet = Partial<Record<ChannelName, ChannelSender>>;
