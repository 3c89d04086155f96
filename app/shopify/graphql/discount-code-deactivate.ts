// discountCodeDeactivate (Admin API 2026-10, write_discounts): stops a code from being redeemed, keeps its history.
import type { DiscountUserError, GraphqlOperation } from "./operation";

export interface DiscountCodeDeactivateVariables {
  id: string; // gid://shopify/DiscountCodeNode/<n>
}

export interface DiscountCodeDeactivateData {
  discountCodeDeactivate: {
    codeDiscountNode: { id: string; codeDiscount: { status?: string | null } | null } | null;
    userErrors: DiscountUserError[];
  } | null;
}

export const DiscountCodeDeactivate: GraphqlOperation<DiscountCodeDeactivateVariables, DiscountCodeDeactivateData> = {
  name: "DiscountCodeDeactivate",
  query: `#graphql
mutation DiscountCodeDeactivate($id: ID!) {
  discountCodeDeactivate(id: $id) {
    codeDiscountNode {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          status
        }
        ... on DiscountCodeFreeShipping {
          status
        }
      }
    }
    userErrors {
      field
      code
      message
    }
  }
}`,
};
