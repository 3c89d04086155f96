// Channel setup for Settings and the Overview's checklist: "Ready" means a real call to the provider succeeded (the
// last "Send test ..." or the last real send), not merely that credentials are present. Also the two test actions:
// a WhatsApp template message to a phone the merchant types, an email to an address the merchant types. Each test
// makes one real provider call and records its outcome as the channel's ChannelCheck.
import { sendgridSetupVerdict, whatsappSetupVerdict, type GraphError } from "../lib/channel-check";
import { normalizeEmail, normalizePhone } from "../lib/contact";
import { headerSafe } from "../lib/email-template";
import { buildTemplateMessage } from "../lib/whatsapp";
import { log, maskEmail } from "../log.server";
import { getChannelChecks, recordChannelCheck, type ChannelCheckView } from "../models/channel-checks.server";
import { getShopSecret, WHATSAPP_TOKEN_SECRET } from "../models/shop-secrets.server";
import { createMailService } from "../channels/email.server";
import { channelStatuses } from "../channels/status.server";
import type { ChannelName, ShopView } from "../channels/types";
import { DEFAULT_WHATSAPP_BASE_URL, WHATSAPP_API_VERSION } from "../channels/whatsapp.server";

export interface ChannelSetup {
  /** A real call succeeded and nothing in the setup changed since. */
  ready: boolean;
  /** The configuration lets the channel try to send (what the engine goes by). */
  configured: boolean;
  /** Why not ready, in words a merchant can act on. */
  reason: string | null;
  /** When the last real call was made, and whether it worked. */
  lastCheck: { ok: boolean; at: string } | null;
}

export interface SetupInputs {
  whatsappTokenStored: boolean;
  /** The app embed's state in the live theme (null = unknown). */
  embedActive: boolean | null;
  checks: Partial<Record<ChannelName, ChannelCheckView>>;
}

/** Pure: config statuses + last checks + embed state -> what Settings shows. */
export function channelSetupFrom(shop: ShopView, e: NodeJS.ProcessEnv, i: SetupInputs): Record<ChannelName, ChannelSetup> {
  const config = channelStatuses(shop, e, { whatsappTokenStored: i.whatsappTokenStored });
  const fromCheck = (ch: "email" | "whatsapp", untested: string): ChannelSetup => {
    const st = config[ch];
    const check = i.checks[ch] ?? null;
    const lastCheck = check ? { ok: check.ok, at: check.checkedAt.toISOString() } : null;
    if (!st.enabled) return { ready: false, configured: false, reason: st.reason ?? "Not configured", lastCheck };
    if (!check) return { ready: false, configured: true, reason: untested, lastCheck };
    if (!check.ok) return { ready: false, configured: true, reason: check.detail ?? "The last test failed", lastCheck };
    return { ready: true, configured: true, reason: null, lastCheck };
  };
  const push: ChannelSetup = !config.push.enabled
    ? { ready: false, configured: false, reason: config.push.reason ?? "Not configured", lastCheck: null }
    : i.embedActive === true
      ? { ready: true, configured: true, reason: null, lastCheck: null }
      : {
          ready: false,
          configured: true,
          reason:
            i.embedActive === false
              ? "The app embed is off in the live theme: turn it on so shoppers can be asked for push permission."
              : "The app embed's state could not be read from the theme.",
          lastCheck: null,
        };
  return {
    email: fromCheck("email", "Not tested yet: send a test email below."),
    push,
    whatsapp: fromCheck("whatsapp", "Not tested yet: send a test message below."),
  };
}

export async function loadChannelSetup(
  shop: ShopView,
  o: { embedActive: boolean | null; env?: NodeJS.ProcessEnv },
): Promise<Record<ChannelName, ChannelSetup>> {
  const [checks, stored] = await Promise.all([getChannelChecks(shop.domain), getShopSecret({ shop: shop.domain, name: WHATSAPP_TOKEN_SECRET })]);
  return channelSetupFrom(shop, o.env ?? process.env, { whatsappTokenStored: stored !== null, embedActive: o.embedActive, checks });
}

/** The token the WhatsApp sender uses for this shop: its own (Settings), else the app-wide WHATSAPP_ACCESS_TOKEN. */
export async function whatsappTokenFor(shop: string, e: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  return (await getShopSecret({ shop, name: WHATSAPP_TOKEN_SECRET })) ?? e.WHATSAPP_ACCESS_TOKEN ?? null;
}

type GraphAnswer = { error?: GraphError };

export type TestResult = { ok: true; detail: string } | { ok: false; detail: string; input?: boolean };

