// Needs a person: one row per handed-off checkout, most urgent and longest waiting first, each opening its detail page.
import { Badge, Button, Card, IndexTable, InlineStack, Link, Text } from "@shopify/polaris";
import { cardValue } from "../../lib/board";
import { QUEUE_REASON_LABELS, REPLY_TOPIC_LABELS, waitingText } from "../../lib/handoff-queue";
import { formatWhen } from "../../lib/admin-time";
import type { QueueRow } from "../../models/handoff-queue.server";

const PRIORITY_TONE = { urgent: "critical", high: "warning", medium: "attention", low: undefined } as const;

export function QueueTable({
  rows,
  currency,
  me,
  onAssign,
}: {
  rows: QueueRow[];
  currency: string;
  me: string;
  onAssign: (id: string, owner: string) => void;
}) {
  return (
    <Card padding="0">
      <div id="queue-table">
        <IndexTable
          resourceName={{ singular: "checkout", plural: "checkouts" }}
          itemCount={rows.length}
          selectable={false}
          emptyState={
            <Text as="p" tone="subdued" alignment="center">
              Nobody is waiting for a person.
            </Text>
          }
          headings={[{ title: "Shopper" }, { title: "Why" }, { title: "Priority" }, { title: "Waiting" }, { title: "Owner" }, { title: "Follow-up" }]}
        >
          {rows.map((r, i) => (
            <IndexTable.Row id={r.id} key={r.id} position={i}>
              <IndexTable.Cell>
                <Link url={`/app/checkouts/${r.id}`} dataPrimaryLink removeUnderline>
                  <Text as="span" fontWeight="semibold">
                    {r.name}
                  </Text>
                </Link>
                <Text as="p" variant="bodySm" tone="subdued">
                  {r.product} · {cardValue(r, currency)}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <InlineStack gap="100">
                  {r.reasons.map((reason) => (
                    <Badge key={reason} tone={reason === "failed_payment" ? "critical" : "info"}>
                      {QUEUE_REASON_LABELS[reason]}
                    </Badge>
                  ))}
                  {r.topic ? (
                    <Badge>{`${REPLY_TOPIC_LABELS[r.topic] ?? "Other"}${r.replyChannel === "whatsapp" ? " · WhatsApp" : r.replyChannel === "email" ? " · email" : ""}`}</Badge>
                  ) : null}
                </InlineStack>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Badge tone={PRIORITY_TONE[r.priority]}>{r.priority[0].toUpperCase() + r.priority.slice(1)}</Badge>
              </IndexTable.Cell>
              <IndexTable.Cell>{waitingText(r.waitingMinutes)}</IndexTable.Cell>
              <IndexTable.Cell>
                {r.owner ? (
                  r.owner
                ) : (
                  // The row opens the checkout; this button only assigns (its click stays here).
                  <div onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()} role="presentation">
                    <Button size="slim" onClick={() => onAssign(r.id, me)}>
                      Assign to me
                    </Button>
                  </div>
                )}
              </IndexTable.Cell>
              <IndexTable.Cell>
                {r.followUpAt ? (
                  <Text as="span" tone={r.followUpDue ? "critical" : undefined}>
                    {r.followUpDue ? `Due ${formatWhen(r.followUpAt)}` : formatWhen(r.followUpAt)}
                  </Text>
                ) : (
                  "–"
                )}
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </div>
    </Card>
  );
}
