// A named Admin GraphQL operation: the document, its operation name, and the types of its variables and data.
// The name is what the transport logs and what the local stand-in in tests dispatches on.
export interface GraphqlOperation<TVariables, TData> {
  readonly name: string;
  readonly query: string;
  /** Phantom fields carrying the types; never set at runtime. */
  readonly __variables?: TVariables;
  readonly __data?: TData;
}

export interface DiscountUserError {
  field: string[] | null;
  code: string | null;
  message: string;
}

/** DiscountCombinesWithInput (Admin API 2026-10). */
export interface DiscountCombinesWithInput {
  orderDiscounts?: boolean;
  productDiscounts?: boolean;
  shippingDiscounts?: boolean;
}

/** DiscountMinimumRequirementInput, subtotal form. Decimal as a string ("50.00"). */
export interface DiscountMinimumRequirementInput {
  subtotal: { greaterThanOrEqualToSubtotal: string };
}

/** DiscountContextInput: who may use the code. A unique one-time code goes to everyone who holds it. */
export interface DiscountContextInput {
  all: "ALL";
}

/** The fields every code discount we create carries. */
export interface CodeDiscountCommonInput {
  title: string;
  code: string;
  startsAt: string; // ISO 8601 DateTime
  endsAt: string;
  usageLimit: number;
  appliesOncePerCustomer: boolean;
  context: DiscountContextInput;
  combinesWith: DiscountCombinesWithInput;
  minimumRequirement?: DiscountMinimumRequirementInput | null;
}

export interface CodeDiscountCreated {
  codeDiscountNode: { id: string } | null;
  userErrors: DiscountUserError[];
}
