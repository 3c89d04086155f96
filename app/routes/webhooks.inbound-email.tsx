// SendGrid Inbound Parse (MX for the reply domain -> POST /webhooks/inbound-email?token=<INBOUND_EMAIL_TOKEN>,
// multipart form). Replies reach us at reply+<message id>@<INBOUND_EMAIL_DOMAIN> (set as Reply-To on every email),
// which names the message and so the checkout; otherwise the sender's address finds the latest checkout. The URL
// token is the only authentication Inbound Parse offers: without a configured token the endpoint refuses everything.
import type { ActionFunctionArgs } from "@remix-run/node";
import { parseInboundEmail } from "../lib/inbound-email";
import { jsonResponse } from "../lib/json-response";
import { safeEqual } from "../lib/safe-equal";
import { log } from "../log.server";
import { receiveEmailReply } from "../recovery/inbound-replies.server";
import { webhookLoader } from "../shopify/webhooks.server";

const MAX_BYTES = 10 * 1024 * 1024;
const json = (status: number, body: Record<string, unknown>) => jsonResponse(status, body);

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
  // Always 2xx once authenticated (no sender, empty, no checkout included): SendGrid would retry a 4xx for days.
  const outcome = await receiveEmailReply(parseInboundEmail(field), { now: new Date() });
  return json(200, { ok: true, outcome });
}

// POST only: a GET answers 405 (app/shopify/webhooks.server.ts).
export const loader = webhookLoader;
