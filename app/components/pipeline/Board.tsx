// The board: five stage columns of cards, drag and drop (pointer and keyboard) between them, and each column's pages.
// A card being moved shows in its new column until the loader revalidates.
import { useCallback, useMemo } from "react";
import { useSearchParams } from "@remix-run/react";
import {
  DndContext,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  useSensor,
  useSensors,
  type DragEndEvent,
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { cardValue, pageCount, type CardMoney } from "../../lib/board";
import { STAGE_LABELS, canMove, isStage, type Stage } from "../../lib/pipeline";
import type { BoardCard, BoardColumn as BoardColumnData } from "../../models/pipeline-board.server";
import { BoardColumn } from "./BoardColumn";
import { PipelineCard } from "./PipelineCard";

/** Keyboard path: arrow keys jump the lifted card to the previous or next column; space drops it. */
// Five columns: measure them always. Measured only once a drag starts, an arrow key pressed right after lifting a
// card found no columns yet and the card stayed where it was.
const DROPPABLE_MEASURING = { droppable: { strategy: MeasuringStrategy.Always } };

const columnKeyboardCoordinates: KeyboardCoordinateGetter = (event, { context: { collisionRect, droppableRects, droppableContainers } }) => {
  if (event.code !== "ArrowRight" && event.code !== "ArrowLeft") return undefined;
  event.preventDefault();
  if (!collisionRect) return undefined;
  const cx = collisionRect.left + collisionRect.width / 2;
  const rects = droppableContainers
    .getEnabled()
    .map((c) => droppableRects.get(c.id))
    .filter((r): r is NonNullable<typeof r> => Boolean(r))
    .sort((a, b) => a.left - b.left);
  const target = event.code === "ArrowRight" ? rects.find((r) => r.left > cx) : [...rects].reverse().find((r) => r.left + r.width < cx);
  if (!target) return undefined;
  return { x: target.left + (target.width - collisionRect.width) / 2, y: target.top + 40 };
};

/** A card's value: the shop's currency, or the shopper's labelled with its code (app/lib/board.ts cardValue). */
function useMoney(currency: string) {
  return useCallback((card: CardMoney) => cardValue(card, currency), [currency]);
}

export function Board(props: {
  columns: BoardColumnData[];
  pageSize: number;
  currency: string;
  resume: Record<string, string | null>;
  /** The move being submitted, shown before the loader answers. */
  moving: { id: string; to: string } | null;
  onMove: (card: BoardCard, to: Stage) => void;
  onCall: (card: BoardCard) => void;
  onDialog: (kind: "whatsapp" | "followup" | "code", card: BoardCard) => void;
  onRefused: (message: string) => void;
}) {
  const { resume, onMove: move, onRefused } = props;
  const [params, setParams] = useSearchParams();
  const money = useMoney(props.currency);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeyboardCoordinates }),
  );

  const onDragEnd = (e: DragEndEvent) => {
    const card = e.active.data.current?.card as BoardCard | undefined;
    const to = e.over?.id;
    if (!card || !isStage(to) || to === card.stage) return;
    if (!canMove(card.stage, to)) {
      onRefused(`${STAGE_LABELS[card.stage]} cards cannot move to ${STAGE_LABELS[to]}.`);
      return;
    }
    move(card, to);
  };

  // Optimistic: a card being moved shows in its new column until the loader revalidates.
  const movingId = props.moving?.id ?? null;
  const movingTo = props.moving?.to ?? null;
  const pendingMove = movingId ? { id: movingId } : null;

  const columns = useMemo(() => {
    if (!movingId || !isStage(movingTo)) return props.columns;
    const moving = props.columns.flatMap((c) => c.cards).find((c) => c.id === movingId);
    if (!moving) return props.columns;
    return props.columns.map((c) => {
      if (c.stage === moving.stage) return { ...c, total: c.total - 1, cards: c.cards.filter((k) => k.id !== moving.id) };
      if (c.stage === movingTo) return { ...c, total: c.total + 1, cards: [{ ...moving, stage: movingTo }, ...c.cards] };
      return c;
    });
  }, [props.columns, movingId, movingTo]);

  const setPage = (stage: Stage, page: number) => {
    const next = new URLSearchParams(params);
    next.set(`p_${stage}`, String(page));
    setParams(next);
  };

  return (
    <DndContext
      sensors={sensors}
      onDragEnd={onDragEnd}
      measuring={DROPPABLE_MEASURING}
      accessibility={{
        screenReaderInstructions: {
          draggable: "Press space to lift the card, the left and right arrow keys to choose a column, space again to drop it, escape to cancel.",
        },
      }}
    >
      <div style={{ display: "grid", gridTemplateColumns: `repeat(${columns.length}, minmax(260px, 1fr))`, gap: 12, overflowX: "auto", alignItems: "start" }}>
        {columns.map((col) => (
          <BoardColumn
            key={col.stage}
            stage={col.stage}
            total={col.total}
            page={col.page}
            pages={pageCount(col.total, props.pageSize)}
            onPage={(p) => setPage(col.stage, p)}
          >
            {col.cards.map((card) => (
              <PipelineCard
                key={card.id}
                card={card}
                money={money}
                onAdvance={move}
                onCall={props.onCall}
                resumeNote={resume[card.id] ?? null}
                onDialog={(kind) => props.onDialog(kind, card)}
                busy={pendingMove?.id === card.id}
              />
            ))}
          </BoardColumn>
        ))}
      </div>
    </DndContext>
  );
}
