import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { demoOverrides } from "../demo-hook.server";
import { describePayloadProblem, findPayloadProblem } from "../lib/payload-guard";
import { checkPushEndpoint, parseAllowedHosts } from "../lib/push-endpoint";
import { SUBSCRIBE_MAX_BYTES, SubscribeBodySchema } from "../lib/push-subscription";
import { log } from "../log.server";
import { savePushSubscription, unsubscribePushSubscription } from "../models/push-subscriptions.server";
import { getShopCached } from "../models/shops.server";
import { readBodyLimited } from "../lib/read-body.server";
import { RateLimiter } from "../lib/rate-limit";
import { v3Message } from "../lib/validation-messages";
import { authenticateProxy } from "../storefront/proxy.server";

const noStore = { "Cache-Control": "no-store" };
const refuse = (status: number, error: string) => json({ ok: false, error }, { status, headers: noStore });

// A browser subscribes once and refreshes rarely: a shopper's address sending more than this is a script. The shop-wide
// cap bounds what one storefront can write per minute. Per process (see app/lib/rate-limit.ts).
const perShopper = new RateLimiter({ limit: Number(process.env.SUBSCRIBE_LIMIT_PER_IP ?? 20), windowMs: 10 * 60_000 });
const perShop = new RateLimiter({ limit: Number(process.env.SUBSCRIBE_LIMIT_PER_SHOP ?? 3000), windowMs: 60_000 });

/** The shopper's address as Shopify's app proxy forwards it (first X-Forwarded-For entry), when there is one. */
function shopperAddress(request: Request): string | null {
  return (request.headers.get("x-forwarded-for") ?? "").split(",")[0].trim() || null;
}

// POST https://<shop>/apps/checkout-recovery/subscribe -> /proxy/subscribe (app proxy, signed query; cookies stripped).
// {type:"subscribe", subscription, cartToken?, oldEndpoint?} or {type:"unsubscribe", endpoint}.
export const loader = () => refuse(405, "Use POST");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return refuse(405, "Use POST");
  const { shop, loggedInCustomerId } = await authenticateProxy(request);
  const now = Date.now();
  const address = shopperAddress(request);
  const shopperKey = `${shop}|${address}`;
  const overShopper = address !== null && !perShopper.take(shopperKey, now);
  if (overShopper || !perShop.take(shop, now)) {
    const retry = overShopper ? perShopper.retryAfterSeconds(shopperKey, now) : perShop.retryAfterSeconds(shop, now);
    log.warn({ shop, scope: overShopper ? "shopper" : "shop" }, "proxy/subscribe: rate limited");
    return json({ ok: false, error: "Too many requests" }, { status: 429, headers: { ...noStore, "Retry-After": String(retry) } });
  }

  const raw = await readBodyLimited(request, SUBSCRIBE_MAX_BYTES);
  if (raw === null) return refuse(413, `Body over ${SUBSCRIBE_MAX_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return refuse(400, "Body is not JSON");
  }
  // The same refusal as webhooks for values no database can store (NUL, lone surrogates, over-long identifiers).
  const poison = findPayloadProblem(body);
  if (poison) {
    log.info({ shop, path: poison.path, reason: poison.reason }, "proxy/subscribe: refused");
    return refuse(422, describePayloadProblem(poison));
  }
  const parsed = SubscribeBodySchema.safeParse(body, { error: v3Message });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    log.info({ shop, path: issue.path.join("."), reason: issue.message }, "proxy/subscribe: refused");
    return refuse(400, `${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  const input = parsed.data;

  const shopRow = await getShopCached(shop);
  if (!shopRow || shopRow.uninstalledAt) return refuse(404, "Shop not installed");

  if (input.type === "unsubscribe") {
    const removed = await unsubscribePushSubscription({ shop, endpoint: input.endpoint });
    return json({ ok: true, removed }, { headers: noStore });
  }

  // The push channel will POST to this URL: only known push services (PUSH_ALLOWED_HOSTS) on 443, never a private
  // address; the same relaxation as the sender's in the local demo only (its push receiver is on a loopback port).
  const check = checkPushEndpoint(input.subscription.endpoint, parseAllowedHosts(process.env.PUSH_ALLOWED_HOSTS), { allowNonPublic: demoOverrides().allowNonPublicPushEndpoints });
  if (!check.ok) {
    log.info({ shop, reason: check.reason }, "proxy/subscribe: endpoint refused");
    return refuse(400, `subscription.endpoint: ${check.reason}`);
  }
  const endpointHost = check.host;

  const { outcome } = await savePushSubscription({
    shop,
    endpoint: input.subscription.endpoint,
    p256dh: input.subscription.keys.p256dh,
    auth: input.subscription.keys.auth,
    cartToken: input.cartToken ?? null,
    // Only the customer id Shopify signed: a body field could name anyone and receive their cart's notifications.
    customerId: loggedInCustomerId,
    userAgent: request.headers.get("user-agent"),
    oldEndpoint: input.oldEndpoint ?? null,
    now: new Date(),
  });
  log.info({ shop, outcome, host: endpointHost }, "proxy/subscribe: saved");
  return json({ ok: true, outcome }, { status: outcome === "created" ? 201 : 200, headers: noStore });
};
