import { handleScopesUpdate } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: topics = ["app/scopes_update"], uri = "/webhooks/app/scopes_update"
export const action = webhookAction("app/scopes_update", handleScopesUpdate);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
