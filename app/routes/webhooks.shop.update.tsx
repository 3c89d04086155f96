import { handleShopUpdate } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["shop/update"], uri = "/webhooks/shop/update"
export const action = webhookAction("shop/update", handleShopUpdate);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
