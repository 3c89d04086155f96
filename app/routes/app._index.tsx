import { merchantCurrency } from "../lib/shop-view";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, Card, InlineStack, Page, Tabs, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { ATTRIBUTION_WINDOW_DAYS } from "../lib/attribution";
import { PERIODS, parsePeriod } from "../lib/metrics";
import { formatMoney } from "../lib/money";
import { ledgerStepLabel } from "../lib/message-kinds";
import { loadSetupChecklist } from "../recovery/setup-checklist.server";
import { getOverviewMetrics } from "../models/metrics.server";
import { adminContext } from "../shopify/admin-context.server";
import { AttributionNote } from "../components/overview/AttributionNote";
import { Breakdowns } from "../components/overview/Breakdowns";
import { MetricGrid } from "../components/overview/MetricGrid";
import { RevenueChart } from "../components/overview/RevenueChart";
import { SetupChecklist } from "../components/overview/SetupChecklist";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopRecord, now } = await adminContext(request);
  const days = parsePeriod(new URL(request.url).searchParams.get("days"));
  const [metrics, setup] = await Promise.all([
    getOverviewMetrics({ shop, days, now, currency: shopRecord.currency }),
    loadSetupChecklist(shopRecord, shopRecord.parsedSettings),
  ]);
  const cadenceLabels = Object.fromEntries(shopRecord.parsedSettings.cadence.steps.map((s) => [s.id, s.label]));
  // Labels for the step keys this period actually has (staff alerts are not among them: see getOverviewMetrics).
  const stepLabels = Object.fromEntries(metrics.byStep.map((r) => [r.key, ledgerStepLabel({ stepId: r.key, channel: "" }, cadenceLabels)]));
  // The setup checklist is shown until every item is done.
  return json({
    currency: merchantCurrency(shopRecord),
    metrics,
    stepLabels,
    attributionDays: ATTRIBUTION_WINDOW_DAYS,
    setup: setup.complete ? null : setup.items,
  });
};

export default function Overview() {
  const { currency, metrics, stepLabels, attributionDays, setup } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const money = (m: number) => formatMoney(m, currency);
  const selected = Math.max(0, PERIODS.indexOf(metrics.days));
  const tabs = PERIODS.map((d) => ({ id: `period-${d}`, content: `Last ${d} days`, panelID: `period-${d}-panel` }));

  return (
    <Page title="Overview" subtitle="What recovery brought back, and how each message did.">
      <TitleBar title="Checkout Recovery" />
      <BlockStack gap="400">
        {setup ? <SetupChecklist items={setup} /> : null}
        <Tabs
          tabs={tabs}
          selected={selected}
          onSelect={(i) => {
            const next = new URLSearchParams(params);
            next.set("days", String(PERIODS[i]));
            setParams(next);
          }}
        />
        <AttributionNote attributionDays={attributionDays} currency={currency} />
        <div style={{ opacity: navigation.state === "loading" ? 0.6 : 1 }}>
          <BlockStack gap="400">
            <MetricGrid figures={metrics.figures} staffAlertsSent={metrics.staffAlertsSent} money={money} />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Recovered revenue per day
                </Text>
                <RevenueChart points={metrics.daily} money={money} />
              </BlockStack>
            </Card>
            <Breakdowns metrics={metrics} stepLabels={stepLabels} money={money} />
            <InlineStack>
              <Text as="p" variant="bodySm" tone="subdued">
                {`${metrics.since.slice(0, 10)} to ${metrics.now.slice(0, 10)}`}
              </Text>
            </InlineStack>
          </BlockStack>
        </div>
      </BlockStack>
    </Page>
  );
}
