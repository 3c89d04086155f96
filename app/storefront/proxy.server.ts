// Shared pieces of the app proxy routes (app/routes/proxy.*): signature check, the service worker source, the
// VAPID public key, and a size-capped body reader. Shopify forwards https://<shop>/apps/checkout-recovery/<path>
// to <app>/proxy/<path> with `shop`, `logged_in_customer_id`, `path_prefix`, `timestamp` and `signature` in the query.
import fs from "node:fs";
import path from "node:path";
import { authenticate } from "../shopify.server";

export const PROXY_PREFIX = "/apps/checkout-recovery/";

export interface ProxyContext {
  shop: string;
  /** Signed by Shopify: the logged-in customer's numeric id, or null for a guest. */
  loggedInCustomerId: string | null;
}

/**
 * Verifies the app proxy signature (HMAC of the query with the app secret, timestamp within 90 s). A missing, forged
 * or stale signature throws a 400 Response (authenticate.public.appProxy), which Remix returns as is.
 */
export async function authenticateProxy(request: Request): Promise<ProxyContext> {
  await authenticate.public.appProxy(request);
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop") ?? "";
  const customer = url.searchParams.get("logged_in_customer_id") ?? "";
  return { shop, loggedInCustomerId: /^\d+$/.test(customer) ? customer : null };
}

let workerSource: string | undefined;

/** public/storefront/push-sw.js, read once (the server runs from the project root, like the static file handler for public/ in server.mjs). */
export function serviceWorkerSource(root = process.cwd()): string {
  if (workerSource === undefined) workerSource = fs.readFileSync(path.join(root, "public", "storefront", "push-sw.js"), "utf8");
  return workerSource;
}
