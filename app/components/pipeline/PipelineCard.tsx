// A checkout on the board: who, what, value and priority, its tags, the next move and the quick actions.
import type { CSSProperties } from "react";
import { useDraggable } from "@dnd-kit/core";
import { Link as RemixLink } from "@remix-run/react";
import { Badge, BlockStack, Button, InlineStack, Text } from "@shopify/polaris";
import { PRIORITY_COLORS, type CardMoney } from "../../lib/board";
import { nextAction, type Stage } from "../../lib/pipeline";
import type { BoardCard } from "../../models/pipeline-board.server";
import { formatWhen } from "../../lib/admin-time";

export function PipelineCard({
  card,
  money,
  onAdvance,
  onCall,
  resumeNote,
  onDialog,
  busy,
}: {
  card: BoardCard;
  money: (card: CardMoney) => string;
  onAdvance: (card: BoardCard, to: Stage) => void;
  onCall: (card: BoardCard) => void;
  resumeNote: string | null;
  onDialog: (kind: "whatsapp" | "followup" | "code") => void;
  busy: boolean;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, isDragging } = useDraggable({ id: card.id, data: { card } });
  const next = nextAction(card.stage);
  const style: CSSProperties = {
    borderLeft: `6px solid ${PRIORITY_COLORS[card.priority]}`,
    background: "#fff",
    borderRadius: 10,
    boxShadow: isDragging ? "0 8px 20px rgba(0,0,0,.25)" : "0 1px 2px rgba(0,0,0,.15)",
    padding: 10,
    transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
    position: "relative",
    zIndex: isDragging ? 10 : undefined,
    opacity: busy ? 0.6 : 1,
  };
  const open = card.stage !== "recovered";
  return (
    <div ref={setNodeRef} style={style} data-testid="pipeline-card" data-card-id={card.id} data-stage={card.stage} data-priority={card.priority}>
      <BlockStack gap="150">
        <InlineStack align="space-between" blockAlign="start" wrap={false}>
          <BlockStack gap="050">
            <RemixLink to={`/app/checkouts/${card.id}`} style={{ fontWeight: 600 }}>
              {card.name}
            </RemixLink>
            {card.phone ? (
              <Text as="span" variant="bodySm" tone="subdued">
                {card.phone}
              </Text>
            ) : null}
          </BlockStack>
          <button
            type="button"
            ref={setActivatorNodeRef}
            {...listeners}
            {...attributes}
            aria-label={`Move ${card.name}`}
            data-testid="drag-handle"
            style={{ cursor: "grab", border: "1px solid #ccc", borderRadius: 6, background: "#fafafa", padding: "2px 6px", touchAction: "none" }}
          >
            ⠿
          </button>
        </InlineStack>
        <Text as="p" variant="bodySm">
          {card.product || "No items"} × {card.quantity}
        </Text>
        <InlineStack gap="100" blockAlign="center">
          <Text as="span" variant="headingSm">
            {money(card)}
          </Text>
          <Badge tone={card.priority === "urgent" ? "critical" : card.priority === "high" ? "warning" : card.priority === "medium" ? "attention" : undefined}>
            {card.priority}
          </Badge>
        </InlineStack>
        <InlineStack gap="100">
          {card.discount ? (
            <span data-testid="tag-discount">
              <Badge tone="success">{`Discount offered: ${card.discount.code}`}</Badge>
            </span>
          ) : null}
          {card.followUpAt ? (
            <span data-testid="tag-followup">
              <Badge tone="info">{`Follow-up ${formatWhen(card.followUpAt)}`}</Badge>
            </span>
          ) : null}
          {card.owner ? <Badge>{`Owner: ${card.owner}`}</Badge> : null}
        </InlineStack>
        {resumeNote ? (
          <span data-testid="resume-note">
            <Text as="p" variant="bodySm" tone="subdued">
              {resumeNote}
            </Text>
          </span>
        ) : null}
        {next ? (
          <Button size="slim" variant="primary" onClick={() => onAdvance(card, next.to)} disabled={busy}>
            {next.label}
          </Button>
        ) : null}
        {open ? (
          <InlineStack gap="100" wrap>
            {card.phone ? (
              <Button size="slim" url={`tel:${card.phone}`} onClick={() => onCall(card)} accessibilityLabel={`Call ${card.name}`}>
                Call
              </Button>
            ) : null}
            <Button size="slim" onClick={() => onDialog("whatsapp")} disabled={!card.phone} accessibilityLabel={`WhatsApp ${card.name}`}>
              WhatsApp
            </Button>
            <Button size="slim" onClick={() => onDialog("code")} accessibilityLabel={`Generate a code for ${card.name}`}>
              Code
            </Button>
            <Button size="slim" onClick={() => onDialog("followup")} accessibilityLabel={`Schedule a follow-up for ${card.name}`}>
              Follow-up
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </div>
  );
}
