import { handleWhatsAppConsentWebhook } from "../shopify/consent-webhook.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["customers_whats_app_marketing_consent/update"], uri = "/webhooks/customers_whats_app_marketing_consent/update"
export const action = webhookAction("customers_whats_app_marketing_consent/update", handleWhatsAppConsentWebhook);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
