// WhatsApp through the Cloud API: an approved template message ({{1}} first name, {{2}} product, [{{3}} code,] then
// the tracked link) to POST <base>/v21.0/<phone_number_id>/messages, with the shop's access token (stored encrypted
// in ShopSecret, else the app-wide WHATSAPP_ACCESS_TOKEN of a single-store deployment and the demo). Only to shoppers
// with Shopify's WhatsApp marketing consent (SMS marketing consent where Shopify has none), never to an opted-out
// number. Each answer that says something about the shop's setup (sent, or token / phone number id / template
// refused) is reported through onSetupVerdict, so Settings says Ready only after a real call succeeded. 429 (or Meta's throughput error codes) -> retry later; 5xx -> backoff; other 4xx -> failed.
import { normalizePhone } from "../lib/contact";
import { unstoredUnits } from "../lib/line-items";
import { messageLinks } from "../lib/links";
import { whatsappSetupVerdict, type GraphError } from "../lib/channel-check";
import { mayWhatsApp } from "../lib/eligibility";
import { buildTemplateMessage } from "../lib/whatsapp";
import { log } from "../log.server";
import { backoffAt } from "./email.server";
import { channelStatuses } from "./status.server";
import type { ChannelSender, ChannelStatus, OutboundMessage, SendResult, ShopView } from "./types";

export const DEFAULT_WHATSAPP_BASE_URL = "https://graph.facebook.com";
export const WHATSAPP_API_VERSION = "v21.0";

// Meta error codes that mean "slow down" rather than "never".
const THROTTLE_CODES = new Set([4, 80007, 130429, 131048, 131056]);

export interface WhatsAppSenderOptions {
  /** WHATSAPP_API_BASE_URL (tests point it at a local stand-in). */
  baseUrl?: string;
  /** The shop's access token (decrypted ShopSecret, else WHATSAPP_ACCESS_TOKEN); null = not configured. */
  getToken: (shop: string) => Promise<string | null>;
  appUrl: string;
  linkKey: Buffer;
  isSuppressed?: (args: { shop: string; channel: "whatsapp"; address: string }) => Promise<boolean>;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** A real send's answer about the shop's setup (ok, or why not): recorded as the channel's last check. */
  onSetupVerdict?: (v: { shop: string; ok: boolean; detail: string | null; now: Date }) => Promise<void>;
}

/** The template's product text: the first item, and how many more. */
export function whatsappProductName(message: OutboundMessage): string {
  const items = message.checkout.lineItems;
  if (!items.length) return "your items";
  // The other stored items, and the units of items not stored (a cart of thousands: app/lib/line-items.ts).
  const more = items.length - 1 + unstoredUnits(items, message.checkout.lineItemCount);
  return more > 0 ? `${items[0].title} and ${more} more` : items[0].title;
}

export function createWhatsAppSender(o: WhatsAppSenderOptions): ChannelSender {
  const base = (o.baseUrl || DEFAULT_WHATSAPP_BASE_URL).replace(/\/+$/, "");
  const env = o.env ?? process.env;
  return {
    name: "whatsapp",
    status(shop: ShopView): ChannelStatus {
      return channelStatuses(shop, env).whatsapp;
    },
    async send(message: OutboundMessage & { attempt?: number }): Promise<SendResult> {
      const { shop, checkout, now } = message;
      const wa = shop.settings.whatsapp;
      if (!wa.enabled || !wa.phoneNumberId) return { kind: "failed", reason: "WhatsApp is not configured for this shop" };
      if (!mayWhatsApp(checkout)) return { kind: "failed", reason: "no WhatsApp marketing consent" };
      const phone = normalizePhone(checkout.phone);
      if (!phone) return { kind: "failed", reason: "the checkout has no valid phone number" };
      if (o.isSuppressed && (await o.isSuppressed({ shop: shop.domain, channel: "whatsapp", address: phone }))) {
        return { kind: "failed", reason: "suppressed: the number opted out" };
      }
      const token = await o.getToken(shop.domain);
      if (!token) return { kind: "failed", reason: "no WhatsApp access token: save one in Settings or set WHATSAPP_ACCESS_TOKEN" };
      const links = messageLinks(o.appUrl, o.linkKey, message.messageId);
      const body = buildTemplateMessage({
        to: phone,
        templateName: message.incentive ? wa.templates.incentive : wa.templates.reminder,
        language: wa.templateLanguage,
        firstName: checkout.firstName?.trim() || "there",
        product: whatsappProductName(message),
        code: message.incentive?.code ?? null,
        link: message.incentive ? links.clickTo(message.incentive.applyUrl) : links.recover,
      });
      let res: Response;
      try {
        res = await fetch(`${base}/${WHATSAPP_API_VERSION}/${encodeURIComponent(wa.phoneNumberId)}/messages`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          // Our message id rides along: Meta returns it in the status webhooks of this message (up to 512 characters),
          // so a status can be matched to the ledger row even when the send's own answer was lost.
          body: JSON.stringify({ ...body, biz_opaque_callback_data: message.messageId }),
          signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
        });
      } catch (e) {
        return { kind: "retry", at: backoffAt(now, message.attempt ?? 0), reason: `network error: ${String((e as Error).message).slice(0, 200)}` };
      }
      const json = (await res.json().catch(() => null)) as { messages?: Array<{ id?: string }>; error?: GraphError } | null;
      const verdict = res.ok
        ? null
        : whatsappSetupVerdict(res.status, json?.error, {
            phoneNumberId: wa.phoneNumberId,
            template: body.template.name,
            language: body.template.language.code,
          });
      if (o.onSetupVerdict && (res.ok || verdict?.setupProblem)) {
        await o
          .onSetupVerdict({ shop: shop.domain, ok: res.ok, detail: verdict?.detail ?? null, now })
          .catch((e: unknown) => log.warn({ shop: shop.domain, err: String(e) }, "whatsapp check not recorded"));
      }
      if (res.ok) {
        const id = json?.messages?.[0]?.id ?? null;
        const summary = `Template ${body.template.name} (${body.template.language.code}): ${body.template.components[0].parameters.map((p) => p.text).join(" | ")}`;
        return { kind: "sent", providerId: id, recipient: phone, subject: null, bodyText: summary };
      }
      const code = json?.error?.code;
      const reason = `WhatsApp API ${res.status}${code ? ` (code ${code})` : ""}: ${(json?.error?.message ?? res.statusText).slice(0, 200)}`;
      if (res.status === 429 || (code !== undefined && THROTTLE_CODES.has(code))) {
        const ra = Number(res.headers.get("retry-after"));
        return { kind: "retry", at: new Date(now.getTime() + (Number.isFinite(ra) && ra > 0 ? ra * 1000 : 60_000)), reason };
      }
      if (res.status >= 500) return { kind: "retry", at: backoffAt(now, message.attempt ?? 0), reason };
      log.warn({ shop: shop.domain, messageId: message.messageId, status: res.status, code }, "whatsapp not sent");
      return { kind: "failed", reason };
    },
  };
}
