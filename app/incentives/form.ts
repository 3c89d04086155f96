// The Incentives page's form: the values it starts from (the shop's settings, money in the shop's currency as
// typed), its field names, and which field a settings validation error belongs to. No I/O.
import type { Settings } from "../lib/settings";
import { minorToDecimal } from "./rules";

const DEFAULT_INCENTIVE_STEP = "s3"; // the 4-hour "Second attempt"

export type IncentiveField =
  "type" | "percentOff" | "amountOff" | "stepId" | "minSubtotal" | "expiryHours" | "codePrefix" | "notTwiceWithinDays" | "minCartValue";
export type IncentiveFieldErrors = Partial<Record<IncentiveField | "form", string>>;

/** Which step carries the incentive: the one marked, else the 4 h step, else the first. */
export function carryingStep(settings: Settings): string {
  const steps = settings.cadence.steps;
  return steps.find((s) => s.carriesIncentive)?.id ?? steps.find((s) => s.id === DEFAULT_INCENTIVE_STEP)?.id ?? steps[0]?.id ?? "";
}

export function formValues(settings: Settings, currency: string) {
  const inc = settings.incentive;
  return {
    enabled: inc.enabled,
    type: inc.type as string,
    percentOff: String(inc.percentOff),
    amountOff: minorToDecimal(inc.amountOffMinor, currency),
    stepId: carryingStep(settings),
    minSubtotal: minorToDecimal(inc.minSubtotalMinor, currency),
    expiryHours: String(inc.expiryHours),
    codePrefix: inc.codePrefix,
    notTwiceWithinDays: String(inc.notTwiceWithinDays),
    skipIfCartHasDiscount: inc.skipIfCartHasDiscount,
    minCartValue: minorToDecimal(inc.minCartValueMinor, currency),
    combinesOrder: inc.combinesWith.orderDiscounts,
    combinesProduct: inc.combinesWith.productDiscounts,
    combinesShipping: inc.combinesWith.shippingDiscounts,
  };
}
export type IncentiveFormValues = ReturnType<typeof formValues>;

/** The form field a settings validation error (by its path in the document) is shown at. */
export const FIELD_OF_SETTINGS_PATH: Record<string, IncentiveField> = {
  "incentive.type": "type",
  "incentive.percentOff": "percentOff",
  "incentive.amountOffMinor": "amountOff",
  "incentive.minSubtotalMinor": "minSubtotal",
  "incentive.expiryHours": "expiryHours",
  "incentive.codePrefix": "codePrefix",
  "incentive.notTwiceWithinDays": "notTwiceWithinDays",
  "incentive.minCartValueMinor": "minCartValue",
};
