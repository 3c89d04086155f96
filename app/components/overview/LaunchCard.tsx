// Overview: the shop's first 100 recoveries against the steady state after them (all time, not the period).
import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { FIRST_RECOVERIES } from "../../lib/metric-facts";
import type { OverviewData } from "../../models/overview.server";
import { count, rateText } from "./rate-text";

export function LaunchCard({ data, money }: { data: OverviewData; money: (m: number) => string }) {
  const { reachedOn, recoveriesSoFar, first, after } = data.launch;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          First {FIRST_RECOVERIES} recoveries and after
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {reachedOn
            ? `Your ${FIRST_RECOVERIES}th recovery came from checkouts abandoned on ${reachedOn}. Since the start of your data, not only this period.`
            : `${count(recoveriesSoFar)} of your first ${FIRST_RECOVERIES} recoveries so far.`}
        </Text>
        <div id="launch-table">
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={["", "Abandoned", "Recovery rate", "Revenue"]}
            rows={[
              [`Up to recovery ${FIRST_RECOVERIES}`, count(first.checkouts), rateText(first.recovered, first.checkouts), money(first.revenueMinor)],
              ["After", count(after.checkouts), rateText(after.recovered, after.checkouts), money(after.revenueMinor)],
            ]}
          />
        </div>
      </BlockStack>
    </Card>
  );
}
