// Follow-ups due in the next hour, above the board.
import { Link as RemixLink } from "@remix-run/react";
import { BlockStack, Card, Text } from "@shopify/polaris";
import type { BoardCard } from "../../models/pipeline-board.server";
import { formatWhen } from "../../lib/admin-time";

export function FollowUpsDue({ cards }: { cards: BoardCard[] }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">
          Follow-ups due ({cards.length})
        </Text>
        {cards.length === 0 ? (
          <Text as="p" tone="subdued">
            No follow-ups due in the next hour.
          </Text>
        ) : (
          <ul id="follow-ups-due" style={{ margin: 0, paddingLeft: 18 }}>
            {cards.map((c) => (
              <li key={c.id}>
                <RemixLink to={`/app/checkouts/${c.id}`}>{c.name}</RemixLink> — {formatWhen(c.followUpAt)}
                {c.followUpNote ? ` — ${c.followUpNote}` : ""}
              </li>
            ))}
          </ul>
        )}
      </BlockStack>
    </Card>
  );
}
