import { merchantCurrency } from "../lib/shop-view";
import { useCallback, useEffect, useMemo, useState, type CSSProperties } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  DndContext,
  KeyboardSensor,
  MeasuringStrategy,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  InlineGrid,
  InlineStack,
  Modal,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { PRIORITIES, PRIORITY_COLORS, cardValue, pageCount, parseBoardFilters, parseColumnPages, parseFollowUp, BOARD_PAGE_SIZE, type CardMoney } from "../lib/board";
import { InputError } from "../lib/errors";
import { STAGES, STAGE_LABELS, canMove, isStage, nextAction, type Stage } from "../lib/pipeline";
import { clickToChatUrl, whatsappTemplates, type QuickTemplateId } from "../lib/quick-messages";
import { listBoard, type BoardCard } from "../models/pipeline-board.server";
import { moveByHand, resumeNotes } from "../models/stage-moves.server";
import { logManualCall, logManualWhatsApp, scheduleFollowUp } from "../models/staff-actions.server";
import { issueManualCode } from "../incentives/service.server";
import { adminContext, refusal } from "../shopify/admin-context.server";

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

const PERCENTS = [5, 10, 15, 20] as const;

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
        if (!(PERCENTS as readonly number[]).includes(percentOff)) throw new InputError(400, "pick 5, 10, 15 or 20%");
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

type ActionData = { ok: true; intent: string; code?: string; applyUrl?: string } | { ok: false; error: string };

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

function formatWhen(iso: string | null): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
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
        <Filters key={params.toString()} />
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
                <Column
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
                </Column>
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

function Filters() {
  const [params, setParams] = useSearchParams();
  const [stage, setStage] = useState(params.get("stage") ?? "");
  const [priority, setPriority] = useState(params.get("priority") ?? "");
  const [min, setMin] = useState(params.get("min") ?? "");
  const [max, setMax] = useState(params.get("max") ?? "");
  const [from, setFrom] = useState(params.get("from") ?? "");
  const [to, setTo] = useState(params.get("to") ?? "");
  const [q, setQ] = useState(params.get("q") ?? "");
  const apply = () => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ stage, priority, min, max, from, to, q })) if (v.trim()) next.set(k, v.trim());
    setParams(next);
  };
  return (
    <Card>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <BlockStack gap="300">
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4, lg: 7 }} gap="300">
            <Select label="Stage" id="filter-stage" options={[{ label: "All stages", value: "" }, ...STAGES.map((s) => ({ label: STAGE_LABELS[s], value: s }))]} value={stage} onChange={setStage} />
            <Select label="Priority" id="filter-priority" options={[{ label: "Any priority", value: "" }, ...PRIORITIES.map((p) => ({ label: p[0].toUpperCase() + p.slice(1), value: p }))]} value={priority} onChange={setPriority} />
            <TextField label="Min value" id="filter-min" type="number" value={min} onChange={setMin} autoComplete="off" />
            <TextField label="Max value" id="filter-max" type="number" value={max} onChange={setMax} autoComplete="off" />
            <TextField label="Abandoned from" id="filter-from" type="date" value={from} onChange={setFrom} autoComplete="off" />
            <TextField label="Abandoned to" id="filter-to" type="date" value={to} onChange={setTo} autoComplete="off" />
            <TextField label="Search" id="filter-q" placeholder="Name, email or phone" value={q} onChange={setQ} autoComplete="off" />
          </InlineGrid>
          <InlineStack gap="200">
            <Button submit variant="primary">
              Apply filters
            </Button>
            <Button onClick={() => setParams(new URLSearchParams())}>Clear</Button>
          </InlineStack>
        </BlockStack>
      </form>
    </Card>
  );
}

