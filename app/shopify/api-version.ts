// The Admin API and webhook version the app speaks. Keep equal to `[webhooks] api_version` in shopify.app.toml (a
// test checks). Its own module, so code that only calls the Admin API (the engine's reconciliation) does not load
// shopifyApp() and its required environment at import.
import { ApiVersion } from "@shopify/shopify-app-remix/server";

export const API_VERSION = ApiVersion.October26;
