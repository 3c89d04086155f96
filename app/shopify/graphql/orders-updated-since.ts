// orders (Admin API 2026-10, read_orders): orders updated since a time, oldest update first, for reconciliation
// (webhooks can be late or lost). `checkoutToken` and `cartToken` are on Order since 2026-07 (changelog "New
// checkoutToken field added to the Order object"): the same values as the REST/webhook checkout_token and cart_token.
// Money bags carry the shop's money and the shopper's (presentment) money. Order.discountCodes is a list of strings
// (no amounts: an incentive used on a reconciled order is marked used with a discount of 0 until its webhook comes).
import type { GraphqlOperation } from "./operation";

export interface OrdersUpdatedSinceVariables {
  first: number;
  after: string | null;
  /** Shopify search syntax, e.g. updated_at:>'2026-11-20T10:00:00Z' */
  query: string;
}

export interface GqlMoney {
  amount: string;
  currencyCode: string;
}

export interface GqlMoneyBag {
  shopMoney: GqlMoney;
  presentmentMoney: GqlMoney;
}

export interface OrderNode {
  id: string; // gid://shopify/Order/<n>
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  test: boolean;
  currencyCode: string;
  presentmentCurrencyCode: string;
  checkoutToken: string | null;
  cartToken: string | null;
  totalPriceSet: GqlMoneyBag;
  subtotalPriceSet: GqlMoneyBag | null;
  totalDiscountsSet: GqlMoneyBag | null;
  discountCodes: string[];
  customer: { id: string } | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface OrdersUpdatedSinceData {
  orders: { pageInfo: PageInfo; nodes: OrderNode[] };
}

/** A MoneyBag's selection: both the shop's money and the shopper's. */
export const MONEY_BAG = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }";

export const OrdersUpdatedSince: GraphqlOperation<OrdersUpdatedSinceVariables, OrdersUpdatedSinceData> = {
  name: "OrdersUpdatedSince",
  query: `#graphql
query OrdersUpdatedSince($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      name
      email
      phone
      createdAt
      updatedAt
      test
      currencyCode
      presentmentCurrencyCode
      checkoutToken
      cartToken
      totalPriceSet { ${MONEY_BAG} }
      subtotalPriceSet { ${MONEY_BAG} }
      totalDiscountsSet { ${MONEY_BAG} }
      discountCodes
      customer { id }
    }
  }
}`,
};
