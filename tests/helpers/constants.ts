// The Shopify test helpers' published constants: requests signed with these are genuinely valid for the app
// configured with them (tests/helpers/setup-db.ts sets the environment to match).
export { API_KEY, API_SECRET_KEY, APP_URL, TEST_SHOP } from "@shopify/shopify-api/test-helpers";
export const OTHER_SHOP = "other-shop.myshopify.com";
