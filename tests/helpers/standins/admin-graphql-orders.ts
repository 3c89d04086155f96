// The orders and abandonedCheckouts queries of the Admin GraphQL stand-in (API 2026-10), registered on it:
// the documented connection shape (nodes + pageInfo { hasNextPage endCursor }, opaque cursors), the
// `updated_at:>'<iso>'` search filter, orders sorted by UPDATED_AT (abandoned checkouts by ID: that connection has no
// update-time sort key), MoneyBag amounts as decimal strings, gids for ids. The stand-in core adds the cost extension
// and scripted failures (throttled, HTTP errors, network). Tests put orders and checkouts here that "exist in Shopify".
import { z } from "zod";
import type { AbandonedCheckoutNode } from "../../../app/shopify/graphql/abandoned-checkouts-updated-since";
import type { GqlMoneyBag, OrderNode } from "../../../app/shopify/graphql/orders-updated-since";
import type { AdminGraphqlStandin } from "./admin-graphql";

const UPDATED_SINCE = /^updated_at:>'(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))'$/;

const Variables = z
  .object({
    first: z.number().int().min(1).max(250),
    after: z.string().min(1).nullable(),
    query: z.string().regex(UPDATED_SINCE, "updated_at:>'<ISO 8601>'"),
  })
  .strict();

const cursorOf = (i: number) => Buffer.from(JSON.stringify({ last: i })).toString("base64");
const indexOf = (cursor: string | null) => (cursor ? (JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as { last: number }).last + 1 : 0);

function page<T>(list: T[], v: z.infer<typeof Variables>) {
  const start = indexOf(v.after);
  const nodes = list.slice(start, start + v.first);
  const hasNextPage = start + v.first < list.length;
  return { pageInfo: { hasNextPage, endCursor: nodes.length ? cursorOf(start + nodes.length - 1) : null }, nodes };
}

export function moneyBag(amount: string, currency = "USD", presentment?: { amount: string; currency: string }): GqlMoneyBag {
  return {
    shopMoney: { amount, currencyCode: currency },
    presentmentMoney: { amount: presentment?.amount ?? amount, currencyCode: presentment?.currency ?? currency },
  };
}

let seq = 0;

/** An Order node as the orders query answers it. */
export function orderNode(o: {
  checkoutToken?: string | null;
  email?: string | null;
  phone?: string | null;
  createdAt: Date;
  updatedAt?: Date;
  total?: string;
  currency?: string;
  test?: boolean;
  id?: number;
  customerId?: number | null;
}): OrderNode {
  seq += 1;
  const id = o.id ?? 6_100_000_000 + seq;
  const total = o.total ?? "96.00";
  const currency = o.currency ?? "USD";
  return {
    id: `gid://shopify/Order/${id}`,
    name: `#${2000 + seq}`,
    email: o.email === undefined ? `buyer${seq}@example.com` : o.email,
    phone: o.phone ?? null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: (o.updatedAt ?? o.createdAt).toISOString(),
    test: o.test ?? false,
    currencyCode: currency,
    presentmentCurrencyCode: currency,
    checkoutToken: o.checkoutToken ?? null,
    cartToken: null,
    totalPriceSet: moneyBag(total, currency),
    subtotalPriceSet: moneyBag(total, currency),
    totalDiscountsSet: moneyBag("0.00", currency),
    discountCodes: [],
    customer: o.customerId === null ? null : { id: `gid://shopify/Customer/${o.customerId ?? 7_200_000 + seq}` },
  };
}

/** An AbandonedCheckout node; its recovery URL carries the token, as Shopify's do (/checkouts/<token>/recover). */
export function abandonedCheckoutNode(o: {
  token: string;
  shop: string;
  email?: string | null;
  createdAt: Date;
  updatedAt?: Date;
  completedAt?: Date | null;
  total?: string;
}): AbandonedCheckoutNode {
  seq += 1;
  const total = o.total ?? "59.00";
  return {
    id: `gid://shopify/AbandonedCheckout/${30_000 + seq}`,
    abandonedCheckoutUrl: `https://${o.shop}/548380009/checkouts/${o.token}/recover?key=example-secret-token`,
    createdAt: o.createdAt.toISOString(),
    updatedAt: (o.updatedAt ?? o.createdAt).toISOString(),
    completedAt: o.completedAt ? o.completedAt.toISOString() : null,
    discountCodes: [],
    subtotalPriceSet: moneyBag(total),
    totalPriceSet: moneyBag(total),
    customer: {
      id: `gid://shopify/Customer/${8_300_000 + seq}`,
      firstName: "Grace",
      lastName: "Hopper",
      numberOfOrders: "0",
      defaultEmailAddress: { emailAddress: o.email === undefined ? `shopper-ac${seq}@example.com` : o.email, marketingState: "SUBSCRIBED" },
      defaultPhoneNumber: null,
    },
    billingAddress: null,
    shippingAddress: null,
    lineItems: {
      nodes: [
        {
          title: "Linen Shirt",
          variantTitle: "M / Sand",
          quantity: 1,
          sku: "SKU-0",
          variant: { id: "gid://shopify/ProductVariant/4000" },
          product: { id: "gid://shopify/Product/9000" },
          image: null,
          originalUnitPriceSet: moneyBag(total),
        },
      ],
    },
  };
}

export interface OrdersModel {
  /** Per shop domain: what exists in that shop in Shopify. */
  orders: Map<string, OrderNode[]>;
  checkouts: Map<string, AbandonedCheckoutNode[]>;
  addOrder(shop: string, node: OrderNode): void;
  addAbandonedCheckout(shop: string, node: AbandonedCheckoutNode): void;
  clear(): void;
}

/** Registers OrdersUpdatedSince and AbandonedCheckoutsUpdatedSince on the stand-in. */
export function modelOrders(standin: AdminGraphqlStandin): OrdersModel {
  const orders = new Map<string, OrderNode[]>();
  const checkouts = new Map<string, AbandonedCheckoutNode[]>();
  const since = (v: z.infer<typeof Variables>) => Date.parse(UPDATED_SINCE.exec(v.query)![1]);
  standin.register("OrdersUpdatedSince", {
    signature: "query OrdersUpdatedSince($first: Int!, $after: String, $query: String!)",
    variables: Variables,
    answer(variables, shop) {
      const v = Variables.parse(variables);
      const t = since(v);
      const list = (orders.get(shop ?? "") ?? [])
        .filter((o) => Date.parse(o.updatedAt) > t)
        .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id.localeCompare(b.id));
      return { orders: page(list, v) };
    },
  });
  standin.register("AbandonedCheckoutsUpdatedSince", {
    signature: "query AbandonedCheckoutsUpdatedSince($first: Int!, $after: String, $query: String!)",
    variables: Variables,
    answer(variables, shop) {
      const v = Variables.parse(variables);
      const t = since(v);
      const list = (checkouts.get(shop ?? "") ?? []).filter((c) => Date.parse(c.updatedAt) > t).sort((a, b) => a.id.localeCompare(b.id));
      return { abandonedCheckouts: page(list, v) };
    },
  });
  return {
    orders,
    checkouts,
    addOrder(shop, node) {
      orders.set(shop, [...(orders.get(shop) ?? []), node]);
    },
    addAbandonedCheckout(shop, node) {
      checkouts.set(shop, [...(checkouts.get(shop) ?? []), node]);
    },
    clear() {
      orders.clear();
      checkouts.clear();
    },
  };
}
