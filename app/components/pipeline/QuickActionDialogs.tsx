// The card's dialogs: confirm a move back from Lost, WhatsApp with a quick template, schedule a follow-up, a one-time code.
import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, ChoiceList, InlineGrid, InlineStack, Modal, Text, TextField } from "@shopify/polaris";
import { STAGE_LABELS, type Stage } from "../../lib/pipeline";
import { clickToChatUrl, whatsappTemplates, type QuickTemplateId } from "../../lib/quick-messages";
import type { BoardCard } from "../../models/pipeline-board.server";
import { QUICK_CODE_PERCENTS, type PipelineActionData } from "./shared";

export function ConfirmMoveDialog({
  card,
  to,
  note,
  onConfirm,
  onClose,
}: {
  card: BoardCard;
  to: Stage;
  note: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Modal
      open
      onClose={onClose}
      title={`Move ${card.name} to ${STAGE_LABELS[to]}?`}
      primaryAction={{ content: `Move to ${STAGE_LABELS[to]}`, onAction: onConfirm, id: "confirm-move" }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <p data-testid="move-note">{note ?? ""}</p>
      </Modal.Section>
    </Modal>
  );
}

export function WhatsAppDialog({ card, resumeNote, onClose }: { card: BoardCard; resumeNote: string | null; onClose: () => void }) {
  const fetcher = useFetcher<PipelineActionData>();
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
              {card.stage === "abandoned" || card.stage === "lost"
                ? `Logged as a message to the shopper; the card moves to Contacted.${resumeNote ? ` ${resumeNote}` : ""}`
                : "Logged as a message to the shopper."}
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

export function FollowUpDialog({ card, onClose }: { card: BoardCard; onClose: () => void }) {
  const fetcher = useFetcher<PipelineActionData>();
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
      secondaryActions={
        card.followUpAt
          ? [{ content: "Clear follow-up", onAction: () => fetcher.submit({ intent: "follow_up", checkoutId: card.id, clear: "1" }, { method: "post" }) }]
          : []
      }
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

export function CodeDialog({ card, onClose }: { card: BoardCard; onClose: () => void }) {
  const fetcher = useFetcher<PipelineActionData>();
  const result = fetcher.state === "idle" && fetcher.data ? fetcher.data : null;
  return (
    <Modal open onClose={onClose} title={`One-time code for ${card.name}`}>
      <Modal.Section>
        <div data-testid="quick-dialog">
          <BlockStack gap="300">
            {card.discount ? <Text as="p">{`This cart already has ${card.discount.code}. A new code replaces it in the Discount template.`}</Text> : null}
            <InlineStack gap="200">
              {QUICK_CODE_PERCENTS.map((p) => (
                <Button
                  key={p}
                  onClick={() => fetcher.submit({ intent: "code", checkoutId: card.id, percentOff: String(p) }, { method: "post" })}
                  loading={fetcher.state !== "idle" && fetcher.formData?.get("percentOff") === String(p)}
                >
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

/** Which dialog is open, for which card (and, for a confirmed move, to which stage). */
export type PipelineDialog = { kind: "whatsapp" | "followup" | "code"; card: BoardCard } | { kind: "confirm_move"; card: BoardCard; to: Stage } | null;

/** The open dialog, if any. A confirmed move back from Lost is submitted by the page (onConfirmMove). */
export function OpenDialog({
  dialog,
  resume,
  onConfirmMove,
  onClose,
}: {
  dialog: PipelineDialog;
  resume: Record<string, string | null>;
  onConfirmMove: (card: BoardCard, to: Stage) => void;
  onClose: () => void;
}) {
  return (
    <>
      {dialog?.kind === "confirm_move" ? (
        <ConfirmMoveDialog
          card={dialog.card}
          to={dialog.to}
          note={resume[dialog.card.id] ?? null}
          onConfirm={() => {
            onConfirmMove(dialog.card, dialog.to);
            onClose();
          }}
          onClose={onClose}
        />
      ) : null}
      {dialog?.kind === "whatsapp" ? <WhatsAppDialog card={dialog.card} resumeNote={resume[dialog.card.id] ?? null} onClose={onClose} /> : null}
      {dialog?.kind === "followup" ? <FollowUpDialog card={dialog.card} onClose={onClose} /> : null}
      {dialog?.kind === "code" ? <CodeDialog card={dialog.card} onClose={onClose} /> : null}
    </>
  );
}
