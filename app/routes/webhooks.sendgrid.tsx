// SendGrid Event Webhook (Mail Settings -> Event Webhook, "Signed Event Webhook Requests" on):
// POST /webhooks/sendgrid. The ECDSA signature (X-Twilio-Email-Event-Webhook-Signature over timestamp + raw body)
// is checked with @sendgrid/eventwebhook against SENDGRID_EVENT_PUBLIC_KEY; anything unsigned or forged gets 401.
// Without a configured key the endpoint refuses everything (503): events are never accepted unverified.
import type { ActionFunctionArgs } from "@remix-run/node";
import { EventWebhook, EventWebhookHeader } from "@sendgrid/eventwebhook";
import { log } from "../log.server";
import { applySendGridEvents, SendGridEventBatch } from "../models/sendgrid-events.server";
import { readBodyLimited } from "../lib/read-body.server";
import { webhookLoader } from "../shopify/webhooks.server";
import { jsonResponse } from "../lib/json-response";

const MAX_BYTES = 5 * 1024 * 1024;
const json = (status: number, body: Record<string, unknown>) => jsonResponse(status, body);

const verifier = new EventWebhook();
let cachedKey: { pem: string; key: ReturnType<EventWebhook["convertPublicKeyToECDSA"]> } | null = null;

function publicKey(pem: string) {
  if (cachedKey?.pem !== pem) cachedKey = { pem, key: verifier.convertPublicKeyToECDSA(pem) };
  return cachedKey.key;
}

export function verifySendGridSignature(pem: string, rawBody: string, signature: string | null, timestamp: string | null): boolean {
  if (!signature || !timestamp) return false;
  try {
    return verifier.verifySignature(publicKey(pem), rawBody, signature, timestamp);
  } catch {
    return false;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json(405, { error: "POST only" });
  const pem = process.env.SENDGRID_EVENT_PUBLIC_KEY?.trim();
  if (!pem) {
    log.error("sendgrid events refused: SENDGRID_EVENT_PUBLIC_KEY is not set");
    return json(503, { error: "event webhook verification key not configured" });
  }
  const body = await readBodyLimited(request, MAX_BYTES);
  if (body === null) return json(413, { error: `body larger than ${MAX_BYTES} bytes` });
  const ok = verifySendGridSignature(pem, body, request.headers.get(EventWebhookHeader.SIGNATURE()), request.headers.get(EventWebhookHeader.TIMESTAMP()));
  if (!ok) {
    log.warn("sendgrid events refused: invalid signature");
    return json(401, { error: "invalid signature" });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return json(400, { error: "malformed JSON body" });
  }
  const batch = SendGridEventBatch.safeParse(parsed);
  if (!batch.success) return json(400, { error: "expected a JSON array of events" });
  const result = await applySendGridEvents(batch.data, new Date());
  log.info(result, "sendgrid events processed");
  return json(200, { ok: true, ...result });
}

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
