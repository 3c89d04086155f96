// Shopify webhook payloads (checkouts/*, orders/create) parsed into the records we keep.
// Extra fields are ignored (not copied), strict about what recovery depends on: a token and valid times.
// zod 4: about 3x less CPU per payload than zod 3 at webhook rates.
import { z } from "zod";
import { customerKeyOf, normalizeEmail, normalizePhone } from "./contact";
import { STORED_LINE_ITEMS } from "./line-items";
import { MAX_MINOR_UNITS, MAX_ORDER_COUNT, MAX_QUANTITY, parseMinorUnits } from "./money";

const id = z.union([z.string(), z.number()]).transform((v) => String(v));
const text = z.string().nullish();
const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), "not a date")
  .transform((v) => new Date(v));
const money = z.union([z.string(), z.number()]).nullish();
const consent = z.object({ state: z.string().nullish() }).nullish();

const Address = z.object({ first_name: text, last_name: text, phone: text, country_code: text }).nullish();

const Customer = z
  .object({
    id: id.nullish(),
    email: text,
    phone: text,
    first_name: text,
    last_name: text,
    orders_count: z.number().int().nonnegative().max(MAX_ORDER_COUNT).nullish(),
    number_of_orders: z.union([z.number(), z.string()]).nullish(),
    tags: z.union([z.string(), z.array(z.string())]).nullish(),
    email_marketing_consent: consent,
    sms_marketing_consent: consent,
    // Not in the documented checkouts/* example; read when a payload carries it (the customer resource's shape).
    whats_app_marketing_consent: consent,
  })
  .nullish();

const LineItem = z.object({
  title: z.string().default(""),
  variant_title: text,
  variant_id: id.nullish(),
  product_id: id.nullish(),
  quantity: z.number().int().nonnegative().max(MAX_QUANTITY).default(1),
  price: money,
  sku: text,
  image_url: text,
  image: z.union([z.string(), z.object({ src: text })]).nullish(),
});

const DiscountCode = z.object({ code: z.string() });

