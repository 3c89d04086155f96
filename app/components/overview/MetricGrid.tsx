// Overview: the period's figures, one card each.
import { InlineGrid } from "@shopify/polaris";
import { formatRate, type OverviewFigures } from "../../lib/metrics";
import { MetricCard as Metric } from "./MetricCard";

export function MetricGrid({ figures: f, staffAlertsSent, money }: { figures: OverviewFigures; staffAlertsSent: number; money: (m: number) => string }) {
  return (
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
      <Metric
        id="staff-alerts"
        label="Staff alerts sent"
        value={staffAlertsSent.toLocaleString("en-US")}
        help="Alerts to your team (handoffs, replies); not counted as messages above"
      />
    </InlineGrid>
  );
}
