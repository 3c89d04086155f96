// Incentives > The code: the incentive's settings as a form posted to the page's action, each error at its field.
import { useState } from "react";
import { Form } from "@remix-run/react";
import { Button, Card, Checkbox, FormLayout, Layout, Select, Text, TextField } from "@shopify/polaris";
import type { IncentiveFieldErrors, IncentiveFormValues } from "../../incentives/form";

const TYPE_OPTIONS = [
  { label: "Percentage off", value: "percentage" },
  { label: "Fixed amount off", value: "fixed_amount" },
  { label: "Free shipping", value: "free_shipping" },
];

function offsetLabel(minutes: number) {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

export interface CadenceStepOption {
  id: string;
  label: string;
  offsetMinutes: number;
  enabled: boolean;
}

export function IncentiveForm(props: {
  values: IncentiveFormValues;
  steps: CadenceStepOption[];
  currency: string;
  errors: IncentiveFieldErrors;
  saving: boolean;
}) {
  const { errors, saving } = props;
  const [v, setV] = useState<IncentiveFormValues>(props.values);
  const set =
    <K extends keyof IncentiveFormValues>(key: K) =>
    (value: IncentiveFormValues[K]) =>
      setV((prev) => ({ ...prev, [key]: value }));
  const stepOptions = props.steps.map((s) => ({
    label: `${s.label} (${offsetLabel(s.offsetMinutes)})${s.enabled ? "" : " - off"}`,
    value: s.id,
  }));
  return (
    <Layout>
      <Layout.AnnotatedSection
        title="The code"
        description="A unique code for one checkout: usable once, by one customer, until it expires. It is applied when the shopper follows the link in the message."
      >
        <Form method="post" id="incentive-form">
          <Card>
            <FormLayout>
              <Checkbox label="Send an incentive" name="enabled" value="on" checked={v.enabled} onChange={set("enabled")} />
              <Select label="Type" name="type" options={TYPE_OPTIONS} value={v.type} onChange={set("type")} error={errors.type} />
              <FormLayout.Group>
                {v.type === "percentage" ? (
                  <TextField
                    label="Percent off"
                    name="percentOff"
                    type="number"
                    suffix="%"
                    value={v.percentOff}
                    onChange={set("percentOff")}
                    error={errors.percentOff}
                    autoComplete="off"
                  />
                ) : (
                  <input type="hidden" name="percentOff" value={v.percentOff} />
                )}
                {v.type === "fixed_amount" ? (
                  <TextField
                    label={`Amount off (${props.currency})`}
                    name="amountOff"
                    value={v.amountOff}
                    onChange={set("amountOff")}
                    error={errors.amountOff}
                    autoComplete="off"
                  />
                ) : (
                  <input type="hidden" name="amountOff" value={v.amountOff} />
                )}
              </FormLayout.Group>
              <Select label="Step that carries it" name="stepId" options={stepOptions} value={v.stepId} onChange={set("stepId")} error={errors.stepId} />
              <FormLayout.Group>
                <TextField
                  label={`Minimum subtotal (${props.currency})`}
                  name="minSubtotal"
                  value={v.minSubtotal}
                  onChange={set("minSubtotal")}
                  error={errors.minSubtotal}
                  helpText="The code only applies from this subtotal; 0 for none."
                  autoComplete="off"
                />
                <TextField
                  label="Expires after (hours)"
                  name="expiryHours"
                  type="number"
                  value={v.expiryHours}
                  onChange={set("expiryHours")}
                  error={errors.expiryHours}
                  helpText="Counted from the moment the message is sent."
                  autoComplete="off"
                />
              </FormLayout.Group>
              <TextField
                label="Code prefix"
                name="codePrefix"
                value={v.codePrefix}
                onChange={(value) => set("codePrefix")(value.toUpperCase())}
                error={errors.codePrefix}
                helpText="A-Z, 0-9 and -, up to 12. A random part is added to every code."
                autoComplete="off"
              />
              <Text as="h3" variant="headingSm">
                Who qualifies
              </Text>
              <TextField
                label="Not twice to the same customer within (days)"
                name="notTwiceWithinDays"
                type="number"
                value={v.notTwiceWithinDays}
                onChange={set("notTwiceWithinDays")}
                error={errors.notTwiceWithinDays}
                helpText="0 allows a code on every abandoned checkout."
                autoComplete="off"
              />
              <Checkbox
                label="Not on carts that already use a discount code"
                name="skipIfCartHasDiscount"
                value="on"
                checked={v.skipIfCartHasDiscount}
                onChange={set("skipIfCartHasDiscount")}
              />
              <TextField
                label={`Only for carts worth at least (${props.currency})`}
                name="minCartValue"
                value={v.minCartValue}
                onChange={set("minCartValue")}
                error={errors.minCartValue}
                autoComplete="off"
              />
              <Text as="h3" variant="headingSm">
                Combines with
              </Text>
              <Checkbox label="Order discounts" name="combinesOrder" value="on" checked={v.combinesOrder} onChange={set("combinesOrder")} />
              <Checkbox label="Product discounts" name="combinesProduct" value="on" checked={v.combinesProduct} onChange={set("combinesProduct")} />
              <Checkbox
                label="Shipping discounts"
                name="combinesShipping"
                value="on"
                checked={v.combinesShipping}
                onChange={set("combinesShipping")}
                helpText={v.type === "free_shipping" ? "A free-shipping code never combines with another shipping discount." : undefined}
              />
              <Button submit variant="primary" loading={saving}>
                Save
              </Button>
            </FormLayout>
          </Card>
        </Form>
      </Layout.AnnotatedSection>
    </Layout>
  );
}
