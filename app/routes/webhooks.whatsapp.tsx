// WhatsApp Cloud API webhook (Meta app -> WhatsApp -> Configuration): GET /webhooks/whatsapp answers Meta's
// verification (hub.mode=subscribe, hub.verify_token = WHATSAPP_VERIFY_TOKEN -> hub.challenge). POST carries inbound
// messages and delivery statuses, signed with X-Hub-Signature-256 (HMAC-SHA256 of the raw body with
// WHATSAPP_APP_SECRET): a bad or missing signature gets 401. Replies become handoffs (app/models/replies.server.ts).
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { buildStaffNotifier } from "../recovery/wiring.server";
import { db } from "../db.server";
import { safeEqual } from "../lib/safe-equal";
import { readBodyLimited } from "../lib/read-body.server";
import { parseWhatsAppWebhook, verifyHubSignature } from "../lib/whatsapp";
import { log } from "../log.server";
import { markDelivered, markDropped, markOpened, recordProviderEvent } from "../models/message-tracking.server";
import { findShopByWhatsAppNumber, recordInboundReply } from "../models/replies.server";
import { jsonResponse } from "../lib/json-response";

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
  const now = new Date();
  const shops = new Map<string, string | null>();
  const shopFor = async (pnid: string | null) => {
    if (!pnid) return null;
    if (!shops.has(pnid)) shops.set(pnid, await findShopByWhatsAppNumber(pnid));
    return shops.get(pnid) ?? null;
  };
  const outcomes: string[] = [];
  const notifier = buildStaffNotifier();
  for (const m of parsed.messages) {
    const shop = await shopFor(m.phoneNumberId);
    if (!shop) {
      outcomes.push("unknown_number");
      continue;
    }
    const r = await recordInboundReply({ shop, channel: "whatsapp", from: `+${m.from.replace(/\D/g, "")}`, body: m.text, providerMessageId: `whatsapp:${m.id}`, now: m.at ?? now }, notifier);
    outcomes.push(r.outcome);
  }
  for (const s of parsed.statuses) {
    // By Meta's message id; else by ours (biz_opaque_callback_data): a send whose answer was lost with a crashed
    // process has no provider id yet, and its status is what tells the engine it was accepted (not to send again).
    let msg = await db.message.findFirst({ where: { providerId: s.id, channel: "whatsapp" }, select: { id: true } });
    if (!msg && s.ourMessageId && s.ourMessageId.length <= 64) {
      msg = await db.message.findFirst({ where: { id: s.ourMessageId, channel: "whatsapp" }, select: { id: true } });
      if (msg) await db.message.updateMany({ where: { id: msg.id, providerId: null }, data: { providerId: s.id.slice(0, 200) } });
    }
    const at = s.at ?? now;
    await recordProviderEvent({
      eventKey: `whatsapp:${s.id}:${s.status}`.slice(0, 190),
      messageId: msg?.id ?? null,
      type: s.status.slice(0, 40),
      occurredAt: at,
      apply: async (tx) => {
        if (!msg) return;
        if (s.status === "delivered") await markDelivered(tx, msg.id, at);
        else if (s.status === "read") await markOpened(tx, msg.id, at);
        else if (s.status === "failed") await markDropped(tx, msg.id, at, "whatsapp delivery failed");
      },
    });
    outcomes.push(`status:${s.status}`);
  }
  return json(200, { ok: true, outcomes });
}
