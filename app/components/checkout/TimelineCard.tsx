// Checkout detail: everything that happened to the checkout, oldest first (app/lib/timeline.ts).
import { BlockStack, Card, Text } from "@shopify/polaris";
import { formatWhenWithYear as when } from "../../lib/admin-time";
import type { TimelineEntry } from "../../lib/timeline";

export function TimelineCard({ timeline }: { timeline: TimelineEntry[] }) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Timeline
        </Text>
        <ol id="timeline" style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {timeline.map((e, i) => (
            <li key={i} data-kind={e.kind} style={{ borderLeft: "2px solid #e3e3e3", padding: "4px 0 10px 12px" }}>
              <Text as="p" variant="bodySm" tone="subdued">
                {when(e.at)}
                {e.actor ? ` · ${e.actor}` : ""}
              </Text>
              <Text as="p" fontWeight="semibold">
                {e.title}
              </Text>
              {e.detail ? <Text as="p">{e.detail}</Text> : null}
            </li>
          ))}
        </ol>
      </BlockStack>
    </Card>
  );
}
