import { handleCheckoutWebhook } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["checkouts/update"], uri = "/webhooks/checkouts/update"
export const action = webhookAction("checkouts/update", handleCheckoutWebhook);
export const loader = webhookLoader;
