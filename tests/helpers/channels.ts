// Records and views for channel tests: a stored checkout with a send-ledger row, and the OutboundMessage the engine
// would hand to a channel for it.
import { toShopView } from "../../app/lib/shop-view";
import type { CheckoutView, ChannelName, IncentiveView, OutboundMessage, ShopView } from "../../app/channels/types";
import { db } from "../../app/db.server";
import { parseSettings, type Settings } from "../../app/lib/settings";
import { parseCheckout, type CheckoutRecord } from "../../app/lib/shopify-payloads";
import { TEST_SHOP } from "./constants";
import { checkoutPayload, type CheckoutPayloadOptions } from "./factories";
import { T0, addHours, addMinutes } from "./time";

export { T0 };

export async function shopView(domain = TEST_SHOP): Promise<ShopView> {
  const s = await db.shop.findUniqueOrThrow({ where: { domain } });
  return toShopView(s, parseSettings(s.settings));
}

export function checkoutView(id: string, r: CheckoutRecord): CheckoutView {
  return {
    id,
    token: r.token,
    cartToken: r.cartToken,
    email: r.email,
    phone: r.phone,
    firstName: r.firstName,
    lastName: r.lastName,
    locale: r.locale,
    currency: r.currency,
    subtotalMinor: r.subtotalMinor,
    totalMinor: r.totalMinor,
    lineItems: r.lineItems,
    abandonedCheckoutUrl: r.abandonedCheckoutUrl,
    emailConsent: r.emailConsent,
    smsConsent: r.smsConsent,
  };
}

export interface SeedOptions extends CheckoutPayloadOptions {
  shop?: string;
  channel?: ChannelName;
  stepIndex?: number;
  stepId?: string;
  isFinal?: boolean;
  incentive?: IncentiveView | null;
  now?: Date;
  windowEndsAt?: Date;
  stage?: string;
}

/** A stored checkout and a pending Message for it, plus the OutboundMessage for the channel. */
export async function seedOutbound(o: SeedOptions = {}): Promise<{ message: OutboundMessage; checkoutId: string; messageId: string; record: CheckoutRecord }> {
  const shop = o.shop ?? TEST_SHOP;
  const record = parseCheckout(checkoutPayload(o));
  const { lineItems, discountCodes, customerTags, ...rest } = record;
  const c = await db.checkout.create({
    data: {
      shop,
      ...rest,
      lineItems: JSON.stringify(lineItems),
      discountCodes: JSON.stringify(discountCodes),
      customerTags: JSON.stringify(customerTags),
      status: "abandoned",
      abandonedAt: T0,
      stage: o.stage ?? "contacted",
    },
  });
  const channel = o.channel ?? "email";
  const stepIndex = o.stepIndex ?? 0;
  const stepId = o.stepId ?? `s${stepIndex + 1}`;
  const m = await db.message.create({ data: { shop, checkoutId: c.id, stepId, stepIndex, channel, status: "sending" } });
  const view = await shopView(shop);
  const settings: Settings = view.settings;
  const step = settings.cadence.steps[stepIndex] ?? settings.cadence.steps[0];
  const now = o.now ?? addMinutes(T0, 60);
  return {
    checkoutId: c.id,
    messageId: m.id,
    record,
    message: {
      messageId: m.id,
      channel,
      shop: view,
      checkout: checkoutView(c.id, record),
      step: { ...step, id: stepId, index: stepIndex, isFinal: o.isFinal ?? false },
      incentive: o.incentive ?? null,
      now,
      windowEndsAt: o.windowEndsAt ?? addHours(T0, 48),
    },
  };
}
