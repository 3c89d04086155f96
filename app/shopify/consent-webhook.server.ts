// customers_whats_app_marketing_consent/update: Shopify's own WhatsApp marketing consent, stored per customer and
// read by the engine before any WhatsApp message (app/lib/eligibility.ts mayWhatsApp).
import { InputError } from "../lib/errors";
import { parseWhatsAppConsent } from "../lib/whatsapp-consent";
import { applyWhatsAppConsent } from "../models/customer-consent.server";
import { getShopCached } from "../models/shops.server";
import type { WebhookContext, WebhookMeta } from "./webhooks.server";

export async function handleWhatsAppConsentWebhook(ctx: WebhookContext, { eventId, topic, now }: WebhookMeta) {
  const record = parseWhatsAppConsent(ctx.payload);
  if (!(await getShopCached(ctx.shop))) throw new InputError(404, `unknown shop ${ctx.shop}`);
  return applyWhatsAppConsent({ shop: ctx.shop, customerId: record.customerId, state: record.state, updatedAt: record.updatedAt, eventId, topic, now });
}
