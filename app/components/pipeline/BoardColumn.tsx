// One stage of the board: a drop target with its count and pages.
import { useDroppable } from "@dnd-kit/core";
import { Badge, BlockStack, InlineStack, Pagination, Text } from "@shopify/polaris";
import { STAGE_LABELS, type Stage } from "../../lib/pipeline";

export function BoardColumn({
  stage,
  total,
  page,
  pages,
  onPage,
  children,
}: {
  stage: Stage;
  total: number;
  page: number;
  pages: number;
  onPage: (p: number) => void;
  children: React.ReactNode;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: stage });
  return (
    <section
      ref={setNodeRef}
      data-testid={`column-${stage}`}
      data-over={isOver ? "true" : undefined}
      aria-label={`${STAGE_LABELS[stage]} column`}
      style={{
        background: isOver ? "#e3f1df" : "#f1f1f1",
        borderRadius: 12,
        padding: 8,
        minHeight: 320,
        outline: isOver ? "2px dashed #008060" : "none",
      }}
    >
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingSm">
            {STAGE_LABELS[stage]}
          </Text>
          <Badge>{String(total)}</Badge>
        </InlineStack>
        {children}
        {pages > 1 ? (
          <InlineStack align="center">
            <Pagination
              hasPrevious={page > 1}
              hasNext={page < pages}
              onPrevious={() => onPage(page - 1)}
              onNext={() => onPage(page + 1)}
              label={`${page} / ${pages}`}
            />
          </InlineStack>
        ) : null}
      </BlockStack>
    </section>
  );
}
