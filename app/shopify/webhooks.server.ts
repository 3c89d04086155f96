// Every Shopify webhook route goes through receiveWebhook: size limit, HMAC (authenticate.webhook: bad -> 401),
// JSON parsing, the delivery's event id for dedupe, and one-line 4xx reasons for bad input. Handlers return an
// outcome; a repeated delivery (unique violation on the event ledger) answers 200 "duplicate" and writes nothing.
import type { ActionFunctionArgs } from "@remix-run/node";
import { ZodError } from "zod";
import { env } from "../config.server";
import { db } from "../db.server";
import { InputError } from "../lib/errors";
import { readBodyLimited } from "../lib/read-body.server";
import { describeZodError } from "../lib/shopify-payloads";
import { log } from "../log.server";
import { isUniqueViolation } from "../models/webhook-events.server";
import { authenticate } from "../shopify.server";

export type WebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

export interface WebhookMeta {
  eventId: string;
  /** The subscription's topic as in shopify.app.toml ("orders/create"). */
  topic: string;
  now: Date;
}

export type WebhookHandler = (ctx: WebhookContext, meta: WebhookMeta) => Promise<string>;

function reply(status: number, body: Record<string, unknown>) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}


/**
 * A unique violation means a repeat only when the ledger holds the event id. Otherwise it came from a row another
 * process inserted between our read and our insert (the first two deliveries for one new checkout, handled at
 * once by two workers on PostgreSQL): our transaction wrote nothing, so run again, now that the row exists.
 */
async function runHandler(handler: WebhookHandler, ctx: WebhookContext, meta: WebhookMeta): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handler(ctx, meta);
    } catch (error) {
      const recorded = () => db.webhookEvent.findUnique({ where: { eventId: meta.eventId }, select: { id: true } });
      if (!isUniqueViolation(error) || attempt >= 3 || (await recorded())) throw error;
    }
  }
}

/**
 * Only the X-Shopify-* headers (and Content-Type) go to authenticate.webhook: it reads nothing else, and it
 * canonicalizes every header it is given, several times over, which cost more CPU than the HMAC check itself.
 */
function shopifyHeaders(headers: Headers): Headers {
  const out = new Headers();
  for (const [name, value] of headers) {
    if (name.startsWith("x-shopify-") || name === "content-type") out.append(name, value);
  }
  return out;
}

export function webhookAction(route: string, handler: WebhookHandler) {
  return async ({ request }: ActionFunctionArgs) => {
    const started = Date.now();
    const max = env().WEBHOOK_MAX_BYTES;
    const body = await readBodyLimited(request, max);
    if (body === null) {
      log.warn({ route, limit: max }, "webhook refused: body too large");
      return reply(413, { error: `body larger than ${max} bytes` });
    }
    let ctx: WebhookContext;
    try {
      ctx = await authenticate.webhook(new Request(request.url, { method: request.method, headers: shopifyHeaders(request.headers), body }));
    } catch (error) {
      if (error instanceof Response) {
        log.warn({ route, status: error.status, shop: request.headers.get("x-shopify-shop-domain") }, `webhook refused: ${error.status === 401 ? "invalid HMAC signature" : error.statusText || "invalid request"}`);
        return reply(error.status, { error: error.status === 401 ? "invalid signature" : error.statusText || "invalid webhook request" });
      }
      if (error instanceof SyntaxError) {
        log.warn({ route, shop: request.headers.get("x-shopify-shop-domain") }, "webhook refused: malformed JSON body");
        return reply(400, { error: "malformed JSON body" });
      }
      throw error;
    }
    const eventId = ctx.eventId ?? request.headers.get("x-shopify-event-id") ?? ctx.webhookId;
    if (!eventId) {
      log.warn({ route, shop: ctx.shop }, "webhook refused: no event or webhook id");
      return reply(400, { error: "missing X-Shopify-Event-Id / X-Shopify-Webhook-Id" });
    }
    try {
      const outcome = await runHandler(handler, ctx, { eventId, topic: route, now: new Date() });
      log.debug({ route, shop: ctx.shop, eventId, outcome, ms: Date.now() - started }, "webhook processed");
      return reply(200, { ok: true, outcome });
    } catch (error) {
      if (isUniqueViolation(error)) {
        log.debug({ route, shop: ctx.shop, eventId }, "webhook duplicate ignored");
        return reply(200, { ok: true, outcome: "duplicate" });
      }
      if (error instanceof ZodError) {
        const reason = describeZodError(error);
        log.warn({ route, shop: ctx.shop, eventId, reason }, "webhook refused: invalid payload");
        return reply(422, { error: `invalid payload: ${reason}` });
      }
      if (error instanceof InputError) {
        log.warn({ route, shop: ctx.shop, eventId, reason: error.reason }, "webhook refused");
        return reply(error.status, { error: error.reason });
      }
      log.error({ route, shop: ctx.shop, eventId, err: error }, "webhook failed");
      return reply(500, { error: "internal error" });
    }
  };
}
