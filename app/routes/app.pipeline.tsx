import { merchantCurrency } from "../lib/shop-view";
import { useCallback, useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { parseBoardFilters, parseColumnPages, parseFollowUp, BOARD_PAGE_SIZE } from "../lib/board";
import { InputError } from "../lib/errors";
import { STAGE_LABELS, isStage, type Stage } from "../lib/pipeline";
import { listBoard, type BoardCard } from "../models/pipeline-board.server";
import { moveByHand, resumeNotes } from "../models/stage-moves.server";
import { logManualCall, logManualWhatsApp, scheduleFollowUp } from "../models/staff-actions.server";
import { issueManualCode } from "../incentives/service.server";
import { adminContext, refusal } from "../shopify/admin-context.server";
import { Board } from "../components/pipeline/Board";
import { BoardFilters } from "../components/pipeline/BoardFilters";
import { FollowUpsDue } from "../components/pipeline/FollowUpsDue";
import { OpenDialog, type PipelineDialog as Dialog } from "../components/pipeline/QuickActionDialogs";
import { QUICK_CODE_PERCENTS, type PipelineActionData } from "../components/pipeline/shared";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopRecord, now } = await adminContext(request);
  const params = new URL(request.url).searchParams;
  const filters = parseBoardFilters(params, merchantCurrency(shopRecord));
  const board = await listBoard({ shop, filters, pages: parseColumnPages(params), now });
  // Lost cards say, before they are moved back to Contacted, whether reminders resume (and the move does that).
  const lostIds = board.columns
    .flatMap((c) => c.cards)
    .filter((c) => c.stage === "lost")
    .map((c) => c.id);
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

export default function Pipeline() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const fetcher = useFetcher<ActionData>();
  const navigation = useNavigation();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data && !fetcher.data.ok) setError(fetcher.data.error);
  }, [fetcher.state, fetcher.data]);

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
  const movingId = fetcher.state !== "idle" && fetcher.formData?.get("intent") === "move" ? String(fetcher.formData.get("checkoutId")) : null;
  const moving = movingId ? { id: movingId, to: String(fetcher.formData?.get("to")) } : null;

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
          <Board
            columns={data.columns}
            pageSize={data.pageSize}
            currency={data.currency}
            resume={data.resume}
            moving={moving}
            onMove={move}
            onCall={logCall}
            onDialog={(kind, card) => setDialog({ kind, card })}
            onRefused={setError}
          />
        </div>
      </BlockStack>
      <OpenDialog dialog={dialog} resume={data.resume} onConfirmMove={submitMove} onClose={() => setDialog(null)} />
    </Page>
  );
}
