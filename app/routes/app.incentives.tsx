// Incentives: what code a checkout gets, on which step, who qualifies; and what the codes did.
// The loader and action are scoped to the session's shop. The action merges the form into the shop's settings
// document and validates the whole document (app/lib/settings.ts); when anything is invalid nothing is saved and
// every error is shown at its field.
import { merchantCurrency } from "../lib/shop-view";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { FIELD_OF_SETTINGS_PATH, formValues, type IncentiveField as Field, type IncentiveFieldErrors as FieldErrors } from "../incentives/form";
import { describeIncentive, minorToDecimal } from "../incentives/rules";
import { getIncentivesPage } from "../incentives/service.server";
import { formatMoney, toMinorUnits } from "../lib/money";
import { validateSettings } from "../lib/settings";
import { saveShopSettings } from "../models/shops.server";
import { adminContext } from "../shopify/admin-context.server";
import { IncentiveForm } from "../components/incentives/IncentiveForm";
import { IncentiveStats } from "../components/incentives/IncentiveStats";
import { RecentCodes } from "../components/incentives/RecentCodes";

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
    for (const [path, message] of Object.entries(result.errors)) {
      const field = FIELD_OF_SETTINGS_PATH[path] ?? (path.startsWith("cadence.") ? "stepId" : undefined);
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

export default function IncentivesPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: FieldErrors = actionData && !actionData.ok ? actionData.errors : {};
  const saving = navigation.state === "submitting";
  const saved = navigation.state === "idle" && actionData?.ok === true;

  return (
    <Page title="Incentives">
      <TitleBar title="Incentives" />
      <BlockStack gap="500">
        {saved ? <Banner tone="success" title="Incentive settings saved" /> : null}
        {Object.keys(errors).length > 0 ? (
          <Banner tone="critical" title="Nothing was saved: fix the fields marked below">
            {errors.form ? <p>{errors.form}</p> : null}
          </Banner>
        ) : null}
        <IncentiveStats stats={data.stats} />
        <IncentiveForm values={data.values} steps={data.steps} currency={data.currency} errors={errors} saving={saving} />
        <RecentCodes recent={data.recent} />
      </BlockStack>
    </Page>
  );
}
