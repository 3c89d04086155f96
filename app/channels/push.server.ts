// Web push on node:https: RFC 8291 aes128gcm payload encryption by web-push's own `encrypt`, with a fresh ephemeral
// P-256 key pair and salt per message (push-encryption.server.ts, run on a worker thread by
// push-encrypt-pool.server.ts so that the event loop, which also serves webhooks, does not pay for it), RFC 8292
// VAPID. One push per subscription found for the checkout (by checkout token or cart token). Payload: title, body
// naming the first item, image, tracked link, at most MAX_PUSH_PAYLOAD bytes. TTL never outlives the recovery window;
// urgency is high for the first two steps; a Topic per checkout lets a newer push replace an older one still queued at
// the push service.
// Outcomes: 2xx sent; 404/410 -> the subscription is deleted (failed + permanentAddressFailure when none is left);
// 429 -> retry at Retry-After; 5xx/network -> retry with backoff; other 4xx -> failed.
// SSRF: every endpoint is checked (https, allow-listed push host, no private IP literal; the verdict is cached per
// endpoint string, it depends on nothing else) and the DNS answer of every new connection is checked again (no
// private/loopback/link-local address), unless allowNonPublic (tests only). Connections are keep-alive.
// Per send, only what must be new is computed: link, payload, ECDH key pair, salt, keys, ciphertext. Per
// subscription (cached): the parsed endpoint, its SSRF verdict, decoded and validated p256dh/auth. Per push-service
// origin (cached 11 h): the VAPID JWT.
import crypto from "node:crypto";
import dns from "node:dns";
import type { ClientRequest, IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import webpush from "web-push";
import { checkPushEndpoint, type EndpointCheck, isNonPublicAddress } from "../lib/push-endpoint";
import { moreItemsText, summarizeItems } from "../lib/line-items";
import { recoverLink } from "../lib/links";
import { log } from "../log.server";
import { backoffAt } from "./email.server";
import { encryptPushPayloadAsync } from "./push-encrypt-pool.server";
import { InvalidPushKeysError, preparePushKeys, type PreparedPushKeys } from "./push-encryption.server";
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
  /** The encryption (default encryptPushPayloadAsync: the process-wide worker pool). Bench: another pool. */
  encrypt?: (plaintext: string, keys: PreparedPushKeys) => Promise<Buffer>;
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
  return fitPushPayload(message, url).payload;
}

interface FittedPayload {
  payload: PushPayload;
  /** JSON.stringify(payload): what is encrypted. */
  json: string;
  /** Its UTF-8 size. */
  bytes: number;
}

function measure(f: FittedPayload): number {
  f.json = JSON.stringify(f.payload);
  f.bytes = Buffer.byteLength(f.json, "utf8");
  return f.bytes;
}

/** buildPushPayload, keeping the JSON it measured (serialized once when it fits, as it nearly always does). */
function fitPushPayload(message: OutboundMessage, url: string): FittedPayload {
  const { shop, checkout, step, incentive } = message;
  const shopName = shop.name || shop.domain;
  const first = checkout.lineItems[0];
  // Units beyond the first one, including items not stored (a cart of thousands: app/lib/line-items.ts).
  const others = summarizeItems(checkout.lineItems, checkout.lineItemCount, 1).moreUnits + (first ? first.quantity - 1 : 0);
  const itemText = first
    ? `${first.title}${first.variantTitle ? ` (${first.variantTitle})` : ""}${others > 0 ? ` ${moreItemsText(others)}` : ""}`
    : "Your items";
  const title = incentive
    ? `${incentive.description} on your cart at ${shopName}`
    : step.isFinal
      ? `Last chance: your cart at ${shopName}`
      : step.index === 0
        ? `You left something at ${shopName}`
        : `Your cart at ${shopName} is waiting`;
  const body = incentive
    ? `${itemText} ${others > 0 || first?.quantity !== 1 ? "are" : "is"} waiting. Use code ${incentive.code} at checkout.`
    : `${itemText} ${others > 0 ? "are" : "is"} still in your cart. Tap to finish your order.`;
  const payload: PushPayload = {
    title: truncate(title, 120),
    body: truncate(body, 400),
    url,
    tag: pushTopic(checkout.token),
    messageId: message.messageId,
  };
  if (shop.settings.branding.logoUrl) payload.icon = shop.settings.branding.logoUrl;
  if (first?.imageUrl && /^https:\/\//.test(first.imageUrl)) payload.image = first.imageUrl;
  const f: FittedPayload = { payload, json: "", bytes: 0 };
  if (measure(f) <= MAX_PUSH_PAYLOAD) return f;
  delete payload.image;
  if (measure(f) > MAX_PUSH_PAYLOAD) {
    delete payload.icon;
    measure(f);
  }
  while (f.bytes > MAX_PUSH_PAYLOAD && payload.body.length > 40) {
    payload.body = truncate(payload.body, Math.floor(payload.body.length * 0.8));
    measure(f);
  }
  while (f.bytes > MAX_PUSH_PAYLOAD && payload.title.length > 20) {
    payload.title = truncate(payload.title, Math.floor(payload.title.length * 0.8));
    measure(f);
  }
  return f;
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

/** What the sender keeps per endpoint: the SSRF verdict, where to connect, and the subscription's decoded keys. */
interface Target {
  check: EndpointCheck;
  origin: string;
  /** Host header: host[:port], as in the URL. */
  host: string;
  hostname: string;
  port: string;
  path: string;
  keys: { p256dh: string; auth: string; prepared: PreparedPushKeys | InvalidPushKeysError } | null;
}

/** Endpoints remembered per sender (FIFO eviction beyond this). */
const TARGET_CACHE_MAX = 10_000;
const TOPIC_RE = /^[A-Za-z0-9_-]{1,32}$/;

/** The value of a response header (first occurrence), from the raw list: no headers object is built. */
function rawHeader(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === name.length && raw[i].toLowerCase() === name) return raw[i + 1];
  }
  return undefined;
}

