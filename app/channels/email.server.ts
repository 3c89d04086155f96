// Email through SendGrid (@sendgrid/mail). Renders the recovery email (app/lib/email-template.ts) with signed
// tracking links, adds RFC 8058 one-click unsubscribe headers, tags the message id in custom_args so SendGrid
// events map back to the ledger row, and maps SendGrid answers onto the channel outcomes:
// 2xx -> sent (providerId = X-Message-Id); 429 -> retry at X-RateLimit-Reset; 5xx or network -> retry with
// exponential backoff; other 4xx -> failed. Suppressed addresses are never sent to.
import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import type { MailDataRequired } from "@sendgrid/mail";
import { normalizeEmail } from "../lib/contact";
import { sendgridSetupVerdict } from "../lib/channel-check";
import { headerSafe, renderRecoveryEmail, renderStaffAlertEmail } from "../lib/email-template";
import { messageLinks } from "../lib/links";
import { formatShopAddress } from "../lib/shop-view";
import { log, maskEmail } from "../log.server";
import { channelStatuses } from "./status.server";
import type { ChannelSender, ChannelStatus, OutboundMessage, SendResult, ShopView, StaffAlert, StaffNotifier } from "./types";

export const DEFAULT_SENDGRID_BASE_URL = "https://api.sendgrid.com/";

export type SuppressionCheck = (args: { shop: string; channel: "email"; address: string }) => Promise<boolean>;

export interface SendGridOptions {
  apiKey: string;
  /** SENDGRID_API_BASE_URL (tests point it at a local stand-in). */
  baseUrl?: string;
  timeoutMs?: number;
}

export interface EmailSenderOptions extends SendGridOptions {
  /** SENDGRID_FROM_EMAIL: used when the shop has no sender address of its own. */
  defaultFromEmail: string | null;
  /** Public base URL of the app (SHOPIFY_APP_URL) for tracked links. */
  appUrl: string;
  /** HMAC key for link tokens (linkSigningKey()). */
  linkKey: Buffer;
  /** INBOUND_EMAIL_DOMAIN: replies go to reply+<messageId>@<domain> (SendGrid Inbound Parse) when set. */
  inboundReplyDomain?: string | null;
  isSuppressed?: SuppressionCheck;
  env?: NodeJS.ProcessEnv;
  /** A real send's answer about the shop's sender setup (sent, or key/sender refused): the channel's last check. */
  onSetupVerdict?: (v: { shop: string; ok: boolean; detail: string | null; now: Date }) => Promise<void>;
}

/** Backoff for transient failures: 1, 2, 4, 8 ... minutes, capped at 1 hour, with up to 20% jitter. */
export function backoffAt(now: Date, attempt: number, random: () => number = Math.random): Date {
  const base = Math.min(60_000 * 2 ** Math.max(0, attempt), 3_600_000);
  return new Date(now.getTime() + Math.round(base * (1 + 0.2 * random())));
}

function headerValue(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== "object") return null;
  const h = headers as Record<string, unknown> & { get?: (n: string) => unknown };
  const v = typeof h.get === "function" ? h.get(name) : (h[name] ?? h[name.toLowerCase()]);
  if (Array.isArray(v)) return v.length ? String(v[0]) : null;
  return v === undefined || v === null ? null : String(v);
}

/** The outcome of a SendGrid error (exported for tests). */
export function classifySendGridError(error: unknown, now: Date, attempt: number): SendResult {
  const e = error as { code?: unknown; response?: { headers?: unknown; body?: unknown } };
  const status = typeof e.code === "number" ? e.code : null;
  if (status === null)
    return { kind: "retry", at: backoffAt(now, attempt), reason: `network error: ${String((error as Error)?.message ?? error).slice(0, 200)}` };
  if (status === 429) {
    const reset = Number(headerValue(e.response?.headers, "x-ratelimit-reset"));
    const at = Number.isFinite(reset) && reset > 0 ? new Date(Math.max(reset * 1000, now.getTime() + 1000)) : new Date(now.getTime() + 60_000);
    return { kind: "retry", at, reason: "SendGrid rate limit (429)" };
  }
  if (status >= 500) return { kind: "retry", at: backoffAt(now, attempt), reason: `SendGrid server error (${status})` };
  const body = e.response?.body as { errors?: Array<{ message?: string; field?: string }> } | undefined;
  const detail = body?.errors?.map((x) => [x.field, x.message].filter(Boolean).join(": ")).join("; ");
  return { kind: "failed", reason: `SendGrid refused the message (${status})${detail ? `: ${detail.slice(0, 300)}` : ""}` };
}

