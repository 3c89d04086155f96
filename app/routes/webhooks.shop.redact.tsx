import { handleShopRedact } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: compliance_topics = ["shop/redact"], uri = "/webhooks/shop/redact"
export const action = webhookAction("shop/redact", handleShopRedact);
export const loader = webhookLoader;
