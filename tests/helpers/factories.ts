// Realistic Shopify webhook payloads (REST shapes, as sent for API 2026-10: no checkout id, keyed by token).
let n = 0;

export interface CheckoutPayloadOptions {
  token?: string;
  cartToken?: string | null;
  email?: string | null;
  phone?: string | null;
  firstName?: string;
  createdAt?: Date;
  updatedAt?: Date;
  completedAt?: Date | null;
  acceptsMarketing?: boolean;
  acceptsSms?: boolean;
  customerId?: number | null;
  ordersCount?: number;
  items?: Array<{ title: string; variant?: string; quantity?: number; price: string; image?: string }>;
  currency?: string;
  gateway?: string | null;
  discountCodes?: string[];
  sourceName?: string;
  userId?: number | null;
}

export function checkoutPayload(o: CheckoutPayloadOptions = {}) {
  n += 1;
  const created = o.createdAt ?? new Date("2026-11-20T10:00:00Z");
  const items = o.items ?? [
    { title: "Linen Shirt", variant: "M / Sand", quantity: 1, price: "59.00", image: "https://cdn.shopify.com/s/files/shirt.jpg" },
    { title: "Canvas Tote", quantity: 2, price: "18.50" },
  ];
  const subtotal = items.reduce((s, i) => s + Number(i.price) * (i.quantity ?? 1), 0).toFixed(2);
  const token = o.token ?? `tok_${process.pid}_${n}_${Math.random().toString(36).slice(2, 10)}`;
  return {
    token,
    cart_token: o.cartToken === undefined ? `cart_${token}` : o.cartToken,
    email: o.email === undefined ? `shopper${n}@example.com` : o.email,
    phone: o.phone ?? null,
    gateway: o.gateway ?? null,
    buyer_accepts_marketing: o.acceptsMarketing ?? true,
    buyer_accepts_sms_marketing: o.acceptsSms ?? false,
    created_at: created.toISOString(),
    updated_at: (o.updatedAt ?? created).toISOString(),
    completed_at: o.completedAt ? o.completedAt.toISOString() : null,
    currency: o.currency ?? "USD",
    presentment_currency: o.currency ?? "USD",
    customer_locale: "en",
    source_name: o.sourceName ?? "web",
    user_id: o.userId ?? null,
    abandoned_checkout_url: `https://test-shop.myshopify.com/checkouts/${token}/recover?key=abc`,
    subtotal_price: subtotal,
    total_price: subtotal,
    total_discounts: "0.00",
    discount_codes: (o.discountCodes ?? []).map((code) => ({ code, amount: "5.00", type: "fixed_amount" })),
    line_items: items.map((i, k) => ({
      title: i.title,
      variant_title: i.variant ?? null,
      variant_id: 4000 + k,
      product_id: 9000 + k,
      quantity: i.quantity ?? 1,
      price: i.price,
      sku: `SKU-${k}`,
      image_url: i.image ?? null,
    })),
    customer:
      o.customerId === null
        ? null
        : {
            id: o.customerId ?? 700000 + n,
            email: o.email === undefined ? `shopper${n}@example.com` : o.email,
            phone: o.phone ?? null,
            first_name: o.firstName ?? "Ada",
            last_name: "Lovelace",
            orders_count: o.ordersCount ?? 0,
            email_marketing_consent: { state: o.acceptsMarketing === false ? "not_subscribed" : "subscribed" },
            sms_marketing_consent: { state: o.acceptsSms ? "subscribed" : "not_subscribed" },
          },
    billing_address: { first_name: o.firstName ?? "Ada", last_name: "Lovelace", phone: o.phone ?? null, country_code: "US" },
  };
}

export function orderPayload(o: { checkoutToken?: string | null; id?: number; total?: string; createdAt?: Date; email?: string; customerId?: number; discountCodes?: Array<{ code: string; amount: string }>; test?: boolean } = {}) {
  n += 1;
  const total = o.total ?? "96.00";
  return {
    id: o.id ?? 5_000_000 + n,
    name: `#${1000 + n}`,
    checkout_token: o.checkoutToken ?? null,
    cart_token: null,
    email: o.email ?? `buyer${n}@example.com`,
    currency: "USD",
    presentment_currency: "USD",
    subtotal_price: total,
    total_price: total,
    total_discounts: "0.00",
    discount_codes: (o.discountCodes ?? []).map((d) => ({ ...d, type: "percentage" })),
    test: o.test ?? false,
    created_at: (o.createdAt ?? new Date("2026-11-20T12:00:00Z")).toISOString(),
    customer: o.customerId ? { id: o.customerId } : null,
  };
}
