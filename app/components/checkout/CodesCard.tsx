// Checkout detail: the discount codes this checkout was given (shown only when there are some).
import { Badge, BlockStack, Card, InlineStack, Text } from "@shopify/polaris";

export function CodesCard({ incentives }: { incentives: Array<{ code: string; status: string }> }) {
  if (!incentives.length) return null;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Codes
        </Text>
        {incentives.map((i) => (
          <InlineStack key={i.code} gap="100">
            <Text as="span" fontWeight="semibold">
              {i.code}
            </Text>
            <Badge>{i.status}</Badge>
          </InlineStack>
        ))}
      </BlockStack>
    </Card>
  );
}