export const CheckoutPayload = z.object({
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
  /** The first STORED_LINE_ITEMS items (app/lib/line-items.ts). */
  lineItems: LineItemRecord[];
  /** The quantity of every item in the cart, stored or not. */
  lineItemCount: number;
  /** The shopper's (presentment) currency: subtotal, total and line items are in it (what emails show). */
  currency: string;
  subtotalMinor: number;
  totalMinor: number;
  /** The payload's `currency`: the shop's currency. Null when the payload does not say. */
  shopCurrency: string | null;
  /** The total in the shop's currency: known only when the shopper paid in it (no exchange rate is guessed). */
  shopTotalMinor: number | null;
  /** The customer's tags, lower case (Settings' excluded customer tags). */
  customerTags: string[];
  /** The customer's WhatsApp marketing consent when the payload carries it (subscribed = true); null = not known. */
  whatsappConsent: boolean | null;
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

export type CheckoutInput = z.output<typeof CheckoutPayload>;

// ---------------------------------------------------------------------------------------------------------------
// The checkouts/* fast path: CheckoutPayload's rules written out by hand, about 5x less CPU than the schema on a
// typical body (checkouts/* are most of the webhook traffic). It answers only when it is sure; on anything it does not
// accept it returns null and the schema decides (and names the bad field). tests/unit/payload-fast-path.test.ts
// holds it to the schema: same output for every payload it accepts, and it accepts whatever the schema accepts
// (one-field changes of a realistic payload at every depth, and fast-check mutations of Shopify's documented
// checkouts/create and checkouts/update examples).
// Decision (issue 16): kept beside the schema, which stays the definition and the error messages. What it buys
// today is measured by `npm run bench:infra` (µs per payload, fast path against CheckoutPayload.parse, on the
// documented example and on a 50-line-item cart; bench/RESULTS.md, issue 16's section). A change to CheckoutPayload
// must be made here too: the differential fails until it is.
const NO = Symbol("not on the fast path");
function no(): never {
  throw NO;
}
type Obj = Record<string, unknown>;
/** Array.from visits holes too (as undefined), where map would skip them. */
const each = <T>(a: unknown[], f: (v: unknown) => T): T[] => Array.from(a, f);
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** z.string().nullish() */
function fText(v: unknown): string | null | undefined {
  return v === undefined || v === null || typeof v === "string" ? v : no();
}
/** id: string | number -> string */
function fId(v: unknown): string | null | undefined {
  if (v === undefined || v === null) return v;
  if (typeof v === "string") return v;
  return typeof v === "number" && Number.isFinite(v) ? String(v) : no();
}
/** money: string | number, nullish */
function fMoney(v: unknown): string | number | null | undefined {
  return v === undefined || v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v)) ? v : no();
}
function fBool(v: unknown): boolean | null | undefined {
  return v === undefined || v === null || typeof v === "boolean" ? v : no();
}
function fDate(v: unknown): Date {
  if (typeof v !== "string") no();
  const t = Date.parse(v);
  return Number.isNaN(t) ? no() : new Date(v);
}
/** z.number().int().nonnegative().max(max) */
function fCount(v: unknown, max: number): number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= max ? v : no();
}
function fConsent(v: unknown) {
  if (v === undefined || v === null) return v;
  return isObj(v) ? { state: fText(v.state) } : no();
}
function fAddress(v: unknown) {
  if (v === undefined || v === null) return v;
  if (!isObj(v)) no();
  return { first_name: fText(v.first_name), last_name: fText(v.last_name), phone: fText(v.phone), country_code: fText(v.country_code) };
}
function fCustomer(v: unknown) {
  if (v === undefined || v === null) return v;
  if (!isObj(v)) no();
  const tags = v.tags;
  if (!(tags === undefined || tags === null || typeof tags === "string" || (Array.isArray(tags) && each(tags, (t) => typeof t === "string").every(Boolean))))
    no();
  const n = v.number_of_orders;
  if (!(n === undefined || n === null || typeof n === "string" || (typeof n === "number" && Number.isFinite(n)))) no();
  return {
    id: fId(v.id),
    email: fText(v.email),
    phone: fText(v.phone),
    first_name: fText(v.first_name),
    last_name: fText(v.last_name),
    orders_count: v.orders_count === undefined || v.orders_count === null ? v.orders_count : fCount(v.orders_count, MAX_ORDER_COUNT),
    number_of_orders: n,
    tags: Array.isArray(tags) ? [...tags] : tags,
    email_marketing_consent: fConsent(v.email_marketing_consent),
    sms_marketing_consent: fConsent(v.sms_marketing_consent),
    whats_app_marketing_consent: fConsent(v.whats_app_marketing_consent),
  };
}
function fLineItem(v: unknown) {
  if (!isObj(v)) no();
  const image = v.image;
  const quantity = v.quantity === undefined ? 1 : fCount(v.quantity, MAX_QUANTITY);
  return {
    title: v.title === undefined ? "" : typeof v.title === "string" ? v.title : no(),
    variant_title: fText(v.variant_title),
    variant_id: fId(v.variant_id),
    product_id: fId(v.product_id),
    quantity,
    price: fMoney(v.price),
    sku: fText(v.sku),
    image_url: fText(v.image_url),
    image: image === undefined || image === null || typeof image === "string" ? image : isObj(image) ? { src: fText(image.src) } : no(),
  };
}

