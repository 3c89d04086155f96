// A storefront's push subscription request (POST /proxy/subscribe, already authenticated and validated): saved for
// an installed shop after its endpoint passed the push SSRF guard, or removed. The route checks the request (app
// proxy signature, rate limits, body); this decides and writes, and says what to answer.
import { demoOverrides } from "../demo-hook.server";
import { checkPushEndpoint, parseAllowedHosts } from "../lib/push-endpoint";
import type { SubscribeBody } from "../lib/push-subscription";
import { log } from "../log.server";
import { savePushSubscription, unsubscribePushSubscription } from "../models/push-subscriptions.server";
import { getShopCached } from "../models/shops.server";

export type SubscribeAnswer = { status: number; body: { ok: true; removed: boolean } | { ok: true; outcome: string } | { ok: false; error: string } };

export async function applySubscribeRequest(a: {
  shop: string;
  /** Only the customer id Shopify signed (logged_in_customer_id): a body field could name anyone. */
  loggedInCustomerId: string | null;
  userAgent: string | null;
  input: SubscribeBody;
  now: Date;
  env?: NodeJS.ProcessEnv;
}): Promise<SubscribeAnswer> {
  const { shop, input } = a;
  const e = a.env ?? process.env;
  const shopRow = await getShopCached(shop);
  if (!shopRow || shopRow.uninstalledAt) return { status: 404, body: { ok: false, error: "Shop not installed" } };

  if (input.type === "unsubscribe") {
    const removed = await unsubscribePushSubscription({ shop, endpoint: input.endpoint });
    return { status: 200, body: { ok: true, removed } };
  }

  // The push channel will POST to this URL: only known push services (PUSH_ALLOWED_HOSTS) on 443, never a private
  // address; the same relaxation as the sender's in the local demo only (its push receiver is on a loopback port).
  const check = checkPushEndpoint(input.subscription.endpoint, parseAllowedHosts(e.PUSH_ALLOWED_HOSTS), {
    allowNonPublic: demoOverrides(e).allowNonPublicPushEndpoints,
  });
  if (!check.ok) {
    log.info({ shop, reason: check.reason }, "proxy/subscribe: endpoint refused");
    return { status: 400, body: { ok: false, error: `subscription.endpoint: ${check.reason}` } };
  }

  const { outcome } = await savePushSubscription({
    shop,
    endpoint: input.subscription.endpoint,
    p256dh: input.subscription.keys.p256dh,
    auth: input.subscription.keys.auth,
    cartToken: input.cartToken ?? null,
    customerId: a.loggedInCustomerId,
    userAgent: a.userAgent,
    oldEndpoint: input.oldEndpoint ?? null,
    now: a.now,
  });
  log.info({ shop, outcome, host: check.host }, "proxy/subscribe: saved");
  return { status: outcome === "created" ? 201 : 200, body: { ok: true, outcome } };
}
