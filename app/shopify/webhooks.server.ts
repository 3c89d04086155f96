// Every Shopify webhook route goes through webhookAction: size limit, HMAC (verifyShopifyWebhook: the checks of the
// library's authenticate.webhook, on node:crypto; bad -> 401), JSON parsing, the delivery's event id for dedupe, and
// one-line 4xx reasons for bad input. Handlers return an outcome; a repeated delivery (its event id already in the
// ledger) answers 200 "duplicate" and writes nothing.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { env } from "../config.server";
import { db } from "../db.server";
import { InputError } from "../lib/errors";
import { readBodyLimited } from "../lib/read-body.server";
import { describePayloadProblem, findPayloadProblem } from "../lib/payload-guard";
import { describeZodError } from "../lib/shopify-payloads";
import { log } from "../log.server";
import { isUniqueViolation } from "../models/webhook-events.server";
import { topicForStorage, verifyShopifyWebhook, type VerifiedWebhook } from "./webhook-verify.server";
import { jsonResponse } from "../lib/json-response";

export type WebhookContext = VerifiedWebhook;

export interface WebhookMeta {
  eventId: string;
  /** The subscription's topic as in shopify.app.toml ("orders/create"). */
  topic: string;
  now: Date;
}

export type WebhookHandler = (ctx: WebhookContext, meta: WebhookMeta) => Promise<string>;

const reply = (status: number, body: Record<string, unknown>) => jsonResponse(status, body);

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
 * The loader of every webhook route (POST only). Without one, Remix answers a GET on an action-only route 400 ("did
 * not provide a loader"); a GET is not a bad body, it is the wrong method: 405 with Allow: POST.
 */
export function webhookLoader({ request }: LoaderFunctionArgs) {
  log.info({ path: new URL(request.url).pathname, method: request.method }, "webhook route: method not allowed");
  return jsonResponse(405, { error: "method not allowed" }, { Allow: "POST" });
}

const REFUSED = {
  method_not_allowed: "method not allowed",
  missing_body: "empty body",
  missing_hmac: "missing HMAC header",
  invalid_hmac: "invalid HMAC signature",
  missing_headers: "missing webhook headers",
} as const;

export function webhookAction(route: string, handler: WebhookHandler) {
  return async ({ request }: ActionFunctionArgs) => {
    const started = Date.now();
    const max = env().WEBHOOK_MAX_BYTES;
    const body = await readBodyLimited(request, max);
    if (body === null) {
      log.warn({ route, limit: max }, "webhook refused: body too large");
      return reply(413, { error: `body larger than ${max} bytes` });
    }
    const secret = env().SHOPIFY_API_SECRET;
    if (!secret) throw new Error("SHOPIFY_API_SECRET is not set"); // shopify.server refuses to start without it
    let ctx: WebhookContext;
    try {
      const verdict = verifyShopifyWebhook(request.method, request.headers, body, secret);
      if (!verdict.ok) {
        log.warn(
          { route, status: verdict.status, shop: request.headers.get("x-shopify-shop-domain"), missing: verdict.missingHeaders },
          `webhook refused: ${REFUSED[verdict.reason]}`,
        );
        return reply(verdict.status, { error: verdict.status === 401 ? "invalid signature" : REFUSED[verdict.reason] });
      }
      ctx = verdict.webhook;
    } catch (error) {
      if (error instanceof SyntaxError) {
        log.warn({ route, shop: request.headers.get("x-shopify-shop-domain") }, "webhook refused: malformed JSON body");
        return reply(400, { error: "malformed JSON body" });
      }
      throw error;
    }
    // A delivery for another topic (a subscription pointed at the wrong route) would be parsed as the wrong shape.
    if (ctx.topic !== topicForStorage(route)) {
      log.warn({ route, shop: ctx.shop, topic: ctx.topic }, "webhook refused: topic does not match the route");
      return reply(400, { error: `topic ${ctx.topic} is not handled by /webhooks/${route}` });
    }
    const poison = findPayloadProblem(ctx.payload);
    if (poison) {
      // The path only, never the value: it may be a shopper's email or name.
      log.warn({ route, shop: ctx.shop, path: poison.path, reason: poison.reason }, "webhook refused: a value no database can store");
      return reply(422, { error: `invalid payload: ${describePayloadProblem(poison)}` });
    }
    const eventId = ctx.eventId ?? ctx.webhookId; // the webhook id is required: a delivery without it got 400 above
    try {
      const outcome = await runHandler(handler, ctx, { eventId, topic: route, now: new Date() });
      log.debug({ route, shop: ctx.shop, eventId, outcome, ms: Date.now() - started }, "webhook processed");
      return reply(200, { ok: true, outcome });
    } catch (error) {
      if (isUniqueViolation(error)) {
        log.debug({ route, shop: ctx.shop, eventId }, "webhook duplicate ignored");
        return reply(200, { ok: true, outcome: "duplicate" });
      }
      if (error instanceof z.ZodError) {
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
