// verifyShopifyWebhook against the library's authenticate.webhook: the same requests, the same verdicts (status) and
// the same context fields. The library runs for real here (its HMAC, its header handling, its session load).
import { beforeEach, describe, expect, it } from "vitest";
import { authenticate } from "../../app/shopify.server";
import { topicForStorage, verifyShopifyWebhook, webhookHmac } from "../../app/shopify/webhook-verify.server";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { API_SECRET_KEY, APP_URL, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";

interface Case {
  name: string;
  method?: string;
  headers: Record<string, string>;
  body: string;
}

const BODY = JSON.stringify({ id: 1, token: "tok-1", email: "ada@example.com", line_items: [{ title: "Café crème <b>", quantity: 2 }] });

function classic(body: string, extra: Record<string, string | null> = {}, secret = API_SECRET_KEY): Record<string, string> {
  const h: Record<string, string | null> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": "checkouts/update",
    "X-Shopify-Shop-Domain": TEST_SHOP,
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": "wh-1",
    "X-Shopify-Triggered-At": "2026-11-20T10:00:00.000Z",
    "X-Shopify-Event-Id": "ev-1",
    "X-Shopify-Name": "checkout-recovery",
    "X-Shopify-Hmac-Sha256": getHmac(body, secret),
    ...extra,
  };
  return Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== null));
}

function events(body: string, extra: Record<string, string | null> = {}): Record<string, string> {
  const h: Record<string, string | null> = {
    "content-type": "application/json",
    "shopify-topic": "checkouts/create",
    "shopify-shop-domain": TEST_SHOP,
    "shopify-api-version": "2026-10",
    "shopify-webhook-id": "wh-events-1",
    "shopify-handle": "recovery",
    "shopify-action": "create",
    "shopify-triggered-at": "2026-11-20T10:00:00.000Z",
    "shopify-hmac-sha256": getHmac(body, API_SECRET_KEY),
    ...extra,
  };
  return Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== null));
}

const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const upper = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toUpperCase(), v]));

const nonAscii = JSON.stringify({ token: "tok-ü", note: "日本語 ✓ \u2028 emoji 🛒" });
const hmacOfOtherBody = getHmac(`${BODY} `, API_SECRET_KEY);

const CASES: Case[] = [
  { name: "valid classic webhook", headers: classic(BODY), body: BODY },
  { name: "valid, header names in lower case", headers: lower(classic(BODY)), body: BODY },
  { name: "valid, header names in upper case", headers: upper(classic(BODY)), body: BODY },
  { name: "valid, non-ASCII body", headers: classic(nonAscii), body: nonAscii },
  { name: "valid, no event id, name or triggered-at", headers: classic(BODY, { "X-Shopify-Event-Id": null, "X-Shopify-Name": null, "X-Shopify-Triggered-At": null }), body: BODY },
  { name: "valid, topic with a dot", headers: classic(BODY, { "X-Shopify-Topic": "bulk_operations.finish" }), body: BODY },
  { name: "valid Events delivery", headers: events(BODY), body: BODY },
  { name: "valid, but malformed JSON", headers: classic("{not json"), body: "{not json" },
  { name: "signed with another secret", headers: classic(BODY, {}, "another-secret"), body: BODY },
  { name: "body changed after signing", headers: classic(BODY), body: `${BODY} ` },
  { name: "signature of another body", headers: classic(BODY, { "X-Shopify-Hmac-Sha256": hmacOfOtherBody }), body: BODY },
  { name: "signature in hex instead of base64", headers: classic(BODY, { "X-Shopify-Hmac-Sha256": webhookHmacHex(BODY) }), body: BODY },
  { name: "signature truncated", headers: classic(BODY, { "X-Shopify-Hmac-Sha256": getHmac(BODY, API_SECRET_KEY).slice(0, 20) }), body: BODY },
  { name: "signature with a trailing space (header values are trimmed: accepted)", headers: classic(BODY, { "X-Shopify-Hmac-Sha256": `${getHmac(BODY, API_SECRET_KEY)} ` }), body: BODY },
  { name: "no signature", headers: classic(BODY, { "X-Shopify-Hmac-Sha256": null }), body: BODY },
  { name: "empty body", headers: classic(""), body: "" },
  { name: "no topic", headers: classic(BODY, { "X-Shopify-Topic": null }), body: BODY },
  { name: "no shop domain", headers: classic(BODY, { "X-Shopify-Shop-Domain": null }), body: BODY },
  { name: "no API version", headers: classic(BODY, { "X-Shopify-API-Version": null }), body: BODY },
  { name: "no webhook id", headers: classic(BODY, { "X-Shopify-Webhook-Id": null }), body: BODY },
  { name: "Events delivery without its webhook id", headers: events(BODY, { "shopify-webhook-id": null }), body: BODY },
  { name: "Events delivery signed with another secret", headers: { ...events(BODY), "shopify-hmac-sha256": getHmac(BODY, "another-secret") }, body: BODY },
  { name: "GET", method: "GET", headers: classic(BODY), body: "" },
  { name: "PUT", method: "PUT", headers: classic(BODY), body: BODY },
];

function webhookHmacHex(body: string): string {
  return Buffer.from(webhookHmac(body, API_SECRET_KEY), "base64").toString("hex");
}

function request(c: Case): Request {
  const method = c.method ?? "POST";
  return new Request(`${APP_URL}/webhooks/test`, { method, headers: c.headers, body: method === "GET" ? undefined : c.body });
}

type Outcome = { status: number } | { status: 200; context: Record<string, unknown> } | { error: string };

async function library(c: Case): Promise<Outcome> {
  try {
    const ctx = await authenticate.webhook(request(c));
    const { session, admin, ...fields } = ctx as typeof ctx & { session?: { shop: string }; admin?: unknown };
    expect(session?.shop).toBe(TEST_SHOP); // the library loaded the shop's offline session
    expect(admin).toBeDefined();
    return { status: 200, context: Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
  } catch (error) {
    if (error instanceof Response) return { status: error.status };
    return { error: (error as Error).name };
  }
}

function ours(c: Case): Outcome {
  try {
    const v = verifyShopifyWebhook(c.method ?? "POST", request(c).headers, c.body, API_SECRET_KEY);
    if (!v.ok) return { status: v.status };
    return { status: 200, context: Object.fromEntries(Object.entries(v.webhook).filter(([, val]) => val !== undefined)) };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
  await seedOfflineSession();
});

describe("verifyShopifyWebhook gives the same verdicts as authenticate.webhook", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const expected = await library(c);
      expect(ours(c)).toEqual(expected);
    });
  }

  it("covers accepted, refused (400, 401, 405) and malformed JSON cases", async () => {
    const outcomes = await Promise.all(CASES.map(library));
    const statuses = new Set(outcomes.map((o) => ("status" in o ? o.status : o.error)));
    expect([...statuses].sort()).toEqual([200, 400, 401, 405, "SyntaxError"].sort());
    const accepted = outcomes.filter((o): o is { status: 200; context: Record<string, unknown> } => "context" in o);
    expect(accepted.length).toBe(8);
    // The context carries what the handlers read, in the library's form.
    expect(accepted[0].context).toMatchObject({ shop: TEST_SHOP, topic: "CHECKOUTS_UPDATE", webhookId: "wh-1", eventId: "ev-1", apiVersion: "2026-10" });
  });

  it("stores topics the way the library does", () => {
    expect(topicForStorage("checkouts/create")).toBe("CHECKOUTS_CREATE");
    expect(topicForStorage("bulk_operations.finish")).toBe("BULK_OPERATIONS_FINISH");
  });
});
