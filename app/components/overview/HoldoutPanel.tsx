// Overview: what the reminders caused, from the holdout group (shoppers who got no reminder), with a 95% interval.
import { Badge, BlockStack, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import { formatRate } from "../../lib/metrics";
import type { OverviewData } from "../../models/overview.server";
import { count, rateText } from "./rate-text";

const pp = (x: number) => `${x >= 0 ? "+" : "−"}${(Math.abs(x) * 100).toFixed(1)} pts`;

export function HoldoutPanel({ data, money, conversionDays }: { data: OverviewData; money: (m: number) => string; conversionDays: number }) {
  const { messaged, heldOut, lift, revenue, percent } = data.holdout;
  const signedMoney = (m: number) => `${m >= 0 ? "+" : "−"}${money(Math.abs(m))}`;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h2" variant="headingMd">
            What the reminders caused
          </Text>
          <Badge tone={percent > 0 ? "info" : undefined}>{percent > 0 ? `Holdout ${percent}%` : "Holdout off"}</Badge>
        </InlineStack>
        <Text as="p" variant="bodySm" tone="subdued">
          {percent > 0
            ? `${percent}% of shoppers, chosen at random and kept in the same group on every device, get no reminders. `
            : "Turn the holdout on in Settings to measure what the reminders cause. "}
          Both groups are measured the same way: the share of checkouts ordered within {conversionDays} days of being abandoned, credited to a message or not.
          Staff handoffs still apply to held-out checkouts.
        </Text>
        <div id="holdout-panel">
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={["Group", "Checkouts", "Ordered", "Revenue"]}
            rows={[
              ["Messaged", count(messaged.checkouts), rateText(messaged.converted, messaged.checkouts), money(messaged.convertedRevenueMinor)],
              ["Held out (no reminders)", count(heldOut.checkouts), rateText(heldOut.converted, heldOut.checkouts), money(heldOut.convertedRevenueMinor)],
            ]}
          />
        </div>
        <div id="holdout-lift">
          {lift.difference === null || !lift.interval ? (
            <Text as="p">Not enough data yet: both groups need checkouts in this period.</Text>
          ) : (
            <BlockStack gap="100">
              {!lift.enoughData ? (
                <Text as="p" variant="headingSm" tone="caution" id="holdout-not-enough">
                  Not enough data yet: the interval is too wide to tell what the reminders caused. About {count(lift.neededPerGroup ?? 0)} checkouts in each
                  group would narrow it to ±5 points (now {count(messaged.checkouts)} messaged, {count(heldOut.checkouts)} held out).
                </Text>
              ) : null}
              <Text as={lift.enoughData ? "p" : "span"} variant={lift.enoughData ? "headingSm" : "bodySm"} tone={lift.enoughData ? undefined : "subdued"}>
                {lift.enoughData ? "Incremental recovery rate" : "Early estimate, not yet reliable"}: {pp(lift.difference)} (95% interval {pp(lift.interval[0])}{" "}
                to {pp(lift.interval[1])})
              </Text>
              {revenue.incrementalMinor !== null && revenue.incrementalInterval ? (
                <Text as="p" variant={lift.enoughData ? "bodyMd" : "bodySm"} tone={lift.enoughData ? undefined : "subdued"}>
                  Incremental revenue: {signedMoney(revenue.incrementalMinor)} (95% interval {signedMoney(revenue.incrementalInterval[0])} to{" "}
                  {signedMoney(revenue.incrementalInterval[1])})
                </Text>
              ) : null}
              <Text as="p" variant="bodySm" tone="subdued">
                Method: {lift.method}; revenue: {revenue.method}. Messaged {formatRate(lift.treatedRate ?? 0)}, held out {formatRate(lift.controlRate ?? 0)}.
              </Text>
            </BlockStack>
          )}
        </div>
      </BlockStack>
    </Card>
  );
}