function FollowUpsDue({ cards }: { cards: BoardCard[] }) {
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

function Column({ stage, total, page, pages, onPage, children }: { stage: Stage; total: number; page: number; pages: number; onPage: (p: number) => void; children: React.ReactNode }) {
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

function PipelineCard({
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

function ConfirmMoveDialog({ card, to, note, onConfirm, onClose }: { card: BoardCard; to: Stage; note: string | null; onConfirm: () => void; onClose: () => void }) {
  return (
    <Modal open onClose={onClose} title={`Move ${card.name} to ${STAGE_LABELS[to]}?`} primaryAction={{ content: `Move to ${STAGE_LABELS[to]}`, onAction: onConfirm, id: "confirm-move" }} secondaryActions={[{ content: "Cancel", onAction: onClose }]}>
      <Modal.Section>
        <p data-testid="move-note">{note ?? ""}</p>
      </Modal.Section>
    </Modal>
  );
}

function WhatsAppDialog({ card, resumeNote, onClose }: { card: BoardCard; resumeNote: string | null; onClose: () => void }) {
  const fetcher = useFetcher<ActionData>();
  const templates = whatsappTemplates({ firstName: card.firstName, product: card.product, code: card.discount?.code ?? null, link: card.recoveryUrl });
  const [choice, setChoice] = useState<QuickTemplateId>("reminder");
  const chosen = templates.find((t) => t.id === choice) ?? templates[0];
  const [text, setText] = useState(chosen.text);
  const href = clickToChatUrl(card.phone, text);
  const logged = fetcher.state === "idle" && fetcher.data?.ok;
  return (
    <Modal open onClose={onClose} title={`WhatsApp ${card.name}`}>
      <Modal.Section>
        <div data-testid="quick-dialog">
        <BlockStack gap="300">
          <ChoiceList
            title="Template"
            choices={templates.map((t) => ({ label: t.label, value: t.id }))}
            selected={[choice]}
            onChange={(v) => {
              const id = v[0] as QuickTemplateId;
              setChoice(id);
              setText(templates.find((t) => t.id === id)?.text ?? "");
            }}
          />
          <TextField label="Preview" id="whatsapp-preview" value={text} onChange={setText} multiline={4} autoComplete="off" />
          <Text as="p" tone="subdued">
            {card.stage === "abandoned" || card.stage === "lost" ? `Logged as a message to the shopper; the card moves to Contacted.${resumeNote ? ` ${resumeNote}` : ""}` : "Logged as a message to the shopper."}
          </Text>
          {choice === "discount" && !card.discount ? (
            <Text as="p" tone="subdued">
              No code on this cart yet: generate one with the Code button and it will be inserted here.
            </Text>
          ) : null}
          <InlineStack gap="200" blockAlign="center">
            <Button
              variant="primary"
              url={href}
              target="_blank"
              id="whatsapp-open"
              onClick={() => fetcher.submit({ intent: "whatsapp", checkoutId: card.id, template: choice, body: text }, { method: "post" })}
            >
              Open WhatsApp
            </Button>
            {logged ? (
              <span data-testid="whatsapp-logged">
                <Badge tone="success">Logged in the conversation</Badge>
              </span>
            ) : null}
          </InlineStack>
        </BlockStack>
        </div>
      </Modal.Section>
    </Modal>
  );
}

function FollowUpDialog({ card, onClose }: { card: BoardCard; onClose: () => void }) {
  const fetcher = useFetcher<ActionData>();
  const initial = card.followUpAt ? new Date(card.followUpAt) : new Date(Date.now() + 24 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const [date, setDate] = useState(`${initial.getFullYear()}-${pad(initial.getMonth() + 1)}-${pad(initial.getDate())}`);
  const [time, setTime] = useState(`${pad(initial.getHours())}:${pad(initial.getMinutes())}`);
  const [note, setNote] = useState(card.followUpNote ?? "");
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) onClose();
  }, [fetcher.state, fetcher.data, onClose]);
  const save = () => {
    const at = new Date(`${date}T${time}`);
    fetcher.submit({ intent: "follow_up", checkoutId: card.id, at: Number.isNaN(at.getTime()) ? "" : at.toISOString(), note }, { method: "post" });
  };
  return (
    <Modal
      open
      onClose={onClose}
      title={`Follow up with ${card.name}`}
      primaryAction={{ content: "Schedule follow-up", onAction: save, loading: fetcher.state !== "idle" }}
      secondaryActions={card.followUpAt ? [{ content: "Clear follow-up", onAction: () => fetcher.submit({ intent: "follow_up", checkoutId: card.id, clear: "1" }, { method: "post" }) }] : []}
    >
      <Modal.Section>
        <BlockStack gap="300">
          {fetcher.data && !fetcher.data.ok ? <Banner tone="critical">{fetcher.data.error}</Banner> : null}
          <InlineGrid columns={2} gap="300">
            <TextField label="Date" id="followup-date" type="date" value={date} onChange={setDate} autoComplete="off" />
            <TextField label="Time" id="followup-time" type="time" value={time} onChange={setTime} autoComplete="off" />
          </InlineGrid>
          <TextField label="Note" id="followup-note" value={note} onChange={setNote} autoComplete="off" />
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}

function CodeDialog({ card, onClose }: { card: BoardCard; onClose: () => void }) {
  const fetcher = useFetcher<ActionData>();
  const result = fetcher.state === "idle" && fetcher.data ? fetcher.data : null;
  return (
    <Modal open onClose={onClose} title={`One-time code for ${card.name}`}>
      <Modal.Section>
        <div data-testid="quick-dialog">
        <BlockStack gap="300">
          {card.discount ? <Text as="p">{`This cart already has ${card.discount.code}. A new code replaces it in the Discount template.`}</Text> : null}
          <InlineStack gap="200">
            {PERCENTS.map((p) => (
              <Button key={p} onClick={() => fetcher.submit({ intent: "code", checkoutId: card.id, percentOff: String(p) }, { method: "post" })} loading={fetcher.state !== "idle" && fetcher.formData?.get("percentOff") === String(p)}>
                {`${p}% off`}
              </Button>
            ))}
          </InlineStack>
          {result && result.ok && result.code ? (
            <Banner tone="success">
              <p id="code-result">{`Code ${result.code} is attached to this cart and inserted into the Discount template.`}</p>
            </Banner>
          ) : null}
          {result && !result.ok ? <Banner tone="critical">{result.error}</Banner> : null}
        </BlockStack>
        </div>
      </Modal.Section>
    </Modal>
  );
}
