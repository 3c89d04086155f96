import { merchantCurrency } from "../lib/shop-view";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Card, InlineStack, Page, Tabs, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { ATTRIBUTION_WINDOW_DAYS } from "../lib/attribution";
import { PERIODS, formatRate, parsePeriod } from "../lib/metrics";
import { conversionHorizonMs } from "../lib/metric-facts";
import { formatMoney } from "../lib/money";
import { ledgerStepLabel } from "../lib/message-kinds";
import { loadSetupChecklist } from "../recovery/setup-checklist.server";
import { getOverview } from "../models/overview.server";
import { adminContext } from "../shopify/admin-context.server";
import { Breakdowns } from "../components/overview/Breakdowns";
import { DefinitionsNote } from "../components/overview/DefinitionsNote";
import { HoldoutPanel } from "../components/overview/HoldoutPanel";
import { LaunchCard } from "../components/overview/LaunchCard";
import { MetricGrid } from "../components/overview/MetricGrid";
import { RevenueChart } from "../components/overview/RevenueChart";
import { SetupChecklist } from "../components/overview/SetupChecklist";
import { TrendChart } from "../components/overview/TrendChart";
import { downloadExport } from "../components/overview/export-link";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopRecord, now } = await adminContext(request);
  const days = parsePeriod(new URL(request.url).searchParams.get("days"));
  const settings = shopRecord.parsedSettings;
  const [data, setup] = await Promise.all([
    getOverview({ shop, days, now, timezone: shopRecord.timezone, holdoutPercent: settings.holdout.percent }),
    loadSetupChecklist(shopRecord, settings),
  ]);
  const cadenceLabels = Object.fromEntries(settings.cadence.steps.map((s) => [s.id, s.label]));
  // Labels for the step keys this period has (staff alerts are never among them: app/lib/metric-facts.ts).
  const stepKeys = new Set([...(data.dims.step ?? []), ...(data.dims.step_incentive ?? []).map((r) => ({ key: r.key.split("|")[0] }))].map((r) => r.key));
  const stepLabels = Object.fromEntries([...stepKeys].map((k) => [k, ledgerStepLabel({ stepId: k, channel: "" }, cadenceLabels)]));
  return json({
    currency: merchantCurrency(shopRecord),
    data,
    stepLabels,
    attributionDays: ATTRIBUTION_WINDOW_DAYS,
    conversionDays: Math.round(conversionHorizonMs(settings.cadence.windowHours) / 86_400_000),
    setup: setup.complete ? null : setup.items,
  });
};

export default function Overview() {
  const { currency, data, stepLabels, attributionDays, conversionDays, setup } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const money = (m: number) => formatMoney(m, currency);
  const selected = Math.max(0, PERIODS.indexOf(data.days));
  const tabs = PERIODS.map((d) => ({ id: `period-${d}`, content: `Last ${d} days`, panelID: `period-${d}-panel` }));
  const trend = data.trend.map((w) => ({ key: w.week, value: w.rate }));
  const last = data.trend.at(-1);
  const prev = data.trend.at(-2);
  return (
    <Page
      title="Overview"
      subtitle="What recovery brought back, what it caused, and how each message did."
      secondaryActions={[{ content: "Export checkouts (CSV)", id: "export-csv", onAction: () => void downloadExport(data.days) }]}
    >
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
        <DefinitionsNote
          attributionDays={attributionDays}
          currency={currency}
          timeZone={data.timeZone}
          zoneKnown={data.zoneKnown}
          asOf={data.asOf}
          pending={data.pending}
        />
        <div style={{ opacity: navigation.state === "loading" ? 0.6 : 1 }}>
          <BlockStack gap="400">
            <MetricGrid data={data} money={money} />
            <HoldoutPanel data={data} money={money} conversionDays={conversionDays} />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Recovered revenue per day
                </Text>
                <RevenueChart points={data.daily.map((d) => ({ day: d.day, valueMinor: d.valueMinor }))} money={money} />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Recovery rate by week
                </Text>
                <Text as="p" variant="bodySm" tone="subdued" id="week-over-week">
                  {last && prev && prev.checkouts > 0 && last.checkouts > 0
                    ? `This week ${formatRate(last.rate)} (${last.recovered} of ${last.checkouts}), last week ${formatRate(prev.rate)} (${prev.recovered} of ${prev.checkouts}): ${
                        last.rate >= prev.rate ? "+" : "−"
                      }${(Math.abs(last.rate - prev.rate) * 100).toFixed(1)} pts.`
                    : "Week over week appears once two weeks have abandoned checkouts."}{" "}
                  Weeks start on Monday; the current week is not over.
                </Text>
                <TrendChart
                  id="trend-chart"
                  title="Recovery rate by week"
                  keyLabel="Week of"
                  series={[{ name: "Recovery rate", points: trend }]}
                  format={(v) => formatRate(v)}
                />
              </BlockStack>
            </Card>
            <Breakdowns data={data} stepLabels={stepLabels} money={money} />
            <LaunchCard data={data} money={money} />
            <InlineStack align="space-between">
              <Text as="p" variant="bodySm" tone="subdued">
                {`${data.from} to ${data.to}`}
              </Text>
              <Button variant="plain" onClick={() => void downloadExport(data.days)}>
                Download this period as CSV
              </Button>
            </InlineStack>
          </BlockStack>
        </div>
      </BlockStack>
    </Page>
  );
}
