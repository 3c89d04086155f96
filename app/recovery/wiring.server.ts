// Wiring: builds the channel senders from the environment and the database (shop secrets, VAPID keys, push
// subscriptions, suppressions, channel checks); app/channels itself never reads the database.
// Which channel senders the engine uses. CHANNELS_MODE=outbox: the recording outbox for every channel (tests, local
// runs, demos). Otherwise the real providers: the Channels issue adds email (SendGrid), web push and WhatsApp here.
// A channel missing from the set is skipped with the reason "channel_unavailable".
import { demoOverrides } from "../demo-hook.server";
import { linkSigningKey } from "../lib/crypto.server";
import { parseAllowedHosts } from "../lib/push-endpoint";
import { log } from "../log.server";
import { pushSubscriptionStore } from "../models/push-subscriptions.server";
import { recordChannelCheck } from "../models/channel-checks.server";
import { getShopSecret, WHATSAPP_TOKEN_SECRET } from "../models/shop-secrets.server";
import { isSuppressed } from "../models/suppressions.server";
import { getVapidKeys } from "../models/vapid.server";
import { createEmailSender, createEmailStaffNotifier } from "../channels/email.server";
import { type OutboxChannel, OutboxStaffNotifier, outboxChannels } from "../channels/outbox.server";
import { createPushSender } from "../channels/push.server";
import type { ChannelSet, StaffNotifier } from "../channels/types";
import { createWhatsAppSender } from "../channels/whatsapp.server";

declare global {
  var __crOutbox: { channels: Record<string, OutboxChannel>; staff: OutboxStaffNotifier } | undefined;
}

function outboxMode(e: NodeJS.ProcessEnv): boolean {
  return e.CHANNELS_MODE === "outbox";
}

/** One outbox per process, so a local run can inspect what was "sent". */
export function processOutbox() {
  return (globalThis.__crOutbox ??= { channels: outboxChannels(), staff: new OutboxStaffNotifier() });
}

// Real senders hold connection pools (keep-alive agents, the SendGrid client): build them once per configuration.
const realCache = new Map<string, ChannelSet>();
const warned = new Set<string>();

function warnOnce(key: string, msg: string) {
  if (warned.has(key)) return;
  warned.add(key);
  log.warn(msg);
}

function realChannels(e: NodeJS.ProcessEnv): ChannelSet {
  const cacheKey = [
    e.SENDGRID_API_KEY,
    e.SENDGRID_API_BASE_URL,
    e.SENDGRID_FROM_EMAIL,
    e.APP_ENCRYPTION_KEY,
    e.SHOPIFY_APP_URL,
    e.INBOUND_EMAIL_DOMAIN,
    e.PUSH_ALLOWED_HOSTS,
    e.DEMO_MODE,
    e.VAPID_PUBLIC_KEY,
    e.WHATSAPP_API_BASE_URL,
    e.WHATSAPP_ACCESS_TOKEN,
  ].join("\u0000");
  const hit = realCache.get(cacheKey);
  if (hit) return hit;
  const channels: ChannelSet = {};
  let linkKey: Buffer | null = null;
  try {
    linkKey = linkSigningKey(e.APP_ENCRYPTION_KEY);
  } catch (err) {
    warnOnce("linkkey", `channels disabled: ${(err as Error).message} (links cannot be signed)`);
  }
  const appUrl = e.SHOPIFY_APP_URL;
  if (!appUrl) warnOnce("appurl", "channels disabled: SHOPIFY_APP_URL is not set (links need it)");
  if (linkKey && appUrl) {
    if (e.SENDGRID_API_KEY) {
      channels.email = createEmailSender({
        apiKey: e.SENDGRID_API_KEY,
        baseUrl: e.SENDGRID_API_BASE_URL,
        defaultFromEmail: e.SENDGRID_FROM_EMAIL ?? null,
        appUrl,
        linkKey,
        inboundReplyDomain: e.INBOUND_EMAIL_DOMAIN ?? null,
        isSuppressed,
        env: e,
        onSetupVerdict: (v) => recordSendVerdict("email", v),
      });
    } else warnOnce("sendgrid", "email channel disabled: SENDGRID_API_KEY is not set");
    channels.push = createPushSender({
      vapid: () => getVapidKeys(e),
      appUrl,
      linkKey,
      store: pushSubscriptionStore,
      allowedHosts: parseAllowedHosts(e.PUSH_ALLOWED_HOSTS),
      isSuppressed,
      env: e,
      allowNonPublic: demoOverrides(e).allowNonPublicPushEndpoints,
    });
    channels.whatsapp = createWhatsAppSender({
      baseUrl: e.WHATSAPP_API_BASE_URL,
      // The shop's own token (Settings); the app-wide WHATSAPP_ACCESS_TOKEN serves a single-store deployment and the demo.
      getToken: async (shop) => (await getShopSecret({ shop, name: WHATSAPP_TOKEN_SECRET })) ?? e.WHATSAPP_ACCESS_TOKEN ?? null,
      onSetupVerdict: (v) => recordSendVerdict("whatsapp", v),
      appUrl,
      linkKey,
      isSuppressed,
      env: e,
    });
  }
  realCache.set(cacheKey, channels);
  return channels;
}

// A real send's verdict becomes the channel's last check, written when it changes or at most every 10 minutes a
// shop (not once per message).
const lastVerdict = new Map<string, { ok: boolean; detail: string | null; at: number }>();
const VERDICT_REFRESH_MS = 10 * 60_000;

async function recordSendVerdict(channel: "email" | "whatsapp", v: { shop: string; ok: boolean; detail: string | null; now: Date }) {
  const key = `${channel}|${v.shop}`;
  const prev = lastVerdict.get(key);
  if (prev && prev.ok === v.ok && prev.detail === v.detail && v.now.getTime() - prev.at < VERDICT_REFRESH_MS) return;
  lastVerdict.set(key, { ok: v.ok, detail: v.detail, at: v.now.getTime() });
  await recordChannelCheck({ shop: v.shop, channel, ok: v.ok, detail: v.detail, now: v.now });
}

/** Forget the remembered verdicts (the setup changed, or between tests). */
export function forgetSendVerdicts(shop?: string) {
  if (!shop) return lastVerdict.clear();
  for (const ch of ["email", "whatsapp"]) lastVerdict.delete(`${ch}|${shop}`);
}

export function buildChannels(e: NodeJS.ProcessEnv = process.env): ChannelSet {
  if (outboxMode(e)) return { ...processOutbox().channels } as ChannelSet;
  return realChannels(e);
}

const noStaffChannel: StaffNotifier = {
  async notify(alert) {
    log.warn({ shop: alert.shop.domain, checkoutId: alert.checkout.id, reason: alert.reason }, "staff alert not sent: no staff email channel");
    return { kind: "failed", reason: "no staff email channel configured" };
  },
};

const staffCache = new Map<string, StaffNotifier>();

export function buildStaffNotifier(e: NodeJS.ProcessEnv = process.env): StaffNotifier {
  if (outboxMode(e)) return processOutbox().staff;
  if (!e.SENDGRID_API_KEY) return noStaffChannel;
  const key = [e.SENDGRID_API_KEY, e.SENDGRID_API_BASE_URL, e.SENDGRID_FROM_EMAIL].join("\u0000");
  let n = staffCache.get(key);
  if (!n) {
    n = createEmailStaffNotifier({ apiKey: e.SENDGRID_API_KEY, baseUrl: e.SENDGRID_API_BASE_URL, defaultFromEmail: e.SENDGRID_FROM_EMAIL ?? null });
    staffCache.set(key, n);
  }
  return n;
}