export function createPushSender(o: PushSenderOptions): ChannelSender {
  const env = o.env ?? process.env;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const encrypt = o.encrypt ?? encryptPushPayloadAsync;
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: o.maxSockets ?? 64,
    lookup: guardedLookup(!!o.allowNonPublic),
    ...(o.testCa ? { ca: o.testCa } : {}),
  });

  const targets = new Map<string, Target>();
  function target(endpoint: string): Target {
    const hit = targets.get(endpoint);
    if (hit) return hit;
    const check = checkPushEndpoint(endpoint, o.allowedHosts, { allowNonPublic: o.allowNonPublic });
    let t: Target = { check, origin: "", host: "", hostname: "", port: "", path: "", keys: null };
    if (check.ok) {
      const u = new URL(endpoint);
      t = { check, origin: u.origin, host: u.host, hostname: u.hostname.replace(/^\[|\]$/g, ""), port: u.port, path: `${u.pathname}${u.search}`, keys: null };
    }
    if (targets.size >= TARGET_CACHE_MAX) targets.delete(targets.keys().next().value as string);
    targets.set(endpoint, t);
    return t;
  }
  function keysFor(t: Target, sub: PushSubscriptionRecord): PreparedPushKeys | InvalidPushKeysError {
    if (t.keys && t.keys.p256dh === sub.p256dh && t.keys.auth === sub.auth) return t.keys.prepared;
    let prepared: PreparedPushKeys | InvalidPushKeysError;
    try {
      prepared = preparePushKeys(sub.p256dh, sub.auth);
    } catch (error) {
      prepared = error instanceof InvalidPushKeysError ? error : new InvalidPushKeysError(String(error));
    }
    t.keys = { p256dh: sub.p256dh, auth: sub.auth, prepared };
    return prepared;
  }

  // One VAPID JWT per push-service origin, reused until an hour before it expires (RFC 8292 allows up to 24 h).
  // Concurrent first sends to an origin share one signing.
  const vapidCache = new Map<string, { header: string; until: number }>();
  const vapidPending = new Map<string, Promise<string>>();
  function vapidHeader(audience: string): string | Promise<string> {
    const hit = vapidCache.get(audience);
    if (hit && hit.until > Date.now()) return hit.header;
    let pending = vapidPending.get(audience);
    if (!pending) {
      pending = (async () => {
        const keys = await o.vapid();
        const expSeconds = Math.floor(Date.now() / 1000) + 12 * 3600;
        const headers = webpush.getVapidHeaders(audience, keys.subject, keys.publicKey, keys.privateKey, "aes128gcm", expSeconds);
        vapidCache.set(audience, { header: headers.Authorization, until: Date.now() + 11 * 3600_000 });
        return headers.Authorization;
      })().finally(() => vapidPending.delete(audience));
      vapidPending.set(audience, pending);
    }
    return pending;
  }

  // Request timeout: from the moment a request gets its socket (a new one still connecting, or a pooled one) to the
  // end of the response, at most timeoutMs (checked every timeoutMs/4, at most every second). One sweep over the
  // requests in flight instead of a socket timer re-armed per request; they are in socket order, hence deadline order.
  const inFlight = new Map<ClientRequest, number>();
  let sweeper: NodeJS.Timeout | null = null;
  const sweepEvery = Math.max(10, Math.min(1000, Math.floor(timeoutMs / 4)));
  function sweep() {
    const now = performance.now();
    for (const [req, deadline] of inFlight) {
      if (deadline > now) break;
      inFlight.delete(req);
      req.destroy(Object.assign(new Error(`push request timed out after ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
    }
    if (!inFlight.size && sweeper) {
      clearInterval(sweeper);
      sweeper = null;
    }
  }

  /** POSTs one encrypted message; resolves with the response (body drained) or rejects on a network/SSRF error. */
  function post(t: Target, headers: string[], body: Buffer): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = https.request({ method: "POST", hostname: t.hostname, port: t.port, path: t.path, agent, headers }, (res) => {
        // 'close' follows 'end', and also comes when the connection drops mid-body: the status is the answer.
        res.on("close", () => {
          inFlight.delete(req);
          resolve(res);
        });
        res.resume();
      });
      req.on("socket", () => {
        inFlight.set(req, performance.now() + timeoutMs);
        sweeper ??= setInterval(sweep, sweepEvery).unref();
      });
      req.on("error", (error) => {
        inFlight.delete(req);
        reject(error);
      });
      req.end(body);
    });
  }

  async function pushOne(
    t: Target,
    keys: PreparedPushKeys,
    payload: string,
    ttl: number,
    urgency: "high" | "normal",
    topic: string,
    now: Date,
    attempt: number,
  ): Promise<One> {
    try {
      const vapid = vapidHeader(t.origin);
      const authorization = typeof vapid === "string" ? vapid : await vapid;
      const body = await encrypt(payload, keys); // on a worker thread (push-encrypt-pool.server.ts)
      // Raw header list (Node writes it as is, after validating it): Host must be given.
      const res = await post(
        t,
        [
          "Host",
          t.host,
          "TTL",
          String(ttl),
          "Urgency",
          urgency,
          "Topic",
          topic,
          "Content-Encoding",
          "aes128gcm",
          "Content-Type",
          "application/octet-stream",
          "Content-Length",
          String(body.length),
          "Authorization",
          authorization,
        ],
        body,
      );
      const s = res.statusCode ?? 0;
      if (s >= 200 && s <= 299) {
        const loc = rawHeader(res.rawHeaders, "location");
        return { kind: "sent", id: loc === undefined ? null : loc.slice(0, 300) };
      }
      if (s === 404 || s === 410) return { kind: "gone" };
      if (s === 429) return { kind: "retry", at: retryAfterAt(rawHeader(res.rawHeaders, "retry-after"), now), reason: "push service rate limit (429)" };
      if (s >= 500) return { kind: "retry", at: backoffAt(now, attempt), reason: `push service error (${s})` };
      if (s === 413) return { kind: "failed", reason: "push payload too large (413)" };
      return { kind: "failed", reason: `push service refused the message (${s})` };
    } catch (error) {
      const e = error as { message?: string; code?: string };
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
      const { payload, json, bytes } = fitPushPayload(message, recoverLink(o.appUrl, o.linkKey, message.messageId));
      if (bytes > MAX_PUSH_PAYLOAD) return { kind: "failed", reason: "push payload too large" };
      const topic = payload.tag;
      if (!TOPIC_RE.test(topic)) return { kind: "failed", reason: "invalid push topic" };
      const urgency = pushUrgency(message.step.index);
      let sentTo: { host: string; id: string | null } | null = null;
      let retry: { at: Date; reason: string } | null = null;
      const failures: string[] = [];
      let gone = 0;
      for (const sub of subs) {
        const t = target(sub.endpoint);
        if (!t.check.ok) {
          failures.push(t.check.reason);
          continue;
        }
        const keys = keysFor(t, sub);
        if (keys instanceof InvalidPushKeysError) {
          failures.push(`invalid push subscription keys: ${keys.message}`);
          continue;
        }
        if (o.isSuppressed && (await o.isSuppressed({ shop: shop.domain, channel: "push", address: sub.endpoint }))) {
          failures.push("suppressed");
          continue;
        }
        const r = await pushOne(t, keys, json, ttl, urgency, topic, now, message.attempt ?? 0);
        if (r.kind === "sent") {
          await o.store.touch(sub.id, now);
          sentTo ??= { host: t.check.host, id: r.id };
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
