import { handleOrderWebhook } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["orders/create"], uri = "/webhooks/orders/create"
export const action = webhookAction("orders/create", handleOrderWebhook);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
