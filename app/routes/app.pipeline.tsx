import { merchantCurrency } from "../lib/shop-view";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { DndContext, KeyboardSensor, MeasuringStrategy, PointerSensor, useSensor, useSensors, type DragEndEvent, type KeyboardCoordinateGetter } from "@dnd-kit/core";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { cardValue, pageCount, parseBoardFilters, parseColumnPages, parseFollowUp, BOARD_PAGE_SIZE, type CardMoney } from "../lib/board";
import { InputError } from "../lib/errors";
import { STAGE_LABELS, canMove, isStage, type Stage } from "../lib/pipeline";
import { listBoard, type BoardCard } from "../models/pipeline-board.server";
import { moveByHand, resumeNotes } from "../models/stage-moves.server";
import { logManualCall, logManualWhatsApp, scheduleFollowUp } from "../models/staff-actions.server";
import { issueManualCode } from "../incentives/service.server";
import { adminContext, refusal } from "../shopify/admin-context.server";
import { BoardColumn } from "../components/pipeline/BoardColumn";
import { BoardFilters } from "../components/pipeline/BoardFilters";
import { FollowUpsDue } from "../components/pipeline/FollowUpsDue";
import { PipelineCard } from "../components/pipeline/PipelineCard";
import { CodeDialog, ConfirmMoveDialog, FollowUpDialog, WhatsAppDialog } from "../components/pipeline/QuickActionDialogs";
import { QUICK_CODE_PERCENTS, type PipelineActionData } from "../components/pipeline/shared";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopRecord, now } = await adminContext(request);
  const params = new URL(request.url).searchParams;
  const filters = parseBoardFilters(params, merchantCurrency(shopRecord));
  const board = await listBoard({ shop, filters, pages: parseColumnPages(params), now });
  // Lost cards say, before they are moved back to Contacted, whether reminders resume (and the move does that).
  const lostIds = board.columns.flatMap((c) => c.cards).filter((c) => c.stage === "lost").map((c) => c.id);
  const resume = await resumeNotes({ shop, checkoutIds: lostIds, now });
  return json({ currency: merchantCurrency(shopRecord), pageSize: BOARD_PAGE_SIZE, now: now.toISOString(), ...board, resume });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, staff, now } = await adminContext(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const checkoutId = String(form.get("checkoutId") ?? "");
  const actor = `staff:${staff}`;
  try {
    if (!checkoutId) throw new InputError(400, "checkoutId is required");
    switch (intent) {
      case "move": {
        const to = form.get("to");
        if (!isStage(to)) throw new InputError(400, "unknown stage");
        const moved = await moveByHand({ shop, checkoutId, to, actor, now });
        if (!moved.moved) return json({ ok: false as const, error: `This card cannot move to ${STAGE_LABELS[to]}.` }, { status: 409 });
        return json({ ok: true as const, intent });
      }
      case "call": {
        await logManualCall({ shop, checkoutId, author: staff, now });
        return json({ ok: true as const, intent });
      }
      case "whatsapp": {
        const template = String(form.get("template") ?? "");
        if (!["reminder", "discount", "urgency"].includes(template)) throw new InputError(400, "unknown template");
        await logManualWhatsApp({ shop, checkoutId, author: staff, template, body: String(form.get("body") ?? ""), now });
        return json({ ok: true as const, intent });
      }
      case "follow_up": {
        const clear = form.get("clear") === "1";
        const at = clear ? null : parseFollowUp(form.get("at"), now);
        if (!clear && !at) throw new InputError(400, "pick a date and time in the future");
        await scheduleFollowUp({ shop, checkoutId, at, note: String(form.get("note") ?? ""), actor });
        return json({ ok: true as const, intent });
      }
      case "code": {
        const percentOff = Number(form.get("percentOff"));
        if (!(QUICK_CODE_PERCENTS as readonly number[]).includes(percentOff)) throw new InputError(400, "pick 5, 10, 15 or 20%");
        const issued = await issueManualCode({ shop, checkoutId, percentOff: percentOff as 5 | 10 | 15 | 20, actor, now });
        return json({ ok: true as const, intent, code: issued.code, applyUrl: issued.applyUrl });
      }
      default:
        throw new InputError(400, "unknown action");
    }
  } catch (err) {
    return refusal(err);
  }
};

type ActionData = PipelineActionData;

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
  const target =
    event.code === "ArrowRight" ? rects.find((r) => r.left > cx) : [...rects].reverse().find((r) => r.left + r.width < cx);
  if (!target) return undefined;
  return { x: target.left + (target.width - collisionRect.width) / 2, y: target.top + 40 };
};

/** A card's value: the shop's currency, or the shopper's labelled with its code (app/lib/board.ts cardValue). */
function useMoney(currency: string) {
  return useCallback((card: CardMoney) => cardValue(card, currency), [currency]);
}

type Dialog = { kind: "whatsapp" | "followup" | "code"; card: BoardCard } | { kind: "confirm_move"; card: BoardCard; to: Stage } | null;

