// Overview: one figure on a card (its label, the value, and what it is measured against).
import { BlockStack, Card, Text } from "@shopify/polaris";

export function MetricCard({ id, label, value, help }: { id: string; label: string; value: string; help?: string }) {
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
