// codeDiscountNodeByCode (Admin API 2026-10; read_discounts, which write_discounts includes): find a code discount by its code. Used after a create
// whose response was lost (network failure, then a retry answered "code already taken"): the code is ours and
// unguessable, so the discount found is the one our first attempt made.
import type { GraphqlOperation } from "./operation";

export interface CodeDiscountNodeByCodeVariables {
  code: string;
}

export interface CodeDiscountNodeByCodeData {
  codeDiscountNodeByCode: { id: string } | null;
}

export const CodeDiscountNodeByCode: GraphqlOperation<CodeDiscountNodeByCodeVariables, CodeDiscountNodeByCodeData> = {
  name: "CodeDiscountNodeByCode",
  query: `#graphql
query CodeDiscountNodeByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) {
    id
  }
}`,
};
