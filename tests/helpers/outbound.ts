// A database-free OutboundMessage for channel unit tests: one line item, no contact, default settings. Tests that
// need a stored checkout use seedOutbound in ./channels instead.
import type { ChannelName, OutboundMessage } from "../../app/channels/types";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";

export interface OutboundFixture {
  channel?: ChannelName;
  messageId?: string;
  shopDomain?: string;
  shopName?: string;
  checkoutId?: string;
  token?: string;
  stepIndex?: number;
  now?: Date;
  windowMs?: number;
}

export function outboundMessage(o: OutboundFixture = {}): OutboundMessage {
  const now = o.now ?? new Date();
  const stepIndex = o.stepIndex ?? 0;
  return {
    messageId: o.messageId ?? `msg_${stepIndex}`,
    channel: o.channel ?? "push",
    shop: {
      domain: o.shopDomain ?? "unit-shop.myshopify.com",
      name: o.shopName ?? "Unit Shop",
      email: null,
      currency: "USD",
      timezone: "UTC",
      primaryDomain: null,
      contactEmail: null,
      primaryLocale: null,
      billingAddress: null,
      settings: DEFAULT_SETTINGS,
    },
    checkout: {
      id: o.checkoutId ?? "c1",
      token: o.token ?? `tok_${stepIndex}`,
      cartToken: null,
      email: null,
      phone: null,
      firstName: null,
      lastName: null,
      locale: "en",
      currency: "USD",
      subtotalMinor: 1000,
      totalMinor: 1000,
      lineItems: [{ title: "Linen Shirt", variantTitle: null, variantId: "1", productId: "2", quantity: 1, priceMinor: 1000, imageUrl: null, sku: "S" }],
      abandonedCheckoutUrl: null,
      emailConsent: false,
      smsConsent: false,
    },
    step: { ...DEFAULT_SETTINGS.cadence.steps[0], index: stepIndex, isFinal: false },
    incentive: null,
    now,
    windowEndsAt: new Date(now.getTime() + (o.windowMs ?? 3600_000)),
  };
}
