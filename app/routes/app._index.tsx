import { merchantCurrency } from "../lib/shop-view";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, DataTable, InlineGrid, InlineStack, Layout, Link, Page, Tabs, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { ATTRIBUTION_WINDOW_DAYS } from "../lib/attribution";
import { HOUR_BUCKETS, PERIODS, VALUE_BANDS, formatRate, niceMax, parsePeriod } from "../lib/metrics";
import { formatMoney } from "../lib/money";
import { channelLabel, ledgerStepLabel } from "../lib/message-kinds";
import { loadSetupChecklist } from "../recovery/setup-checklist.server";
import type { SetupItem } from "../lib/setup-checklist";
import { getOverviewMetrics } from "../models/metrics.server";
import { adminContext } from "../shopify/admin-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopRecord, now } = await adminContext(request);
  const days = parsePeriod(new URL(request.url).searchParams.get("days"));
  const [metrics, setup] = await Promise.all([getOverviewMetrics({ shop, days, now, currency: shopRecord.currency }), loadSetupChecklist(shopRecord, shopRecord.parsedSettings)]);
  const cadenceLabels = Object.fromEntries(shopRecord.parsedSettings.cadence.steps.map((s) => [s.id, s.label]));
  // Labels for the step keys this period actually has (staff alerts are not among them: see getOverviewMetrics).
  const stepLabels = Object.fromEntries(metrics.byStep.map((r) => [r.key, ledgerStepLabel({ stepId: r.key, channel: "" }, cadenceLabels)]));
  // The setup checklist is shown until every item is done.
  return json({ currency: merchantCurrency(shopRecord), metrics, stepLabels, attributionDays: ATTRIBUTION_WINDOW_DAYS, setup: setup.complete ? null : setup.items });
};


