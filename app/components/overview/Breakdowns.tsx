// Overview: the four breakdown tables (by step, channel, segment, hours since abandonment).
import { Layout } from "@shopify/polaris";
import { HOUR_BUCKETS, VALUE_BANDS, formatRate } from "../../lib/metrics";
import { channelLabel } from "../../lib/message-kinds";
import type { OverviewMetrics } from "../../models/metrics.server";
import { BreakdownTable as Breakdown } from "./BreakdownTable";

export function Breakdowns({ metrics, stepLabels, money }: { metrics: OverviewMetrics; stepLabels: Record<string, string>; money: (m: number) => string }) {
  const engagementRows = (rows: typeof metrics.byStep, label: (k: string) => string) =>
    rows.map((r) => [
      label(r.key),
      r.sent,
      formatRate(r.sent ? r.opened / r.sent : 0),
      formatRate(r.sent ? r.clicked / r.sent : 0),
      r.recovered,
      money(r.revenueMinor),
    ]);
  const bandLabel = (id: string) => {
    const b = VALUE_BANDS.find((x) => x.id === id);
    if (!b) return id;
    return b.maxMinor === null ? `${money(b.minMinor)} or more` : `${money(b.minMinor)} – ${money(b.maxMinor)}`;
  };
  return (
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
          ...metrics.segments.newVsReturning.map((s) => [
            s.key === "new" ? "New customers" : "Returning customers",
            s.abandoned,
            s.recovered,
            formatRate(s.rate),
            money(s.revenueMinor),
          ]),
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
  );
}
