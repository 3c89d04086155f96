// Shopify webhook verification on node:crypto: the same checks and answers as the Shopify library's
// authenticate.webhook (POST only -> 405; empty body, missing HMAC or a missing required header -> 400; HMAC-SHA256
// of the raw body with the app's API secret, base64, compared in constant time -> 401 when it differs), giving the
// same context fields. tests/unit/webhook-verify.test.ts runs both over the same requests and expects equal results.
//
// Why not authenticate.webhook itself: at webhook rates it was a third of a delivery's CPU. It canonicalizes every
// header name with a regular expression several times per request, converts the request into its own shape, computes
// the HMAC through WebCrypto (importKey and sign, each an asynchronous job), and builds an Admin API client none of
// our webhook handlers use (they never call Shopify while answering a webhook).
//
// Decision (issue 16): kept. What it buys is measured by `npm run bench:infra` (CPU per verification, ours against
// authenticate.webhook over the same signed requests; bench/RESULTS.md, "Issue 16: HMAC check, JSON fast path and
// Admin GraphQL client against their libraries"). The differential, tests/integration/webhook-verify.test.ts, runs
// both over hand-picked cases, Shopify's documented example body of every subscribed topic (classic and Events
// headers) and 1,000 fast-check generated requests, and expects the same status and the same context fields.
//
// Deliberate differences, both from loading no offline session (and making no Admin API client): a handler that
// needs the session (app/scopes_update) reads it itself; and a correctly signed delivery whose shop header is not a
// lower-case myshopify domain is verified here, where the library's session load throws ("Received invalid shop
// argument", a 500). Only Shopify holds the secret, so that delivery does not happen; the handlers find no such shop.
import crypto from "node:crypto";
import { safeEqual } from "../lib/safe-equal";

/** Header names of classic webhooks (app-specific subscriptions in shopify.app.toml) and of Events deliveries. */
const HEADERS = {
  webhooks: {
    hmac: "x-shopify-hmac-sha256",
    topic: "x-shopify-topic",
    domain: "x-shopify-shop-domain",
    apiVersion: "x-shopify-api-version",
    webhookId: "x-shopify-webhook-id",
    name: "x-shopify-name",
    triggeredAt: "x-shopify-triggered-at",
    eventId: "x-shopify-event-id",
  },
  events: {
    hmac: "shopify-hmac-sha256",
    topic: "shopify-topic",
    domain: "shopify-shop-domain",
    apiVersion: "shopify-api-version",
    webhookId: "shopify-webhook-id",
    handle: "shopify-handle",
    action: "shopify-action",
    triggeredAt: "shopify-triggered-at",
  },
} as const;

export interface VerifiedWebhook {
  webhookType: "webhooks" | "events";
  /** The shop's myshopify domain (X-Shopify-Shop-Domain). */
  shop: string;
  /** Topic in the library's storage form: "checkouts/create" -> "CHECKOUTS_CREATE". */
  topic: string;
  apiVersion: string;
  webhookId: string;
  eventId?: string;
  triggeredAt?: string;
  name?: string;
  handle?: string;
  action?: string;
  /** The parsed JSON body (parsed only after the signature checked out). */
  payload: unknown;
}

export type WebhookVerdict =
  | { ok: true; webhook: VerifiedWebhook }
  | {
      ok: false;
      status: 400 | 401 | 405;
      reason: "method_not_allowed" | "missing_body" | "missing_hmac" | "invalid_hmac" | "missing_headers";
      missingHeaders?: string[];
    };

/** As the library stores topics: upper case, "/" and "." become "_". */
export function topicForStorage(topic: string): string {
  return topic.toUpperCase().replace(/\/|\./g, "_");
}

const secretKeys = new Map<string, crypto.KeyObject>();
function hmacKey(secret: string): crypto.KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = crypto.createSecretKey(Buffer.from(secret, "utf8"));
    secretKeys.set(secret, key);
  }
  return key;
}

/** Base64 HMAC-SHA256 of the body with the secret, as Shopify signs a webhook. */
export function webhookHmac(body: string, secret: string): string {
  return crypto.createHmac("sha256", hmacKey(secret)).update(body).digest("base64");
}

/** Constant-time equality of the received signature with ours (a length difference is not secret: base64 of 32 bytes). */
function sameSignature(received: string, expected: string): boolean {
  return safeEqual(received, expected);
}

/**
 * Verifies a webhook delivery. `body` is the body decoded as UTF-8, as the library reads it (request.text()); the
 * HMAC is over its UTF-8 encoding. JSON.parse errors (SyntaxError) propagate to the caller after the signature
 * checked out, as with the library.
 */
export function verifyShopifyWebhook(method: string, headers: Headers, body: string, secret: string): WebhookVerdict {
  if (method !== "POST") return { ok: false, status: 405, reason: "method_not_allowed" };
  const webhookType = headers.get(HEADERS.events.hmac) ? "events" : "webhooks";
  const names = HEADERS[webhookType];
  if (!body.length) return { ok: false, status: 400, reason: "missing_body" };
  const hmac = headers.get(names.hmac);
  if (!hmac) return { ok: false, status: 400, reason: "missing_hmac" };
  if (!sameSignature(hmac, webhookHmac(body, secret))) return { ok: false, status: 401, reason: "invalid_hmac" };

  const topic = headers.get(names.topic);
  const shop = headers.get(names.domain);
  const apiVersion = headers.get(names.apiVersion);
  const webhookId = headers.get(names.webhookId);
  if (!topic || !shop || !apiVersion || !webhookId) {
    const missingHeaders = (["topic", "domain", "apiVersion", "webhookId"] as const).filter((k) => !headers.get(names[k])).map((k) => names[k]);
    return { ok: false, status: 400, reason: "missing_headers", missingHeaders };
  }
  const webhook: VerifiedWebhook = { webhookType, shop, topic: topicForStorage(topic), apiVersion, webhookId, payload: JSON.parse(body) };
  const optional = webhookType === "webhooks" ? (["name", "triggeredAt", "eventId"] as const) : (["handle", "action", "triggeredAt"] as const);
  for (const k of optional) {
    const v = headers.get((names as Record<string, string>)[k]);
    if (v) webhook[k] = v;
  }
  return { ok: true, webhook };
}
