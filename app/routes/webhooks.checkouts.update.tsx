import { handleCheckoutWebhook } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["checkouts/update"], uri = "/webhooks/checkouts/update"
export const action = webhookAction("checkouts/update", handleCheckoutWebhook);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
