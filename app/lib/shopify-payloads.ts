// Shopify webhook payloads (checkouts/*, orders/create) parsed into the records we keep.
// Extra fields are ignored (not copied), strict about what recovery depends on: a token and valid times.
// zod 4 (the "zod/v4" entry of the zod package): about 3x less CPU per payload than zod 3 at webhook rates.
import { z } from "zod/v4";
import { customerKeyOf, normalizeEmail, normalizePhone } from "./contact";
import { toMinorUnits } from "./money";

const id = z.union([z.string(), z.number()]).transform((v) => String(v));
const text = z.string().nullish();
const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), "not a date")
  .transform((v) => new Date(v));
const money = z.union([z.string(), z.number()]).nullish();
const consent = z.object({ state: z.string().nullish() }).nullish();

const Address = z
  .object({ first_name: text, last_name: text, phone: text, country_code: text })
  .nullish();

const Customer = z
  .object({
    id: id.nullish(),
    email: text,
    phone: text,
    first_name: text,
    last_name: text,
    orders_count: z.number().int().nullish(),
    number_of_orders: z.union([z.number(), z.string()]).nullish(),
    tags: z.union([z.string(), z.array(z.string())]).nullish(),
    email_marketing_consent: consent,
    sms_marketing_consent: consent,
  })
  .nullish();

const LineItem = z
  .object({
    title: z.string().default(""),
    variant_title: text,
    variant_id: id.nullish(),
    product_id: id.nullish(),
    quantity: z.number().int().nonnegative().default(1),
    price: money,
    sku: text,
    image_url: text,
    image: z.union([z.string(), z.object({ src: text })]).nullish(),
  });

const DiscountCode = z.object({ code: z.string() });

export const CheckoutPayload = z
  .object({
    token: z.string({ error: "missing token" }).min(1, "missing token"),
    cart_token: text,
    email: text,
    phone: text,
    sms_marketing_phone: text,
    created_at: isoDate,
    updated_at: isoDate,
    completed_at: isoDate.nullish(),
    currency: text,
    presentment_currency: text,
    customer_locale: text,
    buyer_accepts_marketing: z.boolean().nullish(),
    buyer_accepts_sms_marketing: z.boolean().nullish(),
    line_items: z.array(LineItem).default([]),
    subtotal_price: money,
    total_price: money,
    discount_codes: z.array(DiscountCode).nullish(),
    abandoned_checkout_url: text,
    source_name: text,
    user_id: id.nullish(),
    gateway: text,
    test: z.boolean().nullish(),
    customer: Customer,
    billing_address: Address,
    shipping_address: Address,
  });

export interface LineItemRecord {
  title: string;
  variantTitle: string | null;
  variantId: string | null;
  productId: string | null;
  quantity: number;
  priceMinor: number;
  imageUrl: string | null;
  sku: string | null;
}

export interface CheckoutRecord {
  token: string;
  cartToken: string | null;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  customerKey: string | null;
  emailConsent: boolean;
  smsConsent: boolean;
  returningCustomer: boolean;
  customerOrdersCount: number;
  locale: string | null;
  lineItems: LineItemRecord[];
  lineItemCount: number;
  currency: string;
  subtotalMinor: number;
  totalMinor: number;
  discountCodes: string[];
  abandonedCheckoutUrl: string | null;
  sourceName: string | null;
  isTest: boolean;
  isStaff: boolean;
  failedPayment: boolean;
  shopifyCreatedAt: Date;
  shopifyUpdatedAt: Date;
  completedAt: Date | null;
}

const STAFF_SOURCES = new Set(["shopify_draft_order", "pos"]);

function tagsOf(tags: string | string[] | null | undefined): string[] {
  if (!tags) return [];
  return (Array.isArray(tags) ? tags : tags.split(",")).map((t) => t.trim().toLowerCase()).filter(Boolean);
}