function Metric({ id, label, value, help }: { id: string; label: string; value: string; help?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl" id={`metric-${id}`}>
          {value}
        </Text>
        {help ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {help}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function RevenueChart({ points, money }: { points: Array<{ day: string; valueMinor: number }>; money: (m: number) => string }) {
  const width = 720;
  const height = 200;
  const pad = { left: 64, right: 8, top: 10, bottom: 28 };
  const max = niceMax(Math.max(0, ...points.map((p) => p.valueMinor)));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const bw = innerW / Math.max(1, points.length);
  const labelEvery = Math.ceil(points.length / 8);
  return (
    <svg id="revenue-chart" role="img" aria-label="Recovered revenue per day" viewBox={`0 0 ${width} ${height}`} style={{ width: "100%", height: "auto" }}>
      {[0, 0.5, 1].map((f) => {
        const y = pad.top + innerH * (1 - f);
        return (
          <g key={f}>
            <line x1={pad.left} x2={width - pad.right} y1={y} y2={y} stroke="#e3e3e3" />
            <text x={pad.left - 6} y={y + 4} fontSize="10" textAnchor="end" fill="#616161">
              {money(Math.round(max * f))}
            </text>
          </g>
        );
      })}
      {points.map((p, i) => {
        const h = (p.valueMinor / max) * innerH;
        const x = pad.left + i * bw;
        return (
          <g key={p.day}>
            <rect x={x + bw * 0.1} width={Math.max(1, bw * 0.8)} y={pad.top + innerH - h} height={h} fill="#008060" rx={1}>
              <title>{`${p.day}: ${money(p.valueMinor)}`}</title>
            </rect>
            {i % labelEvery === 0 ? (
              <text x={x + bw / 2} y={height - 10} fontSize="10" textAnchor="middle" fill="#616161">
                {p.day.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

/** One breakdown table of the Overview (by step, channel, segment, hours since abandonment). */
function Breakdown(props: {
  id: string;
  title: string;
  types: Array<"text" | "numeric">;
  headings: string[];
  rows: Array<Array<string | number>>;
}) {
  return (
    <Layout.Section variant="oneHalf">
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            {props.title}
          </Text>
          <Box id={props.id}>
            <DataTable columnContentTypes={props.types} headings={props.headings} rows={props.rows} />
          </Box>
        </BlockStack>
      </Card>
    </Layout.Section>
  );
}

/** Until the shop is set up: what is left, each item linking to where it is done. */
function SetupChecklist({ items }: { items: SetupItem[] }) {
  const left = items.filter((i) => !i.done).length;
  return (
    <Card>
      <BlockStack gap="300" id="setup-checklist">
        <Text as="h2" variant="headingMd">
          {`Finish setting up (${left} of ${items.length} left)`}
        </Text>
        {items.map((item) => (
          <InlineStack key={item.id} gap="200" blockAlign="center" wrap={false}>
            <Badge tone={item.done ? "success" : "attention"}>{item.done ? "Done" : "To do"}</Badge>
            <BlockStack gap="050">
              <Link url={item.url} target={item.external ? "_blank" : undefined} id={`setup-${item.id}`}>
                {item.label}
              </Link>
              <Text as="span" tone="subdued" variant="bodySm">
                {item.detail}
              </Text>
            </BlockStack>
          </InlineStack>
        ))}
      </BlockStack>
    </Card>
  );
}

export default function Overview() {
  const { currency, metrics, stepLabels, attributionDays, setup } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const money = (m: number) => formatMoney(m, currency);
  const f = metrics.figures;
  const selected = Math.max(0, PERIODS.indexOf(metrics.days));
  const tabs = PERIODS.map((d) => ({ id: `period-${d}`, content: `Last ${d} days`, panelID: `period-${d}-panel` }));
  const engagementRows = (rows: typeof metrics.byStep, label: (k: string) => string) =>
    rows.map((r) => [label(r.key), r.sent, formatRate(r.sent ? r.opened / r.sent : 0), formatRate(r.sent ? r.clicked / r.sent : 0), r.recovered, money(r.revenueMinor)]);
  const bandLabel = (id: string) => {
    const b = VALUE_BANDS.find((x) => x.id === id);
    if (!b) return id;
    return b.maxMinor === null ? `${money(b.minMinor)} or more` : `${money(b.minMinor)} – ${money(b.maxMinor)}`;
  };

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
        <Banner tone="info" title="How recoveries are counted">
          <p id="attribution-rule">
            A checkout counts as recovered when its order was placed after we sent it at least one message, within {attributionDays} days of
            the last message sent before the order; the order is credited to that last message (its step and channel). Recovered revenue is
            the total of those orders in {currency}, your shop&apos;s currency, as Shopify records them for you (whatever currency the
            shopper paid in). A cart in another currency is counted as abandoned but sits in no cart-value band, because its value in{" "}
            {currency} is not known until it is ordered. Periods are counted in UTC days.
          </p>
        </Banner>
        <div style={{ opacity: navigation.state === "loading" ? 0.6 : 1 }}>
          <BlockStack gap="400">
            <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="300">
              <Metric id="abandoned" label="Abandoned checkouts" value={f.abandoned.toLocaleString("en-US")} />
              <Metric id="recovered" label="Recovered checkouts" value={f.recovered.toLocaleString("en-US")} />
              <Metric id="recovery-rate" label="Recovery rate" value={formatRate(f.recoveryRate)} help="Recovered ÷ abandoned in the period" />
              <Metric id="revenue" label="Recovered revenue" value={money(f.recoveredRevenueMinor)} />
              <Metric id="avg-recovered" label="Average recovered order" value={money(f.avgRecoveredOrderMinor)} help={`All orders: ${money(f.avgOrderMinor)}`} />
              <Metric id="avg-all" label="Average order (all)" value={money(f.avgOrderMinor)} />
              <Metric id="email-open" label="Email open rate" value={formatRate(f.emailOpenRate)} />
              <Metric id="email-click" label="Email click rate" value={formatRate(f.emailClickRate)} />
              <Metric id="push-click" label="Push click rate" value={formatRate(f.pushClickRate)} />
              <Metric id="discount-use" label="Discount use rate" value={formatRate(f.discountUseRate)} help="Codes used ÷ codes issued" />
              <Metric id="opt-out" label="Opt-out rate" value={formatRate(f.optOutRate)} help="Opt-outs ÷ messages sent" />
              <Metric id="staff-alerts" label="Staff alerts sent" value={metrics.staffAlertsSent.toLocaleString("en-US")} help="Alerts to your team (handoffs, replies); not counted as messages above" />
            </InlineGrid>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Recovered revenue per day
                </Text>
                <RevenueChart points={metrics.daily} money={money} />
              </BlockStack>
            </Card>
            <Layout>
              <Breakdown
                id="breakdown-step"
                title="By step"
                types={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                headings={["Step", "Sent", "Opened", "Clicked", "Recovered", "Revenue"]}
                rows={engagementRows(metrics.byStep, (k) => stepLabels[k] ?? k)}
              />
              <Breakdown
                id="breakdown-channel"
                title="By channel"
                types={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                headings={["Channel", "Sent", "Opened", "Clicked", "Recovered", "Revenue"]}
                rows={engagementRows(metrics.byChannel, channelLabel)}
              />
              <Breakdown
                id="breakdown-segment"
                title="By segment"
                types={["text", "numeric", "numeric", "numeric", "numeric"]}
                headings={["Segment", "Abandoned", "Recovered", "Rate", "Revenue"]}
                rows={[
                  ...metrics.segments.newVsReturning.map((s) => [s.key === "new" ? "New customers" : "Returning customers", s.abandoned, s.recovered, formatRate(s.rate), money(s.revenueMinor)]),
                  ...metrics.segments.bands.map((b) => [`Cart ${bandLabel(b.key)}`, b.abandoned, b.recovered, formatRate(b.rate), money(b.revenueMinor)]),
                ]}
              />
              <Breakdown
                id="breakdown-hours"
                title="By hours since abandonment"
                types={["text", "numeric", "numeric"]}
                headings={["Recovered after", "Recovered", "Revenue"]}
                rows={metrics.byHours.map((h) => [HOUR_BUCKETS.find((b) => b.id === h.key)?.label ?? h.key, h.recovered, money(h.revenueMinor)])}
              />
            </Layout>
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
