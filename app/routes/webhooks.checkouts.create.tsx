import { handleCheckoutWebhook } from "../shopify/webhook-handlers.server";
import { webhookAction } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["checkouts/create"], uri = "/webhooks/checkouts/create"
export const action = webhookAction("checkouts/create", handleCheckoutWebhook);
