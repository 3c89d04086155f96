import { handleUninstalled } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["app/uninstalled"], uri = "/webhooks/app/uninstalled"
export const action = webhookAction("app/uninstalled", handleUninstalled);
export const loader = webhookLoader;
