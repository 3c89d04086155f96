// Genuinely signed requests, made the way Shopify and Meta make them, with this run's secrets.
import crypto from "node:crypto";

/** Shopify webhook: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body with the app's API secret. */
export function webhookHmac(rawBody: string, secret: string): string {
  return crypto.createHmac("sha256", secret).update(rawBody, "utf8").digest("base64");
}

/**
 * Shopify app proxy: `signature` = hex HMAC-SHA256 (API secret) of the query parameters other than `signature`,
 * sorted by name, each written `name=value` (several values joined with ","), concatenated with no separator.
 */
export function signAppProxyQuery(params: Record<string, string>, secret: string): URLSearchParams {
  const message = Object.entries(params)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join("");
  const signature = crypto.createHmac("sha256", secret).update(message, "utf8").digest("hex");
  return new URLSearchParams({ ...params, signature });
}

/** WhatsApp Cloud API webhooks: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the raw body (app secret). */
export function hubSignature(rawBody: string, appSecret: string): string {
  return `sha256=${crypto.createHmac("sha256", appSecret).update(rawBody, "utf8").digest("hex")}`;
}
