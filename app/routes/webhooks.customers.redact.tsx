import { handleCustomerRedact } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: compliance_topics = ["customers/redact"], uri = "/webhooks/customers/redact"
export const action = webhookAction("customers/redact", handleCustomerRedact);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