/** A SendGrid mail service bound to one API key and base URL (not the global singleton). */
export function createMailService(o: SendGridOptions): MailService {
  const mail = new MailService();
  mail.setApiKey(o.apiKey);
  const client = new Client();
  client.setApiKey(o.apiKey);
  client.setDefaultRequest("baseUrl", o.baseUrl || DEFAULT_SENDGRID_BASE_URL);
  mail.setClient(client);
  mail.setTimeout(o.timeoutMs ?? 15_000);
  return mail;
}

async function deliver(
  mail: MailService,
  data: MailDataRequired,
  now: Date,
  attempt: number,
  onError?: (error: unknown) => void,
): Promise<SendResult & { providerId?: string | null }> {
  try {
    const [res] = await mail.send(data);
    return { kind: "sent", providerId: headerValue(res.headers, "x-message-id") };
  } catch (error) {
    onError?.(error);
    return classifySendGridError(error, now, attempt);
  }
}

/** What a SendGrid refusal says about the shop's sender setup (401/403 and other non-retryable 4xx), else null. */
function setupVerdictOf(error: unknown): string | null {
  const e = error as { code?: unknown; response?: { body?: { errors?: Array<{ message?: string; field?: string | null }> } } };
  const status = typeof e.code === "number" ? e.code : null;
  const v = sendgridSetupVerdict(status, e.response?.body?.errors ?? []);
  return v.setupProblem && (status === 401 || status === 403) ? v.detail : null;
}

