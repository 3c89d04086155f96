import { handleCustomerRedact } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: compliance_topics = ["customers/redact"], uri = "/webhooks/customers/redact"
export const action = webhookAction("customers/redact", handleCustomerRedact);
export const loader = webhookLoader;
