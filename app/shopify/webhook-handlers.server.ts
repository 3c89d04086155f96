// What each webhook topic does, once authenticated and deduplicated. One domain call per topic.
import { z } from "zod/v4";
import { InputError } from "../lib/errors";
import { parseCheckout, parseOrder } from "../lib/shopify-payloads";
import { ingestCheckoutGrouped } from "../models/checkout-batch.server";
import { exportCustomerData, redactCustomer, redactShop } from "../models/compliance.server";
import { ingestOrder } from "../models/orders.server";
import { learnShopCurrency } from "../models/shop-currency.server";
import { forgetShopCache, getShopCached, markUninstalled } from "../models/shops.server";
import { db } from "../db.server";
import { sessionStorage } from "../shopify.server";
import type { WebhookContext, WebhookMeta } from "./webhooks.server";

async function knownShop(domain: string) {
  const shop = await getShopCached(domain);
  if (!shop) throw new InputError(404, `unknown shop ${domain}`);
  return shop;
}

export async function handleCheckoutWebhook(ctx: WebhookContext, { eventId, topic, now }: WebhookMeta) {
  const record = parseCheckout(ctx.payload);
  const shop = await knownShop(ctx.shop);
  await learnShopCurrency(shop, record.shopCurrency); // money: the shop's currency until the profile states it
  // Group commit: answered once the transaction holding this write has committed (app/models/checkout-batch.server.ts).
  return ingestCheckoutGrouped({ shop: ctx.shop, eventId, topic, record, settings: shop.parsedSettings, now });
}

export async function handleOrderWebhook(ctx: WebhookContext, { eventId, topic }: WebhookMeta) {
  const record = parseOrder(ctx.payload);
  const shop = await knownShop(ctx.shop);
  await learnShopCurrency(shop, record.statedCurrency); // money: the shop's currency until the profile states it
  return ingestOrder({ shop: ctx.shop, eventId, topic, record });
}

export async function handleUninstalled(ctx: WebhookContext, { now }: WebhookMeta) {
  // Repeats are harmless here (no ledger entry: the shop row may already be gone).
  await markUninstalled(ctx.shop, now);
  sessionStorage.forgetShop(ctx.shop);
  return "uninstalled";
}

const ScopesPayload = z.object({ current: z.array(z.string()) });

export async function handleScopesUpdate(ctx: WebhookContext) {
  const { current } = ScopesPayload.parse(ctx.payload);
  // The shop's offline session (the one the library's authenticate.webhook would hand over); none after uninstall.
  const { count } = await db.session.updateMany({ where: { shop: ctx.shop, isOnline: false }, data: { scope: current.join(",") } });
  sessionStorage.forgetShop(ctx.shop);
  return count ? "scopes_updated" : "no_session";
}

const CompliancePayload = z
  .object({
    customer: z
      .object({
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
