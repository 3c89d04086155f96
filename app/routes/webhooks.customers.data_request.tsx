import { handleCustomerDataRequest } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: compliance_topics = ["customers/data_request"], uri = "/webhooks/customers/data_request"
export const action = webhookAction("customers/data_request", handleCustomerDataRequest);

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
