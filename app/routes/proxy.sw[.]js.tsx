import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateProxy, serviceWorkerSource } from "../storefront/proxy.server";

// https://<shop>/apps/checkout-recovery/sw.js -> /proxy/sw.js (app proxy, signed). The theme app embed registers it
// with scope /apps/checkout-recovery/.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticateProxy(request);
  return new Response(serviceWorkerSource(), {
    status: 200,
    headers: {
      "Content-Type": "application/javascript; charset=utf-8",
      "Service-Worker-Allowed": "/apps/checkout-recovery/",
      // Browsers re-check a worker at most every 24 h anyway; never let a cache pin an old one.
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    },
  });
};
