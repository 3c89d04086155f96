import { handleOrderWebhook } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["orders/create"], uri = "/webhooks/orders/create"
export const action = webhookAction("orders/create", handleOrderWebhook);
export const loader = webhookLoader;
