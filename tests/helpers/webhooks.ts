// Genuinely signed Shopify webhook requests (HMAC-SHA256 of the raw body with the app's secret, as Shopify does).
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { expect } from "vitest";
import { db } from "../../app/db.server";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import { API_SECRET_KEY, APP_URL, TEST_SHOP } from "./constants";
import { checkoutPayload, orderPayload, type CheckoutPayloadOptions, type OrderPayloadOptions } from "./factories";

export interface SignedWebhookOptions {
  shop?: string;
  eventId?: string | null;
  webhookId?: string;
  secret?: string;
  apiVersion?: string;
  rawBody?: string; // send this exact body (malformed JSON tests)
  hmac?: string;
}

let seq = 0;

export function signedWebhook(topic: string, payload: unknown, o: SignedWebhookOptions = {}): Request {
  const body = o.rawBody ?? JSON.stringify(payload);
  const path = `/webhooks/${topic}`;
  seq += 1;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": o.shop ?? TEST_SHOP,
    "X-Shopify-API-Version": o.apiVersion ?? "2026-10",
    "X-Shopify-Webhook-Id": o.webhookId ?? `wh-${process.pid}-${seq}-${Date.now()}`,
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Shopify-Hmac-Sha256": o.hmac ?? getHmac(body, o.secret ?? API_SECRET_KEY),
  };
  if (o.eventId !== null) headers["X-Shopify-Event-Id"] = o.eventId ?? `ev-${process.pid}-${seq}-${Date.now()}`;
  return new Request(`${APP_URL}${path}`, { method: "POST", headers, body });
}

/** Call a Remix route action the way the server does. */
export async function callAction(
  mod: { action: (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response> | Response },
  request: Request,
) {
  const res = await mod.action({ request, params: {}, context: {} });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json: json as Record<string, unknown> };
}

/**
 * Seeds a checkout the way Shopify does: a signed checkouts/create through its route (answered 200), with `headers`
 * set on the request over the usual ones. Answers the payload sent and the row stored for TEST_SHOP.
 */
export async function deliverCheckout(o: CheckoutPayloadOptions = {}, headers: Record<string, string> = {}) {
  const payload = checkoutPayload(o);
  let req = signedWebhook("checkouts/create", payload);
  if (Object.keys(headers).length) {
    const h = new Headers(req.headers);
    for (const [k, v] of Object.entries(headers)) h.set(k, v);
    req = new Request(req.url, { method: "POST", headers: h, body: await req.text() });
  }
  const res = await callAction(checkoutsCreate, req);
  expect(res.status).toBe(200);
  return { payload, checkout: await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: payload.token } } }) };
}

/** Seeds an order the way Shopify does: a signed orders/create through its route (answered 200). */
export async function deliverOrder(o: OrderPayloadOptions = {}) {
  const res = await callAction(ordersCreate, signedWebhook("orders/create", orderPayload(o)));
  expect(res.status).toBe(200);
}
