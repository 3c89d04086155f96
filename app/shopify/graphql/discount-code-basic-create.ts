// discountCodeBasicCreate (Admin API 2026-10, write_discounts): an amount-off code, a percentage or a fixed amount
// off every item in the order. Used for percentage and fixed-amount incentives.
import type { CodeDiscountCommonInput, CodeDiscountCreated, GraphqlOperation } from "./operation";

export interface DiscountCodeBasicInput extends CodeDiscountCommonInput {
  customerGets: {
    items: { all: true };
    /** Exactly one of: `percentage` (0.0-1.0) or `discountAmount` (Decimal string, split across the items). */
    value: { percentage: number } | { discountAmount: { amount: string; appliesOnEachItem: false } };
  };
}

export interface DiscountCodeBasicCreateVariables {
  basicCodeDiscount: DiscountCodeBasicInput;
}

export interface DiscountCodeBasicCreateData {
  discountCodeBasicCreate: CodeDiscountCreated | null;
}

export const DiscountCodeBasicCreate: GraphqlOperation<DiscountCodeBasicCreateVariables, DiscountCodeBasicCreateData> = {
  name: "DiscountCodeBasicCreate",
  query: `#graphql
mutation DiscountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
    codeDiscountNode {
      id
    }
    userErrors {
      field
      code
      message
    }
  }
}`,
};
