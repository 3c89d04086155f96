// SendGrid Inbound Parse (MX for the reply domain -> POST /webhooks/inbound-email?token=<INBOUND_EMAIL_TOKEN>,
// multipart form). Replies reach us at reply+<message id>@<INBOUND_EMAIL_DOMAIN> (set as Reply-To on every email),
// which names the message and so the checkout; otherwise the sender's address finds the latest checkout. The URL
// token is the only authentication Inbound Parse offers: without a configured token the endpoint refuses everything.
import crypto from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { buildStaffNotifier } from "../recovery/wiring.server";
import { db } from "../db.server";
import { normalizeEmail } from "../lib/contact";
import { safeEqual } from "../lib/safe-equal";
import { stripQuotedReply } from "../lib/replies";
import { log } from "../log.server";
import { recordInboundReply } from "../models/replies.server";
import { webhookLoader } from "../shopify/webhooks.server";
import { jsonResponse } from "../lib/json-response";

const MAX_BYTES = 10 * 1024 * 1024;
const json = (status: number, body: Record<string, unknown>) => jsonResponse(status, body);

function addressesIn(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/<?([^\s<>",;]+@[^\s<>",;]+)>?/g)) out.push(m[1]);
  return out;
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json(405, { error: "POST only" });
  const expected = process.env.INBOUND_EMAIL_TOKEN;
  if (!expected) {
    log.error("inbound email refused: INBOUND_EMAIL_TOKEN is not set");
    return json(503, { error: "not configured" });
  }
  const token = new URL(request.url).searchParams.get("token") ?? "";
  if (!safeEqual(token, expected)) return json(401, { error: "invalid token" });
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > MAX_BYTES) return json(413, { error: "body too large" });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return json(400, { error: "expected a multipart form" });
  }
  const field = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : "";
  };
  let envelope: { to?: string[]; from?: string } = {};
  try {
    envelope = JSON.parse(field("envelope") || "{}");
  } catch {
    envelope = {};
  }
  const from = normalizeEmail(envelope.from ?? addressesIn(field("from"))[0] ?? "");
  if (!from) return json(200, { ok: true, outcome: "no_sender" }); // 2xx: SendGrid would retry a 4xx for days
  const recipients = [...(envelope.to ?? []), ...addressesIn(field("to"))];
  const messageId = recipients.map((a) => /^reply\+([A-Za-z0-9_-]{8,64})@/i.exec(a)?.[1]).find(Boolean) ?? null;
  const text = stripQuotedReply(field("text") || htmlToText(field("html"))).slice(0, 10_000);
  if (!text) return json(200, { ok: true, outcome: "empty" });

  let shop: string | null = null;
  if (messageId) shop = (await db.message.findUnique({ where: { id: messageId }, select: { shop: true } }))?.shop ?? null;
  if (!shop) shop = (await db.checkout.findFirst({ where: { email: from, messages: { some: { channel: "email" } } }, orderBy: { createdAt: "desc" }, select: { shop: true } }))?.shop ?? null;
  if (!shop) return json(200, { ok: true, outcome: "no_checkout" });

  const headerId = /^message-id:\s*(<[^>\r\n]+>)/im.exec(field("headers"))?.[1];
  const providerMessageId = `email:${headerId ?? crypto.createHash("sha256").update(`${from}\n${field("subject")}\n${text}`).digest("hex")}`.slice(0, 190);
  const r = await recordInboundReply({ shop, channel: "email", from, body: text, providerMessageId, messageId, now: new Date() }, buildStaffNotifier());
  return json(200, { ok: true, outcome: r.outcome });
}

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
