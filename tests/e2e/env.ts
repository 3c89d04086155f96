// Credentials for the e2e server: test values, never real ones.
import { API_KEY, API_SECRET_KEY, TEST_SHOP } from "@shopify/shopify-api/test-helpers";

export const E2E_SHOP = TEST_SHOP;
export const E2E_ENV = {
  SHOPIFY_API_KEY: API_KEY,
  SHOPIFY_API_SECRET: API_SECRET_KEY,
  CRON_SECRET: "e2e-cron-secret",
  APP_ENCRYPTION_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  LOG_LEVEL: "warn",
};
