import { handleCustomerDataRequest } from "../shopify/webhook-handlers.server";
import { webhookAction, webhookLoader } from "../shopify/webhooks.server";

// shopify.app.toml: compliance_topics = ["customers/data_request"], uri = "/webhooks/customers/data_request"
export const action = webhookAction("customers/data_request", handleCustomerDataRequest);
export const loader = webhookLoader;
