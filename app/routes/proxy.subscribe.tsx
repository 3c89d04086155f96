import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { parseSubscribeBody, SUBSCRIBE_MAX_BYTES } from "../lib/push-subscription";
import { log } from "../log.server";
import { readBodyLimited } from "../lib/read-body.server";
import { RateLimiter } from "../lib/rate-limit";
import { applySubscribeRequest } from "../storefront/push-subscribe.server";
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
// {type:"subscribe", subscription, cartToken?, oldEndpoint?} or {type:"unsubscribe", endpoint}. What is saved, and
// which endpoints are accepted: app/storefront/push-subscribe.server.ts.
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
  const parsed = parseSubscribeBody(raw);
  if (!parsed.ok) {
    if (parsed.log) log.info({ shop, ...parsed.log }, "proxy/subscribe: refused");
    return refuse(parsed.status, parsed.error);
  }

  const answer = await applySubscribeRequest({ shop, loggedInCustomerId, userAgent: request.headers.get("user-agent"), input: parsed.body, now: new Date() });
  return json(answer.body, { status: answer.status, headers: noStore });
};
