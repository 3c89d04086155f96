// WhatsApp Cloud API webhook (Meta app -> WhatsApp -> Configuration): GET /webhooks/whatsapp answers Meta's
// verification (hub.mode=subscribe, hub.verify_token = WHATSAPP_VERIFY_TOKEN -> hub.challenge). POST carries inbound
// messages and delivery statuses, signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body with
// WHATSAPP_APP_SECRET): a bad or missing signature gets 401. Replies become handoffs and statuses reach the send
// ledger (app/recovery/inbound-replies.server.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { jsonResponse } from "../lib/json-response";
import { readBodyLimited } from "../lib/read-body.server";
import { safeEqual } from "../lib/safe-equal";
import { parseWhatsAppWebhook, verifyHubSignature } from "../lib/whatsapp";
import { log } from "../log.server";
import { receiveWhatsAppWebhook } from "../recovery/inbound-replies.server";

const MAX_BYTES = 1024 * 1024;
const json = (status: number, body: Record<string, unknown>) => jsonResponse(status, body);

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const expected = process.env.WHATSAPP_VERIFY_TOKEN;
  const mode = url.searchParams.get("hub.mode");
  const token = url.searchParams.get("hub.verify_token") ?? "";
  const challenge = url.searchParams.get("hub.challenge") ?? "";
  if (!expected) return new Response("WhatsApp webhook not configured", { status: 503 });
  if (mode !== "subscribe" || !safeEqual(token, expected) || !/^[\w-]{1,200}$/.test(challenge)) return new Response("Forbidden", { status: 403 });
  return new Response(challenge, { status: 200, headers: { "Content-Type": "text/plain" } });
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json(405, { error: "POST only" });
  const secret = process.env.WHATSAPP_APP_SECRET;
  if (!secret) {
    log.error("whatsapp webhook refused: WHATSAPP_APP_SECRET is not set");
    return json(503, { error: "not configured" });
  }
  const body = await readBodyLimited(request, MAX_BYTES);
  if (body === null) return json(413, { error: "body too large" });
  if (!verifyHubSignature(body, request.headers.get("x-hub-signature-256"), secret)) {
    log.warn("whatsapp webhook refused: invalid X-Hub-Signature-256");
    return json(401, { error: "invalid signature" });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return json(400, { error: "malformed JSON body" });
  }
  const parsed = parseWhatsAppWebhook(raw);
  if (!parsed) return json(400, { error: "not a WhatsApp webhook body" });
  const outcomes = await receiveWhatsAppWebhook(parsed, { now: new Date() });
  return json(200, { ok: true, outcomes });
}
