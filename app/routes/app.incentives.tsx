// Incentives: what code a checkout gets, on which step, who qualifies; and what the codes did.
// The loader and action are scoped to the session's shop. The action merges the form into the shop's settings
// document and validates the whole document (app/lib/settings.ts); when anything is invalid nothing is saved and
// every error is shown at its field.
import { merchantCurrency } from "../lib/shop-view";
import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineGrid,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { describeIncentive, minorToDecimal } from "../incentives/rules";
import { getIncentivesPage } from "../incentives/service.server";
import { formatMoney, toMinorUnits } from "../lib/money";
import { validateSettings, type Settings } from "../lib/settings";
import { saveShopSettings } from "../models/shops.server";
import { adminContext } from "../shopify/admin-context.server";

const DEFAULT_INCENTIVE_STEP = "s3"; // the 4-hour "Second attempt"

type Field = "type" | "percentOff" | "amountOff" | "stepId" | "minSubtotal" | "expiryHours" | "codePrefix" | "notTwiceWithinDays" | "minCartValue";
type FieldErrors = Partial<Record<Field | "form", string>>;

/** Which step carries the incentive: the one marked, else the 4 h step, else the first. */
function carryingStep(settings: Settings): string {
  const steps = settings.cadence.steps;
  return steps.find((s) => s.carriesIncentive)?.id ?? steps.find((s) => s.id === DEFAULT_INCENTIVE_STEP)?.id ?? steps[0]?.id ?? "";
}

function formValues(settings: Settings, currency: string) {
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

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopRecord } = await adminContext(request);
  const settings = shopRecord.parsedSettings;
  const currency = merchantCurrency(shopRecord);
  const { stats, recent } = await getIncentivesPage({ shop });
  return json({
    shop,
    currency,
    values: formValues(settings, currency),
    steps: settings.cadence.steps.map((s) => ({ id: s.id, label: s.label, offsetMinutes: s.offsetMinutes, enabled: s.enabled })),
    stats: {
      issued: stats.issued,
      used: stats.used,
      expired: stats.expired,
      failed: stats.failed,
      active: stats.active,
      useRate: stats.useRate,
      discountCost: formatMoney(stats.discountCostMinor, currency),
      discountCostMinor: stats.discountCostMinor,
      recoveredWith: { count: stats.recoveredWithIncentive.count, revenue: formatMoney(stats.recoveredWithIncentive.revenueMinor, currency) },
      recoveredWithout: { count: stats.recoveredWithoutIncentive.count, revenue: formatMoney(stats.recoveredWithoutIncentive.revenueMinor, currency) },
    },
    recent: recent.map((r) => ({
      id: r.id,
      code: r.code,
      source: r.source,
      description: describeIncentive(r),
      status: r.status,
      error: r.error,
      createdAt: r.createdAt.toISOString(),
      endsAt: r.endsAt.toISOString(),
      usedOrderId: r.usedOrderId,
      discount: r.discountMinor != null ? formatMoney(r.discountMinor, currency) : null,
    })),
  });
};

const WHOLE = /^\d{1,9}$/;

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, shopRecord, staff } = await adminContext(request);
  const form = await request.formData();
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const flag = (name: string) => form.get(name) === "on" || form.get(name) === "true";
  const currency = merchantCurrency(shopRecord);
  const current = shopRecord.parsedSettings;
  const errors: FieldErrors = {};

  const whole = (name: Field) => {
    const v = text(name);
    if (!WHOLE.test(v)) {
      errors[name] = "enter a whole number";
      return Number.NaN;
    }
    return Number(v);
  };
  const money = (name: Field) => {
    const v = toMinorUnits(text(name), currency);
    if (v === null || v < 0) {
      errors[name] = `enter an amount like ${minorToDecimal(500, currency)}`;
      return Number.NaN;
    }
    return v;
  };

  const stepId = text("stepId");
  const step = current.cadence.steps.find((s) => s.id === stepId);
  if (!step) errors.stepId = "pick a step of your cadence";
  else if (!step.enabled) errors.stepId = "this step is turned off in Settings";

  const incentive = {
    ...current.incentive,
    enabled: flag("enabled"),
    type: text("type"),
    percentOff: whole("percentOff"),
    amountOffMinor: money("amountOff"),
    minSubtotalMinor: money("minSubtotal"),
    expiryHours: whole("expiryHours"),
    codePrefix: text("codePrefix").toUpperCase(),
    notTwiceWithinDays: whole("notTwiceWithinDays"),
    skipIfCartHasDiscount: flag("skipIfCartHasDiscount"),
    minCartValueMinor: money("minCartValue"),
    combinesWith: { orderDiscounts: flag("combinesOrder"), productDiscounts: flag("combinesProduct"), shippingDiscounts: flag("combinesShipping") },
  };
  const merged = {
    ...current,
    incentive,
    cadence: { ...current.cadence, steps: current.cadence.steps.map((s) => ({ ...s, carriesIncentive: s.id === stepId })) },
  };
  const result = validateSettings(merged);
  if (!result.ok) {
    const byField: Record<string, Field> = {
      "incentive.type": "type",
      "incentive.percentOff": "percentOff",
      "incentive.amountOffMinor": "amountOff",
      "incentive.minSubtotalMinor": "minSubtotal",
      "incentive.expiryHours": "expiryHours",
      "incentive.codePrefix": "codePrefix",
      "incentive.notTwiceWithinDays": "notTwiceWithinDays",
      "incentive.minCartValueMinor": "minCartValue",
    };
    for (const [path, message] of Object.entries(result.errors)) {
      const field = byField[path] ?? (path.startsWith("cadence.") ? "stepId" : undefined);
      if (field) errors[field] ??= message;
      else errors.form ??= `${path}: ${message}`;
    }
  }
  if (Object.keys(errors).length > 0 || !result.ok) {
    return json({ ok: false as const, errors }, { status: 422 });
  }
  await saveShopSettings({ domain: shop, settings: result.settings, actor: `staff:${staff}` });
  return json({ ok: true as const, errors: {} as FieldErrors });
};

