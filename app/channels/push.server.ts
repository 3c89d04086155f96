// Web push through `web-push` (aes128gcm payload encryption, VAPID). One push per subscription found for the
// checkout (by checkout token or cart token). Payload: title, body naming the first item, image, tracked link, at
// most MAX_PUSH_PAYLOAD bytes. TTL never outlives the recovery window; urgency is high for the first two steps; a
// Topic per checkout lets a newer push replace an older one still queued at the push service.
// Outcomes: 2xx sent; 404/410 -> the subscription is deleted (failed + permanentAddressFailure when none is left);
// 429 -> retry at Retry-After; 5xx/network -> retry with backoff; other 4xx -> failed.
// SSRF: every endpoint is checked (https, allow-listed push host, no private IP literal) and the connection's DNS
// answer is checked again (no private/loopback/link-local address), unless allowNonPublic (tests only).
import crypto from "node:crypto";
import dns from "node:dns";
import https from "node:https";
import type { LookupFunction } from "node:net";
import webpush from "web-push";
import { checkPushEndpoint, isNonPublicAddress } from "../lib/push-endpoint";
import { recoverLink } from "../lib/links";
import { log } from "../log.server";
import { backoffAt } from "./email.server";
import { channelStatuses } from "./status.server";
import type { ChannelSender, ChannelStatus, OutboundMessage, SendResult, ShopView } from "./types";

/** Largest plaintext that fits one aes128gcm record of 4096 bytes (86-byte header, 16-byte tag, 1 delimiter). */
export const MAX_PUSH_PAYLOAD = 3993;
const MAX_TTL = 28 * 24 * 3600;

export interface PushSubscriptionRecord {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export interface PushStore {
  find(args: { shop: string; checkoutToken: string; cartToken: string | null }): Promise<PushSubscriptionRecord[]>;
  remove(id: string): Promise<void>;
  touch(id: string, now: Date): Promise<void>;
}

export interface PushSenderOptions {
  vapid: () => Promise<{ publicKey: string; privateKey: string; subject: string }>;
  appUrl: string;
  linkKey: Buffer;
  store: PushStore;
  /** Host patterns (parseAllowedHosts(PUSH_ALLOWED_HOSTS)). */
  allowedHosts: string[];
  isSuppressed?: (args: { shop: string; channel: "push"; address: string }) => Promise<boolean>;
  /** Tests only: trust this CA (a self-signed local receiver) and allow loopback addresses. */
  testCa?: string | Buffer;
  allowNonPublic?: boolean;
  timeoutMs?: number;
  maxSockets?: number;
  env?: NodeJS.ProcessEnv;
}

export interface PushPayload {
  title: string;
  body: string;
  icon?: string;
  image?: string;
  url: string;
  tag: string;
  messageId: string;
}

/** Topic header: <= 32 chars of the URL-safe base64 alphabet, stable per checkout. */
export function pushTopic(checkoutToken: string): string {
  return crypto.createHash("sha256").update(`checkout:${checkoutToken}`).digest("base64url").slice(0, 32);
}

/** Seconds left in the window (0 when it is over), capped at 28 days. */
export function pushTtl(now: Date, windowEndsAt: Date): number {
  return Math.max(0, Math.min(MAX_TTL, Math.floor((windowEndsAt.getTime() - now.getTime()) / 1000)));
}

export function pushUrgency(stepIndex: number): "high" | "normal" {
  return stepIndex <= 1 ? "high" : "normal";
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;
}

/** Title, body naming the first item, image and link, shrunk until it fits MAX_PUSH_PAYLOAD bytes. */
export function buildPushPayload(message: OutboundMessage, url: string): PushPayload {
  const { shop, checkout, step, incentive } = message;
  const shopName = shop.name || shop.domain;
  const first = checkout.lineItems[0];
  const others = checkout.lineItems.slice(1).reduce((s, li) => s + li.quantity, 0) + (first ? first.quantity - 1 : 0);
  const itemText = first ? `${first.title}${first.variantTitle ? ` (${first.variantTitle})` : ""}${others > 0 ? ` and ${others} more item${others === 1 ? "" : "s"}` : ""}` : "Your items";
  const title = incentive
    ? `${incentive.description} on your cart at ${shopName}`
    : step.isFinal
      ? `Last chance: your cart at ${shopName}`
      : step.index === 0
        ? `You left something at ${shopName}`
        : `Your cart at ${shopName} is waiting`;
  const body = incentive ? `${itemText} ${others > 0 || first?.quantity !== 1 ? "are" : "is"} waiting. Use code ${incentive.code} at checkout.` : `${itemText} ${others > 0 ? "are" : "is"} still in your cart. Tap to finish your order.`;
  const payload: PushPayload = {
    title: truncate(title, 120),
    body: truncate(body, 400),
    url,
    tag: pushTopic(checkout.token),
    messageId: message.messageId,
  };
  if (shop.settings.branding.logoUrl) payload.icon = shop.settings.branding.logoUrl;
  if (first?.imageUrl && /^https:\/\//.test(first.imageUrl)) payload.image = first.imageUrl;
  const size = () => Buffer.byteLength(JSON.stringify(payload), "utf8");
  if (size() <= MAX_PUSH_PAYLOAD) return payload;
  delete payload.image;
  if (size() > MAX_PUSH_PAYLOAD) delete payload.icon;
  while (size() > MAX_PUSH_PAYLOAD && payload.body.length > 40) payload.body = truncate(payload.body, Math.floor(payload.body.length * 0.8));
  while (size() > MAX_PUSH_PAYLOAD && payload.title.length > 20) payload.title = truncate(payload.title, Math.floor(payload.title.length * 0.8));
  return payload;
}

function guardedLookup(allowNonPublic: boolean): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const list = addresses as dns.LookupAddress[];
      if (!allowNonPublic && list.some((a) => isNonPublicAddress(a.address))) {
        return callback(Object.assign(new Error(`push host ${hostname} resolves to a non-public address`), { code: "EPUSHSSRF" }));
      }
      if (options.all) return callback(null, list);
      return callback(null, list[0]?.address, list[0]?.family);
    });
  }) as LookupFunction;
}

