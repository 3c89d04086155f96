// What channels and templates see of a checkout, from a stored row (line items are JSON text in the database).
import type { LineItemRecord } from "./shopify-payloads";

/** What a channel sees of a checkout (the channel interface, app/channels/types.ts, re-exports it). */
export interface CheckoutView {
  id: string;
  token: string;
  cartToken: string | null;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  currency: string;
  subtotalMinor: number;
  totalMinor: number;
  /** The first stored items (at most STORED_LINE_ITEMS, app/lib/line-items.ts). */
  lineItems: LineItemRecord[];
  /** The cart's quantity of all items, stored or not; absent: the stored items' quantity. */
  lineItemCount?: number;
  abandonedCheckoutUrl: string | null;
  emailConsent: boolean;
  smsConsent: boolean;
  /** Shopify's WhatsApp marketing consent (true = subscribed); null/absent = none known: SMS consent stands in. */
  whatsappConsent?: boolean | null;
}

/** A stored checkout row as far as the view needs it: the view's fields, with line items still JSON text. */
export type CheckoutRow = Omit<CheckoutView, "lineItems"> & { lineItems: string };

export function parseLineItems(json: string): LineItemRecord[] {
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? (parsed as LineItemRecord[]) : [];
  } catch {
    return [];
  }
}

export function checkoutViewOf(c: CheckoutRow): CheckoutView {
  return {
    id: c.id,
    token: c.token,
    cartToken: c.cartToken,
    email: c.email,
    phone: c.phone,
    firstName: c.firstName,
    lastName: c.lastName,
    locale: c.locale,
    currency: c.currency,
    subtotalMinor: c.subtotalMinor,
    totalMinor: c.totalMinor,
    lineItems: parseLineItems(c.lineItems),
    ...(c.lineItemCount === undefined ? {} : { lineItemCount: c.lineItemCount }),
    abandonedCheckoutUrl: c.abandonedCheckoutUrl,
    emailConsent: c.emailConsent,
    smsConsent: c.smsConsent,
  };
}
