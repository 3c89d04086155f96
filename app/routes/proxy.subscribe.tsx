import type { ActionFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { checkPushEndpoint, parseAllowedHosts } from "../lib/push-endpoint";
import { SUBSCRIBE_MAX_BYTES, SubscribeBodySchema } from "../lib/push-subscription";
import { log } from "../log.server";
import { savePushSubscription, unsubscribePushSubscription } from "../models/push-subscriptions.server";
import { getShopCached } from "../models/shops.server";
import { readBodyLimited } from "../lib/read-body.server";
import { authenticateProxy } from "../storefront/proxy.server";

const noStore = { "Cache-Control": "no-store" };
const refuse = (status: number, error: string) => json({ ok: false, error }, { status, headers: noStore });

// POST https://<shop>/apps/checkout-recovery/subscribe -> /proxy/subscribe (app proxy, signed query; cookies stripped).
// {type:"subscribe", subscription, cartToken?, oldEndpoint?} or {type:"unsubscribe", endpoint}.
export const loader = () => refuse(405, "Use POST");

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return refuse(405, "Use POST");
  const { shop, loggedInCustomerId } = await authenticateProxy(request);

  const raw = await readBodyLimited(request, SUBSCRIBE_MAX_BYTES);
  if (raw === null) return refuse(413, `Body over ${SUBSCRIBE_MAX_BYTES} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return refuse(400, "Body is not JSON");
  }
  const parsed = SubscribeBodySchema.safeParse(body);
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

  // The push channel will POST to this URL: only known push services (PUSH_ALLOWED_HOSTS), never a private address.
  const check = checkPushEndpoint(input.subscription.endpoint, parseAllowedHosts(process.env.PUSH_ALLOWED_HOSTS));
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
