// discountCodeFreeShippingCreate (Admin API 2026-10, write_discounts): a free-shipping code to every destination.
import type { CodeDiscountCommonInput, CodeDiscountCreated, GraphqlOperation } from "./operation";

export interface DiscountCodeFreeShippingInput extends CodeDiscountCommonInput {
  destination: { all: true };
}

export interface DiscountCodeFreeShippingCreateVariables {
  freeShippingCodeDiscount: DiscountCodeFreeShippingInput;
}

export interface DiscountCodeFreeShippingCreateData {
  discountCodeFreeShippingCreate: CodeDiscountCreated | null;
}

export const DiscountCodeFreeShippingCreate: GraphqlOperation<DiscountCodeFreeShippingCreateVariables, DiscountCodeFreeShippingCreateData> = {
  name: "DiscountCodeFreeShippingCreate",
  query: `#graphql
mutation DiscountCodeFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!) {
  discountCodeFreeShippingCreate(freeShippingCodeDiscount: $freeShippingCodeDiscount) {
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
