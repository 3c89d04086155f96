// The only caller of shopifyApp(). Auth, webhooks, app proxy and the Admin API client all come from here.
import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { DEFAULT_SCOPES, env } from "./config.server";
import { db } from "./db.server";
import { afterAuth } from "./shopify/after-auth.server";
import { CachedSessionStorage } from "./shopify/session-storage.server";

import { API_VERSION } from "./shopify/api-version";

export { API_VERSION };

const config = env();
if (!config.SHOPIFY_API_SECRET || !config.SHOPIFY_API_KEY) {
  throw new Error("SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set (the Shopify CLI sets them in development).");
}

export const sessionStorage = new CachedSessionStorage(new PrismaSessionStorage(db, { connectionRetries: 3, connectionRetryIntervalMs: 1000 }));

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: config.SCOPES?.split(",") ?? DEFAULT_SCOPES,
  appUrl: config.SHOPIFY_APP_URL ?? "http://localhost:3000",
  authPathPrefix: "/auth",
  sessionStorage,
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    // The shop's row and its profile from the Admin API (app/shopify/after-auth.server.ts; never fails the install).
    afterAuth: async ({ session }) => afterAuth({ session }),
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
