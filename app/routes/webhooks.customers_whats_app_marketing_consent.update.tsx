import { handleWhatsAppConsentWebhook } from "../shopify/consent-webhook.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["customers_whats_app_marketing_consent/update"], uri = "/webhooks/customers_whats_app_marketing_consent/update"
export const action = webhookAction("customers_whats_app_marketing_consent/update", handleWhatsAppConsentWebhook);
export const loader = webhookLoader;
