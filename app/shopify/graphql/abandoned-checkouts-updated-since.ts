// abandonedCheckouts (Admin API 2026-10, read_orders + the manage_abandoned_checkouts permission): checkouts updated
// since a time, for reconciliation of lost checkouts/* webhooks. AbandonedCheckoutSortKeys has no UPDATED_AT, so the
// list is read in ID order and the sync time only moves once every page was read. AbandonedCheckout has no token
// field: the token is the path segment of abandonedCheckoutUrl (/checkouts/<token>/recover); a URL without one is
// skipped (app/lib/reconcile-payloads.ts). Customer email/phone through defaultEmailAddress / defaultPhoneNumber.
import { MONEY_BAG, type GqlMoney, type GqlMoneyBag, type PageInfo } from "./orders-updated-since";
import type { GraphqlOperation } from "./operation";

export interface AbandonedCheckoutsUpdatedSinceVariables {
  first: number;
  after: string | null;
  query: string;
}

export interface AbandonedCheckoutLineNode {
  title: string;
  variantTitle: string | null;
  quantity: number;
  sku: string | null;
  variant: { id: string } | null;
  product: { id: string } | null;
  image: { url: string } | null;
  originalUnitPriceSet: GqlMoneyBag;
}

export interface AbandonedCheckoutNode {
  id: string;
  abandonedCheckoutUrl: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  discountCodes: string[];
  subtotalPriceSet: GqlMoneyBag;
  totalPriceSet: GqlMoneyBag;
  customer: {
    id: string;
    firstName: string | null;
    lastName: string | null;
    numberOfOrders: string | number | null;
    defaultEmailAddress: { emailAddress: string | null; marketingState: string | null } | null;
    defaultPhoneNumber: { phoneNumber: string | null; marketingState: string | null } | null;
  } | null;
  billingAddress: { firstName: string | null; lastName: string | null; phone: string | null; countryCodeV2: string | null } | null;
  shippingAddress: { firstName: string | null; lastName: string | null; phone: string | null; countryCodeV2: string | null } | null;
  lineItems: { nodes: AbandonedCheckoutLineNode[] };
}

export interface AbandonedCheckoutsUpdatedSinceData {
  abandonedCheckouts: { pageInfo: PageInfo; nodes: AbandonedCheckoutNode[] };
}

export type { GqlMoney };

const ADDRESS = "firstName lastName phone countryCodeV2";

export const AbandonedCheckoutsUpdatedSince: GraphqlOperation<AbandonedCheckoutsUpdatedSinceVariables, AbandonedCheckoutsUpdatedSinceData> = {
  name: "AbandonedCheckoutsUpdatedSince",
  query: `#graphql
query AbandonedCheckoutsUpdatedSince($first: Int!, $after: String, $query: String!) {
  abandonedCheckouts(first: $first, after: $after, query: $query, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      abandonedCheckoutUrl
      createdAt
      updatedAt
      completedAt
      discountCodes
      subtotalPriceSet { ${MONEY_BAG} }
      totalPriceSet { ${MONEY_BAG} }
      customer {
        id
        firstName
        lastName
        numberOfOrders
        defaultEmailAddress { emailAddress marketingState }
        defaultPhoneNumber { phoneNumber marketingState }
      }
      billingAddress { ${ADDRESS} }
      shippingAddress { ${ADDRESS} }
      lineItems(first: 50) {
        nodes {
          title
          variantTitle
          quantity
          sku
          variant { id }
          product { id }
          image { url }
          originalUnitPriceSet { ${MONEY_BAG} }
        }
      }
    }
  }
}`,
};
