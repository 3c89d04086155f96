// Open pixel: /o/<signed token>.gif. Always answers the 1x1 GIF (so a mail client never shows a broken image);
// records the open only for a genuine token.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { linkSigningKey } from "../lib/crypto.server";
import { TRANSPARENT_GIF, verifyLinkToken } from "../lib/links";
import { log } from "../log.server";
import { recordOpen } from "../models/message-tracking.server";

function gif() {
  return new Response(TRANSPARENT_GIF, {
    status: 200,
    headers: { "Content-Type": "image/gif", "Content-Length": String(TRANSPARENT_GIF.length), "Cache-Control": "no-store, max-age=0" },
  });
}

export async function loader({ params }: LoaderFunctionArgs) {
  const raw = (params.token ?? "").replace(/\.gif$/, "");
  try {
    const payload = verifyLinkToken(raw, linkSigningKey(), "open");
    if (payload) await recordOpen(payload.messageId, new Date());
  } catch (e) {
    log.warn({ err: (e as Error).message }, "open pixel: not recorded");
  }
  return gif();
}
