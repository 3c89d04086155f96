import { handleUninstalled } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["app/uninstalled"], uri = "/webhooks/app/uninstalled"
export const action = webhookAction("app/uninstalled", handleUninstalled);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
