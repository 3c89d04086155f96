import { handleCheckoutWebhook } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["checkouts/create"], uri = "/webhooks/checkouts/create"
export const action = webhookAction("checkouts/create", handleCheckoutWebhook);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
