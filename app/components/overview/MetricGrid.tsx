// Overview: the period's headline figures, one card each, every rate with its denominator.
import { InlineGrid } from "@shopify/polaris";
import { channelLabel } from "../../lib/message-kinds";
import type { OverviewData } from "../../models/overview.server";
import { MetricCard as Metric } from "./MetricCard";
import { count, rateText } from "./rate-text";

export function MetricGrid({ data, money }: { data: OverviewData; money: (m: number) => string }) {
  const t = data.totals;
  const ch = (key: string) => data.dims.channel?.find((r) => r.key === key);
  const email = ch("email");
  const push = ch("push");
  const staff = data.dims.staff?.[0];
  const withIncentive = data.dims.incentive?.find((r) => r.key === "with");
  const aov = data.aov;
  const diff = aov.differenceMinor;
  return (
    <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="300">
      <Metric id="abandoned" label="Abandoned checkouts" value={count(t.checkouts)} help="Entered the cadence in the period" />
      <Metric id="recovered" label="Recovered checkouts" value={count(t.recovered)} help="Of those, ordered after a reminder" />
      <Metric id="recovery-rate" label="Recovery rate" value={rateText(t.recovered, t.checkouts)} help="Recovered of the abandoned checkouts above" />
      <Metric id="revenue" label="Recovered revenue" value={money(t.revenueMinor)} />
      <Metric
        id="aov-lift"
        label="Order value lift"
        value={diff === null ? "–" : `${diff >= 0 ? "+" : "−"}${money(Math.abs(diff))}`}
        help={`Recovered orders average ${money(aov.recoveredAvgMinor)} (${count(aov.recoveredOrders)}); your other orders ${money(aov.otherAvgMinor)} (${count(aov.otherOrders)})`}
      />
      <Metric id="messages" label="Messages to shoppers" value={count(t.sent)} help="Email, push, WhatsApp and messages sent by hand" />
      <Metric id="email-open" label={`${channelLabel("email")} open rate`} value={rateText(email?.opened ?? 0, email?.sent ?? 0)} />
      <Metric id="email-click" label={`${channelLabel("email")} click rate`} value={rateText(email?.clicked ?? 0, email?.sent ?? 0)} />
      <Metric id="push-click" label="Push click rate" value={rateText(push?.clicked ?? 0, push?.sent ?? 0)} />
      <Metric id="opt-out" label="Opt-out rate" value={rateText(t.optedOut, t.sent)} help="Unsubscribes and STOP replies, of messages to shoppers" />
      <Metric
        id="discount"
        label="Discount cost"
        value={money(t.discountCostMinor)}
        help={`Given on recovered orders; ${count(withIncentive?.checkouts ?? 0)} checkouts got a code`}
      />
      <Metric
        id="staff"
        label="Handed to your team"
        value={count(staff?.handoffs ?? 0)}
        help={`${count(staff?.alerts ?? 0)} staff alerts; ${
          staff?.touched
            ? `first human touch after ${Math.round((staff.touchMinutes ?? 0) / staff.touched)} min on average (${count(staff.touched)} touched)`
            : "none touched yet"
        }. Not counted as messages.`}
      />
    </InlineGrid>
  );
}