export function createEmailSender(o: EmailSenderOptions): ChannelSender {
  const mail = createMailService(o);
  const env = o.env ?? process.env;
  return {
    name: "email",
    status(shop: ShopView): ChannelStatus {
      return channelStatuses(shop, env).email;
    },
    async send(message: OutboundMessage & { attempt?: number }): Promise<SendResult> {
      const { shop, checkout, now } = message;
      const to = normalizeEmail(checkout.email);
      if (!to) return { kind: "failed", reason: "the checkout has no valid email address" };
      const fromEmail = shop.settings.sender.fromEmail ?? o.defaultFromEmail;
      if (!fromEmail) return { kind: "failed", reason: "no sender address: set SENDGRID_FROM_EMAIL or a sender email in Settings" };
      if (o.isSuppressed && (await o.isSuppressed({ shop: shop.domain, channel: "email", address: to }))) {
        return { kind: "failed", reason: "suppressed: the address unsubscribed, bounced or reported spam" };
      }
      const links = messageLinks(o.appUrl, o.linkKey, message.messageId);
      const rendered = renderRecoveryEmail({
        brand: {
          shopName: shop.name || shop.domain,
          logoUrl: shop.settings.branding.logoUrl,
          accentColor: shop.settings.branding.accentColor,
          postalAddress: shop.settings.branding.postalAddress ?? formatShopAddress(shop.name, shop.billingAddress),
        },
        firstName: checkout.firstName,
        locale: checkout.locale,
        currency: checkout.currency,
        items: checkout.lineItems,
        itemCount: checkout.lineItemCount,
        subtotalMinor: checkout.subtotalMinor,
        totalMinor: checkout.totalMinor,
        step: { index: message.step.index, isFinal: message.step.isFinal, label: message.step.label },
        incentive: message.incentive
          ? {
              code: message.incentive.code,
              description: message.incentive.description,
              endsAt: message.incentive.endsAt,
              applyLink: links.clickTo(message.incentive.applyUrl),
            }
          : null,
        links: { recover: links.recover, unsubscribe: links.unsubscribe, openPixel: links.openPixel },
      });
      const replyTo = o.inboundReplyDomain ? `reply+${message.messageId}@${o.inboundReplyDomain}` : (shop.settings.sender.replyTo ?? undefined);
      const data: MailDataRequired = {
        to,
        from: { email: fromEmail, name: headerSafe(shop.settings.sender.fromName ?? shop.name) },
        ...(replyTo ? { replyTo } : {}),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        headers: {
          "List-Unsubscribe": `<${links.unsubscribe}>`,
          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        customArgs: { message_id: message.messageId, shop: shop.domain },
        categories: ["checkout-recovery", `step-${message.step.id}`.slice(0, 64)],
        trackingSettings: { subscriptionTracking: { enable: false } },
      };
      let setupDetail: string | null = null;
      const result = await deliver(mail, data, now, message.attempt ?? 0, (error) => (setupDetail = setupVerdictOf(error)));
      if (o.onSetupVerdict && (result.kind === "sent" || setupDetail)) {
        await o
          .onSetupVerdict({ shop: shop.domain, ok: result.kind === "sent", detail: setupDetail, now })
          .catch((e: unknown) => log.warn({ shop: shop.domain, err: String(e) }, "email check not recorded"));
      }
      if (result.kind !== "sent") {
        log.warn({ shop: shop.domain, messageId: message.messageId, to: maskEmail(to), outcome: result.kind, reason: result.reason }, "email not sent");
        return result;
      }
      return {
        kind: "sent",
        providerId: result.providerId ?? null,
        recipient: to,
        subject: rendered.subject,
        bodyHtml: rendered.html,
        bodyText: rendered.text,
      };
    },
  };
}

export interface StaffNotifierOptions extends SendGridOptions {
  defaultFromEmail: string | null;
}

/** Staff alerts (handoffs, replies) by email to the shop's staff alert address, or the shop's own email. */
export function createEmailStaffNotifier(o: StaffNotifierOptions): StaffNotifier {
  const mail = createMailService(o);
  return {
    async notify(alert: StaffAlert): Promise<SendResult> {
      const { shop, checkout } = alert;
      const to = normalizeEmail(shop.settings.handoff.staffAlertEmail ?? shop.email);
      if (!to) return { kind: "failed", reason: "no staff alert address: set one in Settings" };
      const fromEmail = shop.settings.sender.fromEmail ?? o.defaultFromEmail;
      if (!fromEmail) return { kind: "failed", reason: "no sender address: set SENDGRID_FROM_EMAIL or a sender email in Settings" };
      const rendered = renderStaffAlertEmail({
        shopName: shop.name || shop.domain,
        reason: alert.reason,
        summary: alert.summary,
        adminUrl: alert.adminUrl,
        customer: { name: [checkout.firstName, checkout.lastName].filter(Boolean).join(" ") || null, email: checkout.email, phone: checkout.phone },
        currency: checkout.currency,
        items: checkout.lineItems,
        itemCount: checkout.lineItemCount,
        totalMinor: checkout.totalMinor,
      });
      const result = await deliver(
        mail,
        {
          to,
          from: { email: fromEmail, name: "Checkout Recovery" },
          ...(checkout.email ? { replyTo: checkout.email } : {}),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          customArgs: { shop: shop.domain, checkout_id: checkout.id, kind: "staff_alert" },
          categories: ["checkout-recovery", "staff-alert"],
          trackingSettings: { clickTracking: { enable: false }, openTracking: { enable: false }, subscriptionTracking: { enable: false } },
        },
        alert.now,
        0,
      );
      if (result.kind !== "sent") return result;
      return {
        kind: "sent",
        providerId: result.providerId ?? null,
        recipient: to,
        subject: rendered.subject,
        bodyHtml: rendered.html,
        bodyText: rendered.text,
      };
    },
  };
}
