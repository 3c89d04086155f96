import { handleShopRedact } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: compliance_topics = ["shop/redact"], uri = "/webhooks/shop/redact"
export const action = webhookAction("shop/redact", handleShopRedact);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
