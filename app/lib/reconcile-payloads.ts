// Reconciliation: Admin GraphQL answers (orders, abandonedCheckouts) restated as the REST webhook payloads Shopify
// sends for orders/create and checkouts/*, so they go through the same parsers and ingest code as webhooks.
// Pure: no Prisma, no Remix, no Shopify client.
//   - ids: GraphQL gives gids (gid://shopify/Order/450789469), webhooks numeric ids (450789469); the numeric id is kept
//     so an order seen both ways is one order (Order is unique per shop and order id).
//   - money: REST flat fields (total_price, subtotal_price, total_discounts) are the shop's money for orders and the
//     shopper's (presentment) money for checkouts; the *_set bags carry both, as in the webhook payloads.
//   - abandoned checkouts have no token field: it is read from abandonedCheckoutUrl (/checkouts/<token>/recover).
import type { AbandonedCheckoutNode } from "../shopify/graphql/abandoned-checkouts-updated-since";
import type { GqlMoneyBag, OrderNode } from "../shopify/graphql/orders-updated-since";

/** The numeric tail of a gid ("gid://shopify/Order/12" -> "12"); anything else unchanged. */
export function legacyId(gid: string): string {
  const m = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)(?:\?.*)?$/.exec(gid);
  return m ? m[1] : gid;
}

function numericOr(gid: string): number | string {
  const id = legacyId(gid);
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

function restBag(bag: GqlMoneyBag | null | undefined) {
  if (!bag) return null;
  return {
    shop_money: { amount: bag.shopMoney.amount, currency_code: bag.shopMoney.currencyCode },
    presentment_money: { amount: bag.presentmentMoney.amount, currency_code: bag.presentmentMoney.currencyCode },
  };
}

/** An orders query node as the orders/create webhook body (REST Order). */
export function orderNodeToPayload(node: OrderNode) {
  return {
    id: numericOr(node.id),
    admin_graphql_api_id: node.id,
    name: node.name,
    email: node.email,
    phone: node.phone,
    checkout_token: node.checkoutToken,
    cart_token: node.cartToken,
    currency: node.currencyCode,
    presentment_currency: node.presentmentCurrencyCode,
    total_price: node.totalPriceSet.shopMoney.amount,
    subtotal_price: node.subtotalPriceSet?.shopMoney.amount ?? null,
    total_discounts: node.totalDiscountsSet?.shopMoney.amount ?? null,
    total_price_set: restBag(node.totalPriceSet),
    subtotal_price_set: restBag(node.subtotalPriceSet),
    total_discounts_set: restBag(node.totalDiscountsSet),
    // GraphQL gives the codes only; the amounts stay unknown (null) rather than invented.
    discount_codes: node.discountCodes.map((code) => ({ code, amount: null, type: null })),
    test: node.test,
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    customer: node.customer ? { id: numericOr(node.customer.id), admin_graphql_api_id: node.customer.id } : null,
  };
}

/** The checkout token in an abandoned checkout URL, or null when the URL does not carry one. */
export function checkoutTokenFromUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const m = /\/checkouts\/(?:[a-z]{1,3}\/)?([A-Za-z0-9_-]+)\/recover\/?$/.exec(path);
  return m ? m[1] : null;
}

const SUBSCRIBED = "SUBSCRIBED";

/** An abandonedCheckouts node as the checkouts/create|update webhook body (REST Checkout); null without a token. */
export function abandonedCheckoutNodeToPayload(node: AbandonedCheckoutNode) {
  const token = checkoutTokenFromUrl(node.abandonedCheckoutUrl);
  if (!token) return null;
  const c = node.customer;
  const email = c?.defaultEmailAddress?.emailAddress ?? null;
  const phone = c?.defaultPhoneNumber?.phoneNumber ?? null;
  const address = (a: AbandonedCheckoutNode["billingAddress"]) =>
    a ? { first_name: a.firstName, last_name: a.lastName, phone: a.phone, country_code: a.countryCodeV2 } : null;
  return {
    token,
    cart_token: null,
    email,
    phone,
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    completed_at: node.completedAt,
    currency: node.totalPriceSet.shopMoney.currencyCode,
    presentment_currency: node.totalPriceSet.presentmentMoney.currencyCode,
    buyer_accepts_marketing: c?.defaultEmailAddress?.marketingState === SUBSCRIBED,
    buyer_accepts_sms_marketing: c?.defaultPhoneNumber?.marketingState === SUBSCRIBED,
    subtotal_price: node.subtotalPriceSet.presentmentMoney.amount,
    total_price: node.totalPriceSet.presentmentMoney.amount,
    subtotal_price_set: restBag(node.subtotalPriceSet),
    total_price_set: restBag(node.totalPriceSet),
    discount_codes: node.discountCodes.map((code) => ({ code })),
    abandoned_checkout_url: node.abandonedCheckoutUrl,
    line_items: node.lineItems.nodes.map((li) => ({
      title: li.title,
      variant_title: li.variantTitle,
      variant_id: li.variant ? numericOr(li.variant.id) : null,
      product_id: li.product ? numericOr(li.product.id) : null,
      quantity: li.quantity,
      price: li.originalUnitPriceSet.presentmentMoney.amount,
      sku: li.sku,
      image_url: li.image?.url ?? null,
    })),
    customer: c
      ? {
          id: numericOr(c.id),
          email,
          phone,
          first_name: c.firstName,
          last_name: c.lastName,
          number_of_orders: c.numberOfOrders,
          email_marketing_consent: c.defaultEmailAddress ? { state: (c.defaultEmailAddress.marketingState ?? "").toLowerCase() || null } : null,
          sms_marketing_consent: c.defaultPhoneNumber ? { state: (c.defaultPhoneNumber.marketingState ?? "").toLowerCase() || null } : null,
        }
      : null,
    billing_address: address(node.billingAddress),
    shipping_address: address(node.shippingAddress),
  };
}

/** The ledger event id of a record found by reconciliation: stable, so reading it again is recognised as a repeat. */
export function reconcileEventId(kind: "order" | "checkout", shop: string, id: string, updatedAt?: string): string {
  return updatedAt ? `reconcile:${kind}:${shop}:${id}:${Date.parse(updatedAt)}` : `reconcile:${kind}:${shop}:${id}`;
}

/** Shopify search syntax for "updated after": updated_at:>'2026-11-20T10:00:00Z'. */
export function updatedSinceQuery(since: Date): string {
  return `updated_at:>'${since.toISOString().replace(/\.\d{3}Z$/, "Z")}'`;
}