/** Parse a checkouts/create|update body. Throws a ZodError whose first issue names the bad field. */
export function parseCheckout(body: unknown): CheckoutRecord {
  const p = CheckoutPayload.parse(body);
  const currency = (p.presentment_currency || p.currency || "USD").toUpperCase();
  const c = p.customer ?? undefined;
  const phone = normalizePhone(p.phone ?? p.sms_marketing_phone ?? c?.phone ?? p.shipping_address?.phone ?? p.billing_address?.phone);
  const email = normalizeEmail(p.email ?? c?.email);
  const lineItems: LineItemRecord[] = p.line_items.map((li) => ({
    title: li.title,
    variantTitle: li.variant_title ?? null,
    variantId: li.variant_id ?? null,
    productId: li.product_id ?? null,
    quantity: li.quantity,
    priceMinor: toMinorUnits(li.price, currency) ?? 0,
    imageUrl: li.image_url ?? (typeof li.image === "string" ? li.image : (li.image?.src ?? null)),
    sku: li.sku ?? null,
  }));
  const subtotal = toMinorUnits(p.subtotal_price, currency) ?? lineItems.reduce((s, li) => s + li.priceMinor * li.quantity, 0);
  const ordersCount = c?.orders_count ?? (c?.number_of_orders != null ? Number(c.number_of_orders) || 0 : 0);
  const tags = tagsOf(c?.tags);
  return {
    token: p.token,
    cartToken: p.cart_token ?? null,
    customerId: c?.id ?? null,
    email,
    phone,
    firstName: c?.first_name ?? p.billing_address?.first_name ?? p.shipping_address?.first_name ?? null,
    lastName: c?.last_name ?? p.billing_address?.last_name ?? p.shipping_address?.last_name ?? null,
    customerKey: customerKeyOf(email, phone),
    emailConsent: p.buyer_accepts_marketing === true || c?.email_marketing_consent?.state === "subscribed",
    smsConsent: p.buyer_accepts_sms_marketing === true || c?.sms_marketing_consent?.state === "subscribed",
    returningCustomer: ordersCount > 0,
    customerOrdersCount: ordersCount,
    locale: p.customer_locale ?? null,
    lineItems,
    lineItemCount: lineItems.reduce((s, li) => s + li.quantity, 0),
    currency,
    subtotalMinor: subtotal,
    totalMinor: toMinorUnits(p.total_price, currency) ?? subtotal,
    discountCodes: (p.discount_codes ?? []).map((d) => d.code),
    abandonedCheckoutUrl: p.abandoned_checkout_url ?? null,
    sourceName: p.source_name ?? null,
    isTest: p.test === true || tags.includes("test"),
    isStaff: p.user_id != null || STAFF_SOURCES.has(p.source_name ?? ""),
    // A checkout that reached a payment gateway but has no completion time: the payment did not go through.
    failedPayment: !p.completed_at && !!p.gateway,
    shopifyCreatedAt: p.created_at,
    shopifyUpdatedAt: p.updated_at,
    completedAt: p.completed_at ?? null,
  };
}

export const OrderPayload = z
  .object({
    id: id,
    name: text,
    checkout_token: text,
    cart_token: text,
    email: text,
    currency: text,
    presentment_currency: text,
    subtotal_price: money,
    total_price: money,
    total_discounts: money,
    discount_codes: z.array(z.object({ code: z.string(), amount: money })).nullish(),
    test: z.boolean().nullish(),
    created_at: isoDate,
    customer: z.object({ id: id.nullish() }).nullish(),
  });

export interface OrderRecord {
  orderId: string;
  name: string | null;
  checkoutToken: string | null;
  cartToken: string | null;
  customerId: string | null;
  email: string | null;
  currency: string;
  subtotalMinor: number;
  totalMinor: number;
  totalDiscountsMinor: number;
  discountCodes: { code: string; amountMinor: number }[];
  isTest: boolean;
  shopifyCreatedAt: Date;
}

export function parseOrder(body: unknown): OrderRecord {
  const p = OrderPayload.parse(body);
  const currency = (p.presentment_currency || p.currency || "USD").toUpperCase();
  const subtotal = toMinorUnits(p.subtotal_price, currency) ?? 0;
  return {
    orderId: p.id,
    name: p.name ?? null,
    checkoutToken: p.checkout_token ?? null,
    cartToken: p.cart_token ?? null,
    customerId: p.customer?.id ?? null,
    email: normalizeEmail(p.email),
    currency,
    subtotalMinor: subtotal,
    totalMinor: toMinorUnits(p.total_price, currency) ?? subtotal,
    totalDiscountsMinor: toMinorUnits(p.total_discounts, currency) ?? 0,
    discountCodes: (p.discount_codes ?? []).map((d) => ({ code: d.code, amountMinor: toMinorUnits(d.amount, currency) ?? 0 })),
    isTest: p.test === true,
    shopifyCreatedAt: p.created_at,
  };
}

/** "token: missing token" from a ZodError, for a one-line 4xx reason. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid payload";
  const where = issue.path.join(".");
  return where ? `${where}: ${issue.message}` : issue.message;
}
