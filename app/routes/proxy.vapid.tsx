import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { log } from "../log.server";
import { getVapidPublicKey } from "../models/vapid.server";
import { authenticateProxy } from "../storefront/proxy.server";

// https://<shop>/apps/checkout-recovery/vapid -> /proxy/vapid: the VAPID public key (base64url) to subscribe with,
// the same one the push channel signs with (env, or generated once and stored).
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateProxy(request);
  let publicKey: string;
  try {
    publicKey = await getVapidPublicKey();
  } catch (e) {
    log.error({ shop, err: (e as Error).message }, "proxy/vapid: no VAPID key available");
    return json({ error: "Push is not configured" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
  return json({ publicKey }, { headers: { "Cache-Control": "public, max-age=300" } });
};
