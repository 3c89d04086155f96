// Incentives: the four figures above the form (issued, used, expired unused, discount cost vs recovered).
import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";

/** The loader's stats (app/routes/app.incentives.tsx), money already formatted in the shop's currency. */
export interface IncentiveStatsView {
  issued: number;
  used: number;
  expired: number;
  failed: number;
  active: number;
  useRate: number;
  discountCost: string;
  recoveredWith: { count: number; revenue: string };
  recoveredWithout: { count: number; revenue: string };
}

export function IncentiveStats({ stats }: { stats: IncentiveStatsView }) {
  return (
    <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingSm">
            Codes issued
          </Text>
          <Text as="p" variant="heading2xl" id="stat-issued">
            {stats.issued}
          </Text>
          <Text as="p" tone="subdued">
            {stats.active} active, {stats.failed} failed
          </Text>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingSm">
            Used
          </Text>
          <Text as="p" variant="heading2xl" id="stat-used">
            {stats.used}
          </Text>
          <Text as="p" tone="subdued">
            {Math.round(stats.useRate * 100)}% of issued
          </Text>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingSm">
            Expired unused
          </Text>
          <Text as="p" variant="heading2xl" id="stat-expired">
            {stats.expired}
          </Text>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingSm">
            Discount cost vs recovered
          </Text>
          <Text as="p" variant="headingLg" id="stat-cost">
            {stats.discountCost}
          </Text>
          <Text as="p" tone="subdued">
            With a code: {stats.recoveredWith.revenue} ({stats.recoveredWith.count}). Without: {stats.recoveredWithout.revenue} ({stats.recoveredWithout.count}
            ).
          </Text>
        </BlockStack>
      </Card>
    </InlineGrid>
  );
}
