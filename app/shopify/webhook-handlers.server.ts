// What each webhook topic does, once authenticated and deduplicated. One domain call per topic.
import { z } from "zod";
import { InputError } from "../lib/errors";
import { parseCheckout, parseOrder } from "../lib/shopify-payloads";
import { ingestCheckoutGrouped } from "../models/checkout-batch.server";
import { saneCheckoutRecord } from "../models/checkouts.server";
import { exportCustomerData, redactCustomer, redactShop } from "../models/compliance.server";
import { ingestOrder } from "../models/orders.server";
import { LATE_GRACE_MINUTES } from "../lib/late-steps";
import { skipLateSteps } from "../models/late-steps.server";
import { learnShopCurrency } from "../models/shop-currency.server";
import { forgetShopCache, getShopCached, markUninstalled } from "../models/shops.server";
import { applyShopUpdate } from "../models/shop-profile.server";
import { db } from "../db.server";
import { sessionStorage } from "../shopify.server";
import type { WebhookContext, WebhookMeta } from "./webhooks.server";

async function knownShop(domain: string) {
  const shop = await getShopCached(domain);
  if (!shop) throw new InputError(404, `unknown shop ${domain}`);
  return shop;
}

export async function handleCheckoutWebhook(ctx: WebhookContext, { eventId, topic, now }: WebhookMeta) {
  // Times out of the sane range: 422 naming the field, before anything is written (app/lib/sane-dates.ts).
  const record = saneCheckoutRecord(parseCheckout(ctx.payload), now);
  const shop = await knownShop(ctx.shop);
  await learnShopCurrency(shop, record.shopCurrency); // money: the shop's currency until the profile states it
  // Group commit: answered once the transaction holding this write has committed (app/models/checkout-batch.server.ts).
  const outcome = await ingestCheckoutGrouped({ shop: ctx.shop, eventId, topic, record, settings: shop.parsedSettings, now });
  // Issue 14: a delivery that comes long after Shopify triggered it must not send the steps already past in a burst.
  const lateMs = deliveryDelayMs(ctx.triggeredAt, now);
  if ((outcome === "created" || outcome === "updated") && lateMs > LATE_GRACE_MINUTES * 60_000) {
    const seenAt = new Date(Math.min(record.shopifyUpdatedAt.getTime() + lateMs, now.getTime()));
    await skipLateSteps({ shop: ctx.shop, token: record.token, seenAt, now, settings: shop.parsedSettings });
  }
  return outcome;
}

/** How long after X-Shopify-Triggered-At the delivery reached us (0 without the header or a bad one). */
export function deliveryDelayMs(triggeredAt: string | undefined, now: Date): number {
  const t = triggeredAt ? Date.parse(triggeredAt) : Number.NaN;
  return Number.isNaN(t) ? 0 : Math.max(0, now.getTime() - t);
}

export async function handleOrderWebhook(ctx: WebhookContext, { eventId, topic, now }: WebhookMeta) {
  const record = parseOrder(ctx.payload);
  const shop = await knownShop(ctx.shop);
  await learnShopCurrency(shop, record.statedCurrency); // money: the shop's currency until the profile states it
  return ingestOrder({ shop: ctx.shop, eventId, topic, record, now });
}

export async function handleUninstalled(ctx: WebhookContext, { now }: WebhookMeta) {
  // Repeats are harmless here (no ledger entry: the shop row may already be gone).
  await markUninstalled(ctx.shop, now);
  sessionStorage.forgetShop(ctx.shop);
  return "uninstalled";
}

/** shop/update: the shop's profile changed in Shopify (name, emails, currency, time zone, address, plan). */
export async function handleShopUpdate(ctx: WebhookContext, { eventId, topic, now }: WebhookMeta) {
  const outcome = await applyShopUpdate({ domain: ctx.shop, eventId, topic, payload: ctx.payload, triggeredAt: ctx.triggeredAt ?? null, now });
  if (outcome === "unknown_shop") throw new InputError(404, `unknown shop ${ctx.shop}`);
  return outcome;
}

const ScopesPayload = z.object({ current: z.array(z.string()) });

export async function handleScopesUpdate(ctx: WebhookContext) {
  const { current } = ScopesPayload.parse(ctx.payload);
  // The shop's offline session (the one the library's authenticate.webhook would hand over); none after uninstall.
  const { count } = await db.session.updateMany({ where: { shop: ctx.shop, isOnline: false }, data: { scope: current.join(",") } });
  sessionStorage.forgetShop(ctx.shop);
  return count ? "scopes_updated" : "no_session";
}

const CompliancePayload = z.object({
  customer: z.object({
    id: z.union([z.string(), z.number()]).nullish(),
    email: z.string().nullish(),
    phone: z.string().nullish(),
  }),
  orders_to_redact: z.array(z.union([z.string(), z.number()])).nullish(),
  orders_requested: z.array(z.union([z.string(), z.number()])).nullish(),
  data_request: z.object({ id: z.union([z.string(), z.number()]) }).nullish(),
});

function customerRef(payload: unknown) {
  const p = CompliancePayload.parse(payload);
  return {
    ref: {
      customerId: p.customer.id != null ? String(p.customer.id) : null,
      email: p.customer.email ?? null,
      phone: p.customer.phone ?? null,
      orderIds: [...(p.orders_to_redact ?? []), ...(p.orders_requested ?? [])].map(String),
    },
    requestId: p.data_request ? String(p.data_request.id) : null,
  };
}

export async function handleCustomerDataRequest(ctx: WebhookContext, { eventId, topic }: WebhookMeta) {
  const { ref, requestId } = customerRef(ctx.payload);
  if (!(await getShopCached(ctx.shop))) return "unknown_shop_nothing_held";
  await exportCustomerData({ shop: ctx.shop, eventId, topic, requestId, ref });
  return "data_assembled";
}

export async function handleCustomerRedact(ctx: WebhookContext, { eventId, topic, now }: WebhookMeta) {
  const { ref } = customerRef(ctx.payload);
  if (!(await getShopCached(ctx.shop))) return "unknown_shop_nothing_held";
  await redactCustomer({ shop: ctx.shop, eventId, topic, ref, now });
  return "customer_redacted";
}

export async function handleShopRedact(ctx: WebhookContext) {
  await redactShop(ctx.shop);
  forgetShopCache(ctx.shop);
  sessionStorage.forgetShop(ctx.shop);
  return "shop_redacted";
}
