// Overview: the breakdown tables operators read weekly — step, channel, segments, owner, outcome, issue topics,
// discount dependency, hours to recovery. Every rate with its denominator.
import { Layout } from "@shopify/polaris";
import { HOUR_BUCKETS, VALUE_BANDS } from "../../lib/metrics";
import { OUTCOMES, emptyMeasures } from "../../lib/metric-facts";
import { channelLabel, skipReasonLabel } from "../../lib/message-kinds";
import { replyTopicLabel } from "../../lib/reply-topics";
import type { KeyRow, OverviewData } from "../../models/overview.server";
import { BreakdownTable as Breakdown } from "./BreakdownTable";
import { count, rateText } from "./rate-text";

export const OUTCOME_LABELS: Record<string, string> = {
  recovered: "Recovered",
  ordered_before_message: "Ordered before any message",
  ordered_not_credited: "Ordered, not credited",
  opted_out: "Opted out",
  handed_off: "Handed off, no order yet",
  in_window: "Still in the window",
  lost: "Lost",
};

/** Checkout issues: the shoppers' reply topics and the stop reasons that say something about the checkout. */
const STOP_LABELS: Record<string, string> = {
  stopped_bounce: "Stopped: email bounced",
  stopped_stop_reply: "Stopped: replied STOP",
  stopped_customer_redacted: "Stopped: customer data erased",
  stopped_excluded_tag: "Stopped: excluded customer tag",
  stopped_below_min_cart_value: "Stopped: below the minimum cart value",
  stopped_reply: "Stopped: the shopper replied",
};
const topicLabel = (k: string) =>
  k.startsWith("replied_") ? `Reply: ${replyTopicLabel(k.slice("replied_".length))}` : (STOP_LABELS[k] ?? skipReasonLabel(k) ?? k);

const SOURCE_LABELS: Record<string, string> = {
  web: "Online store",
  pos: "Point of sale",
  shopify_draft_order: "Draft order",
  iphone: "iPhone app",
  android: "Android app",
  unknown: "Unknown",
};

type Money = (m: number) => string;

/** Rows by key; with `order`, every key of it in that order (zero rows included, so a table always has its lines). */
function cohortRows(rows: KeyRow[] | undefined, label: (k: string) => string, money: Money, order?: readonly string[]) {
  const have = rows ?? [];
  const zero = (key: string): KeyRow => ({ key, ...emptyMeasures() });
  const list = order ? [...order.map((k) => have.find((r) => r.key === k) ?? zero(k)), ...have.filter((r) => !order.includes(r.key))] : [...have];
  if (!order) list.sort((a, b) => b.checkouts - a.checkouts);
  return list.map((r) => [label(r.key), count(r.checkouts), rateText(r.recovered, r.checkouts), money(r.revenueMinor)]);
}

function messageRows(rows: KeyRow[] | undefined, label: (k: string) => string, money: Money) {
  return [...(rows ?? [])]
    .sort((a, b) => b.sent - a.sent)
    .map((r) => [label(r.key), count(r.sent), rateText(r.opened, r.sent), rateText(r.clicked, r.sent), rateText(r.recovered, r.sent), money(r.revenueMinor)]);
}

const COHORT_HEAD = { types: ["text", "numeric", "numeric", "numeric"] as Array<"text" | "numeric">, headings: ["", "Abandoned", "Recovered", "Revenue"] };
const MESSAGE_HEAD = {
  types: ["text", "numeric", "numeric", "numeric", "numeric", "numeric"] as Array<"text" | "numeric">,
  headings: ["", "Sent", "Opened", "Clicked", "Recovered", "Revenue"],
};

export function Breakdowns({ data, stepLabels, money }: { data: OverviewData; stepLabels: Record<string, string>; money: Money }) {
  const d = data.dims;
  const bandLabel = (id: string) => {
    const b = VALUE_BANDS.find((x) => x.id === id);
    if (!b) return "Value not known in your currency";
    return b.maxMinor === null ? `${money(b.minMinor)} or more` : `${money(b.minMinor)} – ${money(b.maxMinor)}`;
  };
  const step = (k: string) => stepLabels[k] ?? k;
  const stepIncentive = [...(d.step_incentive ?? [])]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((r) => {
      const [s, w] = r.key.split("|");
      return [
        `${step(s)} ${w === "with" ? "with a code" : "without a code"}`,
        count(r.sent),
        rateText(r.recovered, r.sent),
        money(r.revenueMinor),
        money(r.discountCostMinor),
      ];
    });
  return (
    <Layout>
      <Breakdown wide id="breakdown-step" title="By step" {...MESSAGE_HEAD} rows={messageRows(d.step, step, money)} />
      <Breakdown wide id="breakdown-channel" title="By channel" {...MESSAGE_HEAD} rows={messageRows(d.channel, channelLabel, money)} />
      <Breakdown
        id="breakdown-segment"
        title="By segment"
        {...COHORT_HEAD}
        rows={[
          ...cohortRows(d.returning, (k) => (k === "returning" ? "Returning customers" : "New customers"), money, ["new", "returning"]),
          ...cohortRows(
            d.band,
            (k) => `Cart ${bandLabel(k)}`,
            money,
            VALUE_BANDS.map((b) => b.id),
          ),
        ]}
      />
      <Breakdown id="breakdown-source" title="By source" {...COHORT_HEAD} rows={cohortRows(d.source, (k) => SOURCE_LABELS[k] ?? k, money)} />
      <Breakdown id="breakdown-outcome" title="By outcome" {...COHORT_HEAD} rows={cohortRows(d.outcome, (k) => OUTCOME_LABELS[k] ?? k, money, OUTCOMES)} />
      <Breakdown id="breakdown-owner" title="By owner" {...COHORT_HEAD} rows={cohortRows(d.owner, (k) => (k === "unassigned" ? "Nobody" : k), money)} />
      <Breakdown id="breakdown-topic" title="Checkout issues" {...COHORT_HEAD} rows={cohortRows(d.topic, topicLabel, money)} />
      <Breakdown
        wide
        id="breakdown-incentive"
        title="Discount dependency"
        types={["text", "numeric", "numeric", "numeric", "numeric"]}
        headings={["", "Checkouts or sent", "Recovered", "Revenue", "Discount cost"]}
        rows={[
          ...(d.incentive ?? []).map((r) => [
            r.key === "with" ? "Checkouts that got a code" : "Checkouts without a code",
            count(r.checkouts),
            rateText(r.recovered, r.checkouts),
            money(r.revenueMinor),
            money(r.discountCostMinor),
          ]),
          ...stepIncentive,
        ]}
      />
      <Breakdown
        id="breakdown-hours"
        title="By hours since abandonment"
        types={["text", "numeric", "numeric"]}
        headings={["Recovered after", "Recovered", "Revenue"]}
        rows={HOUR_BUCKETS.map((b) => {
          const r = d.hours?.find((x) => x.key === b.id);
          return [b.label, count(r?.recovered ?? 0), money(r?.revenueMinor ?? 0)];
        })}
      />
    </Layout>
  );
}
