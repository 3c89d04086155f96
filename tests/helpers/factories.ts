// Realistic Shopify webhook payloads (REST shapes, as sent for API 2026-10: no checkout id, keyed by token).
import { T0 } from "./time";

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
  /** The shopper's (presentment) currency: the prices are in it. */
  currency?: string;
  /** The shop's currency (the payload's `currency`); defaults to the shopper's. */
  shopCurrency?: string;
  /** The customer's tags, as Shopify sends them (one comma-separated string). */
  tags?: string;
  gateway?: string | null;
  discountCodes?: string[];
  sourceName?: string;
  userId?: number | null;
}

const decimals = (currency: string) => new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;

export function checkoutPayload(o: CheckoutPayloadOptions = {}) {
  n += 1;
  const created = o.createdAt ?? T0;
  const items = o.items ?? [
    { title: "Linen Shirt", variant: "M / Sand", quantity: 1, price: "59.00", image: "https://cdn.shopify.com/s/files/shirt.jpg" },
    { title: "Canvas Tote", quantity: 2, price: "18.50" },
  ];
  // Shopify writes amounts with the currency's own decimals (JPY none, KWD three).
  const subtotal = items.reduce((s, i) => s + Number(i.price) * (i.quantity ?? 1), 0).toFixed(decimals(o.currency ?? "USD"));
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
    currency: o.shopCurrency ?? o.currency ?? "USD",
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
            ...(o.tags !== undefined ? { tags: o.tags } : {}),
            email_marketing_consent: { state: o.acceptsMarketing === false ? "not_subscribed" : "subscribed" },
            sms_marketing_consent: { state: o.acceptsSms ? "subscribed" : "not_subscribed" },
          },
    billing_address: { first_name: o.firstName ?? "Ada", last_name: "Lovelace", phone: o.phone ?? null, country_code: "US" },
  };
}

export interface OrderPayloadOptions {
  checkoutToken?: string | null;
  id?: number;
  /** Total in the shop's currency (also the subtotal: no shipping or tax). */
  total?: string;
  /** The shop's currency (default USD). */
  currency?: string;
  /** The shopper's currency and what they paid in it (default: the shop's, the same amount). */
  presentmentCurrency?: string;
  presentmentTotal?: string;
  createdAt?: Date;
  email?: string;
  phone?: string | null;
  customerId?: number;
  discountCodes?: Array<{ code: string; amount: string }>;
  test?: boolean;
}

/** A REST money bag, as orders carry them for every amount: shop_money and presentment_money. */
export function moneyBag(shop: { amount: string; currency: string }, presentment: { amount: string; currency: string } = shop) {
  return {
    shop_money: { amount: shop.amount, currency_code: shop.currency },
    presentment_money: { amount: presentment.amount, currency_code: presentment.currency },
  };
}

/** orders/create as Shopify sends it (the documented keys we read): plain amounts and `currency` are the shop's. */
export function orderPayload(o: OrderPayloadOptions = {}) {
  n += 1;
  const total = o.total ?? "96.00";
  const currency = o.currency ?? "USD";
  const presentmentCurrency = o.presentmentCurrency ?? currency;
  const presentmentTotal = o.presentmentTotal ?? total;
  const zero = (c: string) => (0).toFixed(decimals(c));
  const bag = (shopAmount: string, presentmentAmount: string) =>
    moneyBag({ amount: shopAmount, currency }, { amount: presentmentAmount, currency: presentmentCurrency });
  const email = o.email ?? `buyer${n}@example.com`;
  return {
    id: o.id ?? 5_000_000 + n,
    admin_graphql_api_id: `gid://shopify/Order/${o.id ?? 5_000_000 + n}`,
    name: `#${1000 + n}`,
    checkout_token: o.checkoutToken ?? null,
    cart_token: null,
    email,
    contact_email: email,
    phone: o.phone ?? null,
    currency,
    presentment_currency: presentmentCurrency,
    subtotal_price: total,
    subtotal_price_set: bag(total, presentmentTotal),
    total_price: total,
    total_price_set: bag(total, presentmentTotal),
    total_discounts: zero(currency),
    total_discounts_set: bag(zero(currency), zero(presentmentCurrency)),
    discount_codes: (o.discountCodes ?? []).map((d) => ({ ...d, type: "percentage" })),
    test: o.test ?? false,
    created_at: (o.createdAt ?? new Date("2026-11-20T12:00:00Z")).toISOString(),
    customer: o.customerId ? { id: o.customerId, email, phone: o.phone ?? null } : null,
  };
}
