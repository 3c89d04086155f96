// Overview: the setup checklist, shown until every item is done (app/lib/setup-checklist.ts).
import { Badge, BlockStack, Card, InlineStack, Link, Text } from "@shopify/polaris";
import type { SetupItem } from "../../lib/setup-checklist";

/** Until the shop is set up: what is left, each item linking to where it is done. */
export function SetupChecklist({ items }: { items: SetupItem[] }) {
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