function retryAfterAt(value: string | string[] | undefined, now: Date): Date {
  const v = Array.isArray(value) ? value[0] : value;
  if (v) {
    if (/^\d+$/.test(v.trim())) return new Date(now.getTime() + Math.max(1, Number(v)) * 1000);
    const d = Date.parse(v);
    if (!Number.isNaN(d)) return new Date(Math.max(d, now.getTime() + 1000));
  }
  return new Date(now.getTime() + 60_000);
}

type One = { kind: "sent"; id: string | null } | { kind: "gone" } | { kind: "retry"; at: Date; reason: string } | { kind: "failed"; reason: string };

export function createPushSender(o: PushSenderOptions): ChannelSender {
  const env = o.env ?? process.env;
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: o.maxSockets ?? 64,
    lookup: guardedLookup(!!o.allowNonPublic),
    ...(o.testCa ? { ca: o.testCa } : {}),
  });
  // One VAPID JWT per push-service origin, reused until an hour before it expires (RFC 8292 allows up to 24 h).
  const vapidCache = new Map<string, { header: string; until: number }>();
  async function vapidHeader(endpoint: string, nowMs: number): Promise<string> {
    const audience = new URL(endpoint).origin;
    const hit = vapidCache.get(audience);
    if (hit && hit.until > nowMs) return hit.header;
    const keys = await o.vapid();
    const expSeconds = Math.floor(Date.now() / 1000) + 12 * 3600;
    const headers = webpush.getVapidHeaders(audience, keys.subject, keys.publicKey, keys.privateKey, "aes128gcm", expSeconds);
    vapidCache.set(audience, { header: headers.Authorization, until: Date.now() + 11 * 3600_000 });
    return headers.Authorization;
  }

  async function pushOne(sub: PushSubscriptionRecord, payload: string, ttl: number, urgency: "high" | "normal", topic: string, now: Date, attempt: number): Promise<One> {
    try {
      const res = await webpush.sendNotification({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, payload, {
        vapidDetails: null as unknown as undefined, // VAPID header supplied below (cached per origin)
        headers: { Authorization: await vapidHeader(sub.endpoint, Date.now()) },
        TTL: ttl,
        urgency,
        topic,
        contentEncoding: "aes128gcm",
        agent,
        timeout: o.timeoutMs ?? 10_000,
      });
      const loc = res.headers?.location;
      return { kind: "sent", id: typeof loc === "string" ? loc.slice(0, 300) : null };
    } catch (error) {
      const e = error as { statusCode?: number; headers?: Record<string, string | string[] | undefined>; message?: string; code?: string };
      if (typeof e.statusCode === "number") {
        if (e.statusCode === 404 || e.statusCode === 410) return { kind: "gone" };
        if (e.statusCode === 429) return { kind: "retry", at: retryAfterAt(e.headers?.["retry-after"], now), reason: "push service rate limit (429)" };
        if (e.statusCode >= 500) return { kind: "retry", at: backoffAt(now, attempt), reason: `push service error (${e.statusCode})` };
        if (e.statusCode === 413) return { kind: "failed", reason: "push payload too large (413)" };
        return { kind: "failed", reason: `push service refused the message (${e.statusCode})` };
      }
      if (e.code === "EPUSHSSRF") return { kind: "failed", reason: e.message ?? "push host refused" };
      return { kind: "retry", at: backoffAt(now, attempt), reason: `network error: ${String(e.message ?? error).slice(0, 200)}` };
    }
  }

  return {
    name: "push",
    status(shop: ShopView): ChannelStatus {
      return channelStatuses(shop, env).push;
    },
    async send(message: OutboundMessage & { attempt?: number }): Promise<SendResult> {
      const { shop, checkout, now } = message;
      const ttl = pushTtl(now, message.windowEndsAt);
      if (ttl <= 0) return { kind: "failed", reason: "the recovery window is over" };
      const subs = await o.store.find({ shop: shop.domain, checkoutToken: checkout.token, cartToken: checkout.cartToken });
      if (!subs.length) return { kind: "failed", reason: "no push subscription for this checkout" };
      const payload = buildPushPayload(message, recoverLink(o.appUrl, o.linkKey, message.messageId));
      const json = JSON.stringify(payload);
      const topic = payload.tag;
      const urgency = pushUrgency(message.step.index);
      let sentTo: { host: string; id: string | null } | null = null;
      let retry: { at: Date; reason: string } | null = null;
      const failures: string[] = [];
      let gone = 0;
      for (const sub of subs) {
        const check = checkPushEndpoint(sub.endpoint, o.allowedHosts, { allowNonPublic: o.allowNonPublic });
        if (!check.ok) {
          failures.push(check.reason);
          continue;
        }
        if (o.isSuppressed && (await o.isSuppressed({ shop: shop.domain, channel: "push", address: sub.endpoint }))) {
          failures.push("suppressed");
          continue;
        }
        const r = await pushOne(sub, json, ttl, urgency, topic, now, message.attempt ?? 0);
        if (r.kind === "sent") {
          await o.store.touch(sub.id, now);
          sentTo ??= { host: check.host, id: r.id };
        } else if (r.kind === "gone") {
          gone += 1;
          await o.store.remove(sub.id);
        } else if (r.kind === "retry") {
          if (!retry || r.at < retry.at) retry = { at: r.at, reason: r.reason };
        } else failures.push(r.reason);
      }
      if (sentTo) return { kind: "sent", providerId: sentTo.id, recipient: sentTo.host, subject: payload.title, bodyText: `${payload.body}\n${payload.url}` };
      if (retry) return { kind: "retry", at: retry.at, reason: retry.reason };
      if (gone === subs.length) return { kind: "failed", reason: "the push subscription is gone (404/410); deleted", permanentAddressFailure: true };
      log.warn({ shop: shop.domain, messageId: message.messageId, failures, gone }, "push not sent");
      return { kind: "failed", reason: failures[0] ?? "push subscription gone" };
    },
  };
}