export default function Pipeline() {
  const data = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const fetcher = useFetcher<ActionData>();
  const navigation = useNavigation();
  const money = useMoney(data.currency);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data && !fetcher.data.ok) setError(fetcher.data.error);
  }, [fetcher.state, fetcher.data]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnKeyboardCoordinates }),
  );

  const submitMove = useCallback(
    (card: BoardCard, to: Stage) => {
      setError(null);
      fetcher.submit({ intent: "move", checkoutId: card.id, to }, { method: "post" });
    },
    [fetcher],
  );
  // Lost back to Contacted says first whether reminders resume (by button or by drag and drop), and asks.
  const move = useCallback(
    (card: BoardCard, to: Stage) => {
      if (card.stage === "lost" && to === "contacted") setDialog({ kind: "confirm_move", card, to });
      else submitMove(card, to);
    },
    [submitMove],
  );
  const logCall = useCallback((card: BoardCard) => fetcher.submit({ intent: "call", checkoutId: card.id }, { method: "post" }), [fetcher]);

  const onDragEnd = (e: DragEndEvent) => {
    const card = e.active.data.current?.card as BoardCard | undefined;
    const to = e.over?.id;
    if (!card || !isStage(to) || to === card.stage) return;
    if (!canMove(card.stage, to)) {
      setError(`${STAGE_LABELS[card.stage]} cards cannot move to ${STAGE_LABELS[to]}.`);
      return;
    }
    move(card, to);
  };

  // Optimistic: a card being moved shows in its new column until the loader revalidates.
  const movingId = fetcher.state !== "idle" && fetcher.formData?.get("intent") === "move" ? String(fetcher.formData.get("checkoutId")) : null;
  const movingTo = movingId ? String(fetcher.formData?.get("to")) : null;
  const pendingMove = movingId ? { id: movingId } : null;

  const columns = useMemo(() => {
    if (!movingId || !isStage(movingTo)) return data.columns;
    const moving = data.columns.flatMap((c) => c.cards).find((c) => c.id === movingId);
    if (!moving) return data.columns;
    return data.columns.map((c) => {
      if (c.stage === moving.stage) return { ...c, total: c.total - 1, cards: c.cards.filter((k) => k.id !== moving.id) };
      if (c.stage === movingTo) return { ...c, total: c.total + 1, cards: [{ ...moving, stage: movingTo }, ...c.cards] };
      return c;
    });
  }, [data.columns, movingId, movingTo]);

  const setPage = (stage: Stage, page: number) => {
    const next = new URLSearchParams(params);
    next.set(`p_${stage}`, String(page));
    setParams(next);
  };

  return (
    <Page fullWidth title="Pipeline" subtitle="Carts that need a person: drag a card, or use its button, to move it along.">
      <TitleBar title="Pipeline" />
      <BlockStack gap="400">
        <BoardFilters key={params.toString()} />
        {error ? (
          <Banner tone="critical" onDismiss={() => setError(null)}>
            <p id="pipeline-error">{error}</p>
          </Banner>
        ) : null}
        <FollowUpsDue cards={data.followUpsDue} />
        <div style={{ opacity: navigation.state === "loading" ? 0.6 : 1 }}>
          <DndContext sensors={sensors} onDragEnd={onDragEnd} measuring={DROPPABLE_MEASURING} accessibility={{ screenReaderInstructions: { draggable: "Press space to lift the card, the left and right arrow keys to choose a column, space again to drop it, escape to cancel." } }}>
            <div style={{ display: "grid", gridTemplateColumns: `repeat(${columns.length}, minmax(260px, 1fr))`, gap: 12, overflowX: "auto", alignItems: "start" }}>
              {columns.map((col) => (
                <BoardColumn
                  key={col.stage}
                  stage={col.stage}
                  total={col.total}
                  page={col.page}
                  pages={pageCount(col.total, data.pageSize)}
                  onPage={(p) => setPage(col.stage, p)}
                >
                  {col.cards.map((card) => (
                    <PipelineCard key={card.id} card={card} money={money} onAdvance={move} onCall={logCall} resumeNote={data.resume[card.id] ?? null} onDialog={(kind) => setDialog({ kind, card })} busy={pendingMove?.id === card.id} />
                  ))}
                </BoardColumn>
              ))}
            </div>
          </DndContext>
        </div>
      </BlockStack>
      {dialog?.kind === "confirm_move" ? (
        <ConfirmMoveDialog
          card={dialog.card}
          to={dialog.to}
          note={data.resume[dialog.card.id] ?? null}
          onConfirm={() => {
            submitMove(dialog.card, dialog.to);
            setDialog(null);
          }}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {dialog?.kind === "whatsapp" ? <WhatsAppDialog card={dialog.card} resumeNote={data.resume[dialog.card.id] ?? null} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === "followup" ? <FollowUpDialog card={dialog.card} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === "code" ? <CodeDialog card={dialog.card} onClose={() => setDialog(null)} /> : null}
    </Page>
  );
}

