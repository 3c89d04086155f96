// Credentials for the e2e server: test values, never real ones.
import { API_KEY, API_SECRET_KEY, TEST_SHOP } from "@shopify/shopify-api/test-helpers";

export const E2E_SHOP = TEST_SHOP;
export const E2E_ENV = {
  SHOPIFY_API_KEY: API_KEY,
  SHOPIFY_API_SECRET: API_SECRET_KEY,
  CRON_SECRET: "e2e-cron-secret",
  APP_ENCRYPTION_KEY: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  LOG_LEVEL: "warn",
  // Storefront push (storefront-push.spec.ts): a test VAPID pair (generated for tests only), and the push-host
  // allow-list (app/lib/push-endpoint.ts) reduced to the loopback name the spec's fake subscription points at.
  VAPID_PUBLIC_KEY: "BMZnZIrVXzPB9yLMjUmIKyVCoXFuMmij4ZOr1sM14RiuRGxwt8SKLz5MOlEcPQqbXViBOk0N0SdOiFGmNVchEIQ",
  VAPID_PRIVATE_KEY: "K4ewi6UvbgbEZTf0y_Q4lJn4STQwnK5U_-NAaRsnB4E",
  PUSH_ALLOWED_HOSTS: "localhost",
  // Admin pages (admin-pipeline.spec.ts): the Admin GraphQL API is a loopback stand-in the spec starts on this port
  // (discountCodeBasicCreate for the pipeline's "generate code"); nothing listens otherwise, so calls fail fast.
  SHOPIFY_ADMIN_API_BASE_URL: "http://127.0.0.1:47911",
};