/** CheckoutPayload.parse(body) when the fast path is sure of the answer, else null. */
export function checkoutFastPath(body: unknown): CheckoutInput | null {
  try {
    if (!isObj(body)) return null;
    const b = body;
    if (typeof b.token !== "string" || b.token.length === 0) return null;
    const lineItems = b.line_items === undefined ? [] : Array.isArray(b.line_items) ? each(b.line_items, fLineItem) : no();
    const codes = b.discount_codes;
    return {
      token: b.token,
      cart_token: fText(b.cart_token),
      email: fText(b.email),
      phone: fText(b.phone),
      sms_marketing_phone: fText(b.sms_marketing_phone),
      created_at: fDate(b.created_at),
      updated_at: fDate(b.updated_at),
      completed_at: b.completed_at === undefined || b.completed_at === null ? b.completed_at : fDate(b.completed_at),
      currency: fText(b.currency),
      presentment_currency: fText(b.presentment_currency),
      customer_locale: fText(b.customer_locale),
      buyer_accepts_marketing: fBool(b.buyer_accepts_marketing),
      buyer_accepts_sms_marketing: fBool(b.buyer_accepts_sms_marketing),
      line_items: lineItems,
      subtotal_price: fMoney(b.subtotal_price),
      total_price: fMoney(b.total_price),
      discount_codes:
        codes === undefined || codes === null
          ? codes
          : Array.isArray(codes)
            ? each(codes, (d) => (isObj(d) && typeof d.code === "string" ? { code: d.code } : no()))
            : no(),
      abandoned_checkout_url: fText(b.abandoned_checkout_url),
      source_name: fText(b.source_name),
      user_id: fId(b.user_id),
      gateway: fText(b.gateway),
      test: fBool(b.test),
      customer: fCustomer(b.customer),
      billing_address: fAddress(b.billing_address),
      shipping_address: fAddress(b.shipping_address),
    };
  } catch (error) {
    if (error === NO) return null;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Amounts and counts a column must hold (issue 15). An amount that is there but is not a decimal, or is beyond
// MAX_MINOR_UNITS (app/lib/money.ts), refuses the whole payload with the field's path (a 422, nothing written): it is
// never stored as 0 or as a number no column holds. An amount that is absent stays unknown (null), or falls back to
// what the payload does say (a subtotal from the line items, a total from the subtotal).
type Path = Array<string | number>;

function refuse(path: Path, message: string): z.ZodError {
  return new z.ZodError([{ code: "custom", path, message, input: undefined }]);
}

/** An amount at `path` in minor units, null when absent; throws a ZodError naming the path when refused. */
function amountAt(value: unknown, currency: string, path: Path): number | null {
  const r = parseMinorUnits(value, currency);
  if (!r.ok) throw refuse(path, r.problem);
  return r.minor;
}

/** A sum the payload implies (line items), refused like an amount when it is beyond MAX_MINOR_UNITS. */
function boundedSum(minor: number, currency: string, path: Path): number {
  if (Math.abs(minor) > MAX_MINOR_UNITS) throw refuse(path, `amount beyond ${MAX_MINOR_UNITS} minor units of ${currency}`);
  return minor;
}

/** `number_of_orders` (a count as text in Admin API answers): a whole number up to MAX_ORDER_COUNT. */
function orderCountAt(value: string | number, path: Path): number {
  const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_ORDER_COUNT) throw refuse(path, `not a count of orders (0 to ${MAX_ORDER_COUNT})`);
  return n;
}

/** Parse a checkouts/create|update body. Throws a ZodError whose first issue names the bad field. */
export function parseCheckout(body: unknown): CheckoutRecord {
  const p = checkoutFastPath(body) ?? CheckoutPayload.parse(body);
  const currency = (p.presentment_currency || p.currency || "USD").toUpperCase();
  const c = p.customer ?? undefined;
  const phone = normalizePhone(p.phone ?? p.sms_marketing_phone ?? c?.phone ?? p.shipping_address?.phone ?? p.billing_address?.phone);
  const email = normalizeEmail(p.email ?? c?.email);
  const allItems: LineItemRecord[] = p.line_items.map((li, i) => ({
    title: li.title,
    variantTitle: li.variant_title ?? null,
    variantId: li.variant_id ?? null,
    productId: li.product_id ?? null,
    quantity: li.quantity,
    // A line without a price (never in Shopify's documented payloads) shows as free; a bad one refuses the payload.
    priceMinor: amountAt(li.price, currency, ["line_items", i, "price"]) ?? 0,
    imageUrl: li.image_url ?? (typeof li.image === "string" ? li.image : (li.image?.src ?? null)),
    sku: li.sku ?? null,
  }));
  const subtotal =
    amountAt(p.subtotal_price, currency, ["subtotal_price"]) ??
    boundedSum(
      allItems.reduce((s, li) => s + li.priceMinor * li.quantity, 0),
      currency,
      ["line_items"],
    );
  // Bounded: the first STORED_LINE_ITEMS items are kept; lineItemCount is the quantity of all (app/lib/line-items.ts).
  const lineItems = allItems.length > STORED_LINE_ITEMS ? allItems.slice(0, STORED_LINE_ITEMS) : allItems;
  const ordersCount = c?.orders_count ?? (c?.number_of_orders != null ? orderCountAt(c.number_of_orders, ["customer", "number_of_orders"]) : 0);
  const tags = tagsOf(c?.tags);
  const totalMinor = amountAt(p.total_price, currency, ["total_price"]) ?? subtotal;
  const shopCurrency = p.currency ? p.currency.toUpperCase() : null;
  const whatsappState = c?.whats_app_marketing_consent?.state;
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
    lineItemCount: allItems.reduce((s, li) => s + li.quantity, 0),
    currency,
    subtotalMinor: subtotal,
    totalMinor,
    shopCurrency,
    shopTotalMinor: shopCurrency === currency ? totalMinor : null,
    customerTags: tags,
    whatsappConsent: whatsappState == null ? null : whatsappState === "subscribed",
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

// A REST money bag (`*_set`): the amount in the shop's currency and in the shopper's.
const MoneyAmount = z.object({ amount: money, currency_code: text }).nullish();
const MoneyBag = z.object({ shop_money: MoneyAmount, presentment_money: MoneyAmount }).nullish();

export const OrderPayload = z.object({
  id: id,
  name: text,
  checkout_token: text,
  cart_token: text,
  email: text,
  contact_email: text,
  phone: text,
  // REST orders: `currency` and the plain price fields are the shop's; the *_set bags carry both currencies.
  currency: text,
  presentment_currency: text,
  subtotal_price: money,
  total_price: money,
  total_discounts: money,
  subtotal_price_set: MoneyBag,
  total_price_set: MoneyBag,
  total_discounts_set: MoneyBag,
  // `amount` is in the shop's currency ("a unit of the store's currency", REST Order reference).
  discount_codes: z.array(z.object({ code: z.string(), amount: money })).nullish(),
  test: z.boolean().nullish(),
  created_at: isoDate,
  customer: z.object({ id: id.nullish(), email: text, phone: text }).nullish(),
  billing_address: Address,
  shipping_address: Address,
});

export interface OrderRecord {
  orderId: string;
  name: string | null;
  checkoutToken: string | null;
  cartToken: string | null;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  /** customerKeyOf(email, phone): ends the shopper's other sequences. */
  customerKey: string | null;
  /** The shop's currency (shop_money): currency, subtotal, total, discounts (what the merchant's figures add up). */
  currency: string;
  /** The shop's currency as the payload states it (shop_money's code, or `currency`); null when it does not. */
  statedCurrency: string | null;
  subtotalMinor: number;
  totalMinor: number;
  totalDiscountsMinor: number;
  /** What the shopper paid, in their own currency (presentment_money); null amount when the payload does not say. */
  presentmentCurrency: string;
  presentmentTotalMinor: number | null;
  /** The codes used, each with what it took off in shop money (null: the payload does not say, as in Admin API reads). */
  discountCodes: { code: string; amountMinor: number | null }[];
  isTest: boolean;
  shopifyCreatedAt: Date;
}

type Bag = z.output<typeof MoneyBag>;
type Amount = z.output<typeof MoneyAmount>;

/** A bag's side in minor units, when it is there and in the expected currency (a bad amount refuses the payload). */
function amountIn(a: Amount, currency: string, path: Path): number | null {
  if (!a || (a.currency_code && a.currency_code.toUpperCase() !== currency)) return null;
  return amountAt(a.amount, currency, [...path, "amount"]);
}

/** Shop money: the bag's shop side, else the plain field (older payloads without bags: the shop's currency too). */
function shopMinor(bag: Bag, plain: string | number | null | undefined, currency: string, field: string): number | null {
  return amountIn(bag?.shop_money, currency, [`${field}_set`, "shop_money"]) ?? amountAt(plain, currency, [field]);
}

export function parseOrder(body: unknown): OrderRecord {
  const p = OrderPayload.parse(body);
  const statedCurrency = (p.total_price_set?.shop_money?.currency_code || p.currency)?.toUpperCase() || null;
  const currency = statedCurrency ?? "USD";
  const presentmentCurrency = (p.total_price_set?.presentment_money?.currency_code || p.presentment_currency || currency).toUpperCase();
  const subtotal = shopMinor(p.subtotal_price_set, p.subtotal_price, currency, "subtotal_price") ?? 0;
  const total = shopMinor(p.total_price_set, p.total_price, currency, "total_price") ?? subtotal;
  const c = p.customer ?? undefined;
  const email = normalizeEmail(p.email ?? p.contact_email ?? c?.email);
  const phone = normalizePhone(p.phone ?? c?.phone ?? p.shipping_address?.phone ?? p.billing_address?.phone);
  return {
    orderId: p.id,
    name: p.name ?? null,
    checkoutToken: p.checkout_token ?? null,
    cartToken: p.cart_token ?? null,
    customerId: c?.id ?? null,
    email,
    phone,
    customerKey: customerKeyOf(email, phone),
    currency,
    statedCurrency,
    subtotalMinor: subtotal,
    totalMinor: total,
    totalDiscountsMinor: shopMinor(p.total_discounts_set, p.total_discounts, currency, "total_discounts") ?? 0, // absent: none
    presentmentCurrency,
    presentmentTotalMinor:
      amountIn(p.total_price_set?.presentment_money, presentmentCurrency, ["total_price_set", "presentment_money"]) ??
      (presentmentCurrency === currency ? total : null),
    discountCodes: (p.discount_codes ?? []).map((d, i) => ({ code: d.code, amountMinor: amountAt(d.amount, currency, ["discount_codes", i, "amount"]) })),
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
