// Unsubscribe: GET shows a page with a confirm button (link scanners prefetch GETs, so a GET never unsubscribes);
// POST unsubscribes, both from that form and as the RFC 8058 one-click POST a mail client sends with the body
// "List-Unsubscribe=One-Click". The opt-out is stored as a hashed suppression on the message's channel, so every
// later message on that channel is refused.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { linkSigningKey } from "../lib/crypto.server";
import { escapeHtml } from "../lib/email-template";
import { verifyLinkToken } from "../lib/links";
import { htmlResponse, publicPage } from "../lib/public-page";
import { log } from "../log.server";
import { getMessageForLink, unsubscribeByMessage, type LinkMessage } from "../models/message-tracking.server";

const invalid = () => htmlResponse(publicPage("This link is not valid", "<p>Please use the unsubscribe link in the most recent message we sent you.</p>"), 404);

async function resolve(token: string | undefined): Promise<LinkMessage | null | "unavailable"> {
  let key: Buffer;
  try {
    key = linkSigningKey();
  } catch (e) {
    log.error({ err: (e as Error).message }, "unsubscribe link: signing key unavailable");
    return "unavailable";
  }
  const payload = verifyLinkToken(token, key, "unsubscribe");
  if (!payload) return null;
  return getMessageForLink(payload.messageId);
}

export async function loader({ params }: LoaderFunctionArgs) {
  const m = await resolve(params.token);
  if (m === "unavailable") return htmlResponse(publicPage("Temporarily unavailable", "<p>Please try again later.</p>"), 503);
  if (!m) return invalid();
  const what = m.channel === "email" ? "emails" : "WhatsApp messages";
  const shop = escapeHtml(m.shopRef.name || m.shop);
  return htmlResponse(
    publicPage(
      `Unsubscribe from ${shop}`,
      `<p>Stop receiving cart reminder ${what} from ${shop}?</p>
<form method="post"><input type="hidden" name="confirm" value="1"><button type="submit" style="background:#202223;color:#fff;border:0;border-radius:6px;padding:12px 24px;font-size:15px;cursor:pointer;">Unsubscribe</button></form>`,
    ),
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return new Response("Method not allowed", { status: 405 });
  const m = await resolve(params.token);
  if (m === "unavailable") return new Response("Temporarily unavailable", { status: 503 });
  if (!m) return invalid();
  const body = await request.text().catch(() => "");
  const oneClick = /(^|&)List-Unsubscribe=One-Click(&|$)/.test(body);
  await unsubscribeByMessage(m, new Date());
  log.info({ shop: m.shop, messageId: m.id, channel: m.channel, oneClick }, "shopper unsubscribed");
  if (oneClick) return new Response("Unsubscribed", { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
  const shop = escapeHtml(m.shopRef.name || m.shop);
  return htmlResponse(publicPage("You are unsubscribed", `<p>You will not receive more cart reminders from ${shop} on this channel.</p>`));
}