const TYPE_OPTIONS = [
  { label: "Percentage off", value: "percentage" },
  { label: "Fixed amount off", value: "fixed_amount" },
  { label: "Free shipping", value: "free_shipping" },
];

function offsetLabel(minutes: number) {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

const STATUS_TONE: Record<string, "success" | "info" | "attention" | "critical" | undefined> = {
  active: "info",
  used: "success",
  pending: "attention",
  failed: "critical",
};

export default function IncentivesPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [v, setV] = useState<IncentiveFormValues>(data.values);
  const set = <K extends keyof IncentiveFormValues>(key: K) => (value: IncentiveFormValues[K]) => setV((prev) => ({ ...prev, [key]: value }));
  const errors: FieldErrors = actionData && !actionData.ok ? actionData.errors : {};
  const saving = navigation.state === "submitting";
  const saved = navigation.state === "idle" && actionData?.ok === true;

  const stepOptions = data.steps.map((s) => ({
    label: `${s.label} (${offsetLabel(s.offsetMinutes)})${s.enabled ? "" : " - off"}`,
    value: s.id,
  }));
  const rows = data.recent.map((r) => [
    r.code,
    r.description,
    r.source === "manual" ? "Manual" : "Automatic",
    <Badge key={r.id} tone={STATUS_TONE[r.status]}>
      {r.status}
    </Badge>,
    new Date(r.createdAt).toLocaleString(),
    new Date(r.endsAt).toLocaleString(),
    r.discount ?? (r.error ? r.error.slice(0, 60) : "-"),
  ]);

  return (
    <Page title="Incentives">
      <TitleBar title="Incentives" />
      <BlockStack gap="500">
        {saved ? (
          <Banner tone="success" title="Incentive settings saved" />
        ) : null}
        {Object.keys(errors).length > 0 ? (
          <Banner tone="critical" title="Nothing was saved: fix the fields marked below">
            {errors.form ? <p>{errors.form}</p> : null}
          </Banner>
        ) : null}

        <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm">
                Codes issued
              </Text>
              <Text as="p" variant="heading2xl" id="stat-issued">
                {data.stats.issued}
              </Text>
              <Text as="p" tone="subdued">
                {data.stats.active} active, {data.stats.failed} failed
              </Text>
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm">
                Used
              </Text>
              <Text as="p" variant="heading2xl" id="stat-used">
                {data.stats.used}
              </Text>
              <Text as="p" tone="subdued">
                {Math.round(data.stats.useRate * 100)}% of issued
              </Text>
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm">
                Expired unused
              </Text>
              <Text as="p" variant="heading2xl" id="stat-expired">
                {data.stats.expired}
              </Text>
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm">
                Discount cost vs recovered
              </Text>
              <Text as="p" variant="headingLg" id="stat-cost">
                {data.stats.discountCost}
              </Text>
              <Text as="p" tone="subdued">
                With a code: {data.stats.recoveredWith.revenue} ({data.stats.recoveredWith.count}). Without:{" "}
                {data.stats.recoveredWithout.revenue} ({data.stats.recoveredWithout.count}).
              </Text>
            </BlockStack>
          </Card>
        </InlineGrid>

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
                      <TextField label="Percent off" name="percentOff" type="number" suffix="%" value={v.percentOff} onChange={set("percentOff")} error={errors.percentOff} autoComplete="off" />
                    ) : (
                      <input type="hidden" name="percentOff" value={v.percentOff} />
                    )}
                    {v.type === "fixed_amount" ? (
                      <TextField label={`Amount off (${data.currency})`} name="amountOff" value={v.amountOff} onChange={set("amountOff")} error={errors.amountOff} autoComplete="off" />
                    ) : (
                      <input type="hidden" name="amountOff" value={v.amountOff} />
                    )}
                  </FormLayout.Group>
                  <Select label="Step that carries it" name="stepId" options={stepOptions} value={v.stepId} onChange={set("stepId")} error={errors.stepId} />
                  <FormLayout.Group>
                    <TextField
                      label={`Minimum subtotal (${data.currency})`}
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
                    label={`Only for carts worth at least (${data.currency})`}
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

        <Card padding="0">
          <BlockStack gap="200">
            <div style={{ padding: "16px 16px 0" }}>
              <Text as="h2" variant="headingMd">
                Recent codes
              </Text>
            </div>
            {rows.length === 0 ? (
              <div style={{ padding: "0 16px 16px" }}>
                <Text as="p" tone="subdued">
                  No codes yet. They appear here as steps carrying the incentive go out, or when staff give one from the pipeline.
                </Text>
              </div>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text", "text", "text", "text"]}
                headings={["Code", "Offer", "Source", "Status", "Issued", "Expires", "Saved / error"]}
                rows={rows}
              />
            )}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
