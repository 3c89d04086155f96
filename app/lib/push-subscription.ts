// What the storefront may send to /apps/checkout-recovery/subscribe, validated before anything is written.
// Pure: no Remix, Prisma or Shopify here. Which push hosts are accepted is app/lib/push-endpoint.ts (shared with the
// push channel, so the storefront never stores an endpoint the channel would refuse to call).
import { z } from "zod";
import { describePayloadProblem, findPayloadProblem } from "./payload-guard";
import { v3Message } from "./validation-messages";

/** A request body larger than this is refused before parsing (a subscription is well under 1 KB). */
export const SUBSCRIBE_MAX_BYTES = 8 * 1024;

const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, "must be base64url");

const endpoint = z
  .string()
  .max(2048)
  .url()
  .refine((v) => v.startsWith("https://"), "endpoint must be https");

// p256dh is a 65-byte uncompressed P-256 point (87 base64url chars); auth is 16 bytes (22 chars).
export const PushSubscriptionJsonSchema = z.object({
  endpoint,
  expirationTime: z.number().nullish(),
  keys: z.object({ p256dh: base64url(80, 100), auth: base64url(16, 32) }),
});

const cartToken = z
  .string()
  .trim()
  .max(256)
  .regex(/^[A-Za-z0-9_\-?=&.:%]+$/, "bad cart token");

export const SubscribeBodySchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("subscribe"),
    subscription: PushSubscriptionJsonSchema,
    cartToken: cartToken.nullish(),
    /** Ignored by the server: only the signed `logged_in_customer_id` of the app proxy is trusted. */
    customerId: z.union([z.string().max(64), z.number()]).nullish(),
    /** From `pushsubscriptionchange`: the endpoint this subscription replaces. */
    oldEndpoint: endpoint.nullish(),
  }),
  z.object({ type: z.literal("unsubscribe"), endpoint }),
]);

export type SubscribeBody = z.infer<typeof SubscribeBodySchema>;

/** Why a subscribe body was refused: the answer's status and one-line error, and what to log (never the body). */
export interface SubscribeRefusal {
  ok: false;
  status: 400 | 422;
  error: string;
  log: { path: string; reason: string } | null;
}

/** The body's text -> a subscribe or unsubscribe request, or why it is refused. */
export function parseSubscribeBody(raw: string): { ok: true; body: SubscribeBody } | SubscribeRefusal {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, status: 400, error: "Body is not JSON", log: null };
  }
  // The same refusal as webhooks for values no database can store (NUL, lone surrogates, over-long identifiers).
  const poison = findPayloadProblem(body);
  if (poison) return { ok: false, status: 422, error: describePayloadProblem(poison), log: { path: poison.path, reason: poison.reason } };
  const parsed = SubscribeBodySchema.safeParse(body, { error: v3Message });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, status: 400, error: `${issue.path.join(".") || "body"}: ${issue.message}`, log: { path: issue.path.join("."), reason: issue.message } };
  }
  return { ok: true, body: parsed.data };
}

/**
 * `/cart.js` answers `token: "<cart token>?key=<secret>"` for newer carts while checkout webhooks carry the bare
 * `cart_token`. Keep the part before `?` so both sides compare equal.
 */
export function normalizeCartToken(token: string | null | undefined): string | null {
  if (!token) return null;
  const bare = token.split("?")[0].trim();
  return bare === "" ? null : bare;
}

/** `123`, `"123"` and `gid://shopify/Customer/123` are the same customer: keep the number. */
export function normalizeCustomerId(id: string | number | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  const s = String(id).trim();
  const m = /^(?:gid:\/\/shopify\/Customer\/)?(\d+)$/.exec(s);
  return m ? m[1] : null;
}
