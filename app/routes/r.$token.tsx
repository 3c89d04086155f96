// Tracked click: /r/<signed token> -> 302 to that checkout's recovery URL (or an https URL on the shop's own
// domains). Tampered tokens get 404; a target outside the shop's domains is refused (no open redirect).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { linkSigningKey } from "../lib/crypto.server";
import { escapeHtml } from "../lib/email-template";
import { isAllowedRedirect, verifyLinkToken } from "../lib/links";
import { htmlResponse, publicPage } from "../lib/public-page";
import { log } from "../log.server";
import { getMessageForLink, recordClick } from "../models/message-tracking.server";

const invalid = () => htmlResponse(publicPage("This link is not valid", "<p>Please use the most recent message we sent you.</p>"), 404);

export async function loader({ params }: LoaderFunctionArgs) {
  let key: Buffer;
  try {
    key = linkSigningKey();
  } catch (e) {
    log.error({ err: (e as Error).message }, "click link: link signing key unavailable");
    return htmlResponse(publicPage("Temporarily unavailable", "<p>Please try again later.</p>"), 503);
  }
  const payload = verifyLinkToken(params.token, key, "click");
  if (!payload) return invalid();
  const m = await getMessageForLink(payload.messageId);
  if (!m) return invalid();
  const home = `https://${m.shopRef.primaryDomain ?? m.shop}/`;
  const target = payload.target ?? m.checkout.abandonedCheckoutUrl ?? home;
  if (!isAllowedRedirect(target, { recoveryUrl: m.checkout.abandonedCheckoutUrl, shopDomain: m.shop, primaryDomain: m.shopRef.primaryDomain })) {
    log.warn({ messageId: m.id, shop: m.shop }, "click link: redirect target outside the shop refused");
    return htmlResponse(
      publicPage("This link is not valid", `<p><a href="${escapeHtml(home)}">Continue to ${escapeHtml(m.shopRef.name || m.shop)}</a></p>`),
      400,
    );
  }
  await recordClick(m.id, new Date());
  return new Response(null, { status: 302, headers: { Location: target, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
}
