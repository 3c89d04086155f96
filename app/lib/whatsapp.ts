// WhatsApp helpers. Pure.
// - clickToChatUrl / whatsappTemplates: manual sends from the pipeline (https://wa.me/<digits>?text=...).
// - buildTemplateMessage: the Cloud API body for an approved template (first name, product, [code,] link).
// - verifyHubSignature: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(app secret, raw body).
// - parseWhatsAppWebhook: inbound messages and delivery statuses from a webhook body.
import crypto from "node:crypto";
import { z } from "zod";
import { safeEqual } from "./safe-equal";

/** https://wa.me/<digits>?text=<encoded>: opens a chat with the shopper, prefilled. Null without a usable number. */
export function clickToChatUrl(phone: string | null | undefined, text: string): string | null {
  const digits = (phone ?? "").replace(/\D/g, "").replace(/^00/, "");
  if (digits.length < 7 || digits.length > 15) return null;
  return `https://wa.me/${digits}?text=${encodeURIComponent(text)}`;
}

export interface TemplateInput {
  firstName: string | null;
  product: string;
  code?: string | null;
  link: string;
}

export interface ManualTemplates {
  reminder: string;
  discount: string;
  urgency: string;
}

/** Three ready-made texts for manual WhatsApp sends (Reminder, Discount, Urgency). */
export function whatsappTemplates({ firstName, product, code, link }: TemplateInput): ManualTemplates {
  const hi = firstName?.trim() ? `Hi ${firstName.trim()}` : "Hi";
  return {
    reminder: `${hi}! You left ${product} in your cart. It is saved for you here: ${link}`,
    discount: code
      ? `${hi}! Still thinking about ${product}? Use code ${code} for a little extra off: ${link}`
      : `${hi}! Still thinking about ${product}? Reply here and we will see what we can do for you: ${link}`,
    urgency: `${hi}, ${product} is still in your cart, but we cannot hold it much longer. Complete your order here: ${link}`,
  };
}

export interface TemplateMessageInput {
  to: string;
  templateName: string;
  language: string;
  firstName: string;
  product: string;
  code?: string | null;
  link: string;
}

/** Cloud API template message: body parameters {{1}} first name, {{2}} product, [{{3}} code,] last the link. */
export function buildTemplateMessage(i: TemplateMessageInput) {
  const text = (t: string) => ({ type: "text" as const, text: t.slice(0, 1000) });
  const params = [text(i.firstName), text(i.product), ...(i.code ? [text(i.code)] : []), text(i.link)];
  return {
    messaging_product: "whatsapp" as const,
    recipient_type: "individual" as const,
    to: i.to.replace(/\D/g, ""),
    type: "template" as const,
    template: { name: i.templateName, language: { code: i.language }, components: [{ type: "body" as const, parameters: params }] },
  };
}

export function hubSignature(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${crypto.createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

export function verifyHubSignature(rawBody: string | Buffer, header: string | null | undefined, appSecret: string): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header.trim())) return false;
  return safeEqual(hubSignature(rawBody, appSecret), header.trim().toLowerCase());
}

const Inbound = z
  .object({
    from: z.string(),
    id: z.string(),
    timestamp: z.string().optional(),
    type: z.string(),
    text: z.object({ body: z.string() }).optional(),
    button: z.object({ text: z.string() }).passthrough().optional(),
    interactive: z
      .object({ button_reply: z.object({ title: z.string() }).passthrough().optional(), list_reply: z.object({ title: z.string() }).passthrough().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

// biz_opaque_callback_data: what we sent with the message (our message id), echoed back in its statuses.
const Status = z
  .object({
    id: z.string(),
    status: z.string(),
    timestamp: z.string().optional(),
    recipient_id: z.string().optional(),
    biz_opaque_callback_data: z.string().optional(),
  })
  .passthrough();

const Webhook = z
  .object({
    object: z.string().optional(),
    entry: z
      .array(
        z
          .object({
            changes: z
              .array(
                z
                  .object({
                    field: z.string().optional(),
                    value: z
                      .object({
                        metadata: z.object({ phone_number_id: z.string() }).passthrough().optional(),
                        contacts: z
                          .array(
                            z
                              .object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).passthrough().optional() })
                              .passthrough(),
                          )
                          .optional(),
                        messages: z.array(Inbound).optional(),
                        statuses: z.array(Status).optional(),
                      })
                      .passthrough(),
                  })
                  .passthrough(),
              )
              .default([]),
          })
          .passthrough(),
      )
      .default([]),
  })
  .passthrough();

export interface InboundWhatsApp {
  phoneNumberId: string | null;
  from: string;
  id: string;
  at: Date | null;
  text: string;
  profileName: string | null;
}

export interface WhatsAppStatus {
  phoneNumberId: string | null;
  id: string;
  status: string;
  at: Date | null;
  /** Our message id, as we sent it in biz_opaque_callback_data (null for messages sent without it). */
  ourMessageId: string | null;
}

export function parseWhatsAppWebhook(body: unknown): { messages: InboundWhatsApp[]; statuses: WhatsAppStatus[] } | null {
  const parsed = Webhook.safeParse(body);
  if (!parsed.success) return null;
  const messages: InboundWhatsApp[] = [];
  const statuses: WhatsAppStatus[] = [];
  const ts = (t?: string) => (t && /^\d+$/.test(t) ? new Date(Number(t) * 1000) : null);
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      const v = change.value;
      const pnid = v.metadata?.phone_number_id ?? null;
      for (const m of v.messages ?? []) {
        const text = m.text?.body ?? m.button?.text ?? m.interactive?.button_reply?.title ?? m.interactive?.list_reply?.title ?? "";
        const name = v.contacts?.find((c) => c.wa_id === m.from)?.profile?.name ?? null;
        messages.push({ phoneNumberId: pnid, from: m.from, id: m.id, at: ts(m.timestamp), text: text || `[${m.type}]`, profileName: name });
      }
      for (const s of v.statuses ?? [])
        statuses.push({ phoneNumberId: pnid, id: s.id, status: s.status, at: ts(s.timestamp), ourMessageId: s.biz_opaque_callback_data ?? null });
    }
  }
  return { messages, statuses };
}