/** Send the reminder template to `phone` with sample values; record the outcome as the WhatsApp check. */
export async function sendWhatsAppTest(a: { shop: ShopView; phone: string; now: Date; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<TestResult> {
  const e = a.env ?? process.env;
  const to = normalizePhone(a.phone);
  if (!to) return { ok: false, input: true, detail: "Enter a phone number in international format, for example +44 7700 900123." };
  const wa = a.shop.settings.whatsapp;
  if (!wa.phoneNumberId) return { ok: false, input: true, detail: "Save a WhatsApp phone number id first." };
  const token = await whatsappTokenFor(a.shop.domain, e);
  if (!token) return { ok: false, input: true, detail: "Save a WhatsApp access token first." };
  const body = buildTemplateMessage({
    to,
    templateName: wa.templates.reminder,
    language: wa.templateLanguage,
    firstName: "there",
    product: "a test item",
    link: `https://${a.shop.primaryDomain ?? a.shop.domain}/`,
  });
  const base = (e.WHATSAPP_API_BASE_URL || DEFAULT_WHATSAPP_BASE_URL).replace(/\/+$/, "");
  let status: number;
  let json: GraphAnswer | null = null;
  try {
    const res = await fetch(`${base}/${WHATSAPP_API_VERSION}/${encodeURIComponent(wa.phoneNumberId)}/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(a.timeoutMs ?? 15_000),
    });
    status = res.status;
    json = (await res.json().catch(() => null)) as GraphAnswer | null;
  } catch (err) {
    log.warn({ shop: a.shop.domain, err: String((err as Error).message).slice(0, 200) }, "whatsapp test: provider not reached");
    return { ok: false, detail: "WhatsApp could not be reached: try again in a few minutes." };
  }
  if (status >= 200 && status < 300) {
    await recordChannelCheck({ shop: a.shop.domain, channel: "whatsapp", ok: true, detail: null, now: a.now });
    return { ok: true, detail: `Test message sent with the template "${wa.templates.reminder}". WhatsApp is ready.` };
  }
  const verdict = whatsappSetupVerdict(status, json?.error, {
    phoneNumberId: wa.phoneNumberId,
    template: wa.templates.reminder,
    language: wa.templateLanguage,
  });
  log.warn({ shop: a.shop.domain, status, code: json?.error?.code }, "whatsapp test failed");
  await recordChannelCheck({ shop: a.shop.domain, channel: "whatsapp", ok: false, detail: verdict.detail, now: a.now });
  return { ok: false, detail: verdict.detail };
}

/** Send a short email through SendGrid from the shop's sender to `email`; record the outcome as the email check. */
export async function sendEmailTest(a: { shop: ShopView; email: string; now: Date; env?: NodeJS.ProcessEnv }): Promise<TestResult> {
  const e = a.env ?? process.env;
  const to = normalizeEmail(a.email);
  if (!to || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(to)) return { ok: false, input: true, detail: "Enter an email address to send the test to." };
  const status = channelStatuses(a.shop, e).email;
  if (!status.enabled || !e.SENDGRID_API_KEY) return { ok: false, input: true, detail: status.reason ?? "Email is not configured." };
  const fromEmail = a.shop.settings.sender.fromEmail ?? e.SENDGRID_FROM_EMAIL!;
  const name = headerSafe(a.shop.settings.sender.fromName ?? (a.shop.name || a.shop.domain));
  const mail = createMailService({ apiKey: e.SENDGRID_API_KEY, baseUrl: e.SENDGRID_API_BASE_URL });
  try {
    await mail.send({
      to,
      from: { email: fromEmail, name },
      ...(a.shop.settings.sender.replyTo ? { replyTo: a.shop.settings.sender.replyTo } : {}),
      subject: `Test email from ${name}`,
      text: `This is a test from Checkout Recovery. Cart reminders for ${a.shop.name || a.shop.domain} will come from ${name} <${fromEmail}>.`,
      customArgs: { shop: a.shop.domain, kind: "setup_test" },
      categories: ["checkout-recovery", "setup-test"],
      trackingSettings: { clickTracking: { enable: false }, openTracking: { enable: false }, subscriptionTracking: { enable: false } },
    });
  } catch (error) {
    const err = error as { code?: unknown; response?: { body?: { errors?: Array<{ message?: string; field?: string | null }> } } };
    const code = typeof err.code === "number" ? err.code : null;
    const verdict = sendgridSetupVerdict(code, err.response?.body?.errors ?? []);
    log.warn({ shop: a.shop.domain, to: maskEmail(to), status: code }, "email test failed");
    if (code !== null) await recordChannelCheck({ shop: a.shop.domain, channel: "email", ok: false, detail: verdict.detail, now: a.now });
    return { ok: false, detail: verdict.detail };
  }
  await recordChannelCheck({ shop: a.shop.domain, channel: "email", ok: true, detail: null, now: a.now });
  return { ok: true, detail: `Test email sent to ${to} from ${fromEmail}. Email is ready.` };
}
