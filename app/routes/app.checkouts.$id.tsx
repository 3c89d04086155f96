import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Layout, Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { formatWhenWithYear as when } from "../lib/admin-time";
import { cardValue, customerName } from "../lib/board";
import { InputError } from "../lib/errors";
import { formatMoney } from "../lib/money";
import { merchantCurrency } from "../lib/shop-view";
import { STAGE_LABELS, isStage, stageLabel, type Stage } from "../lib/pipeline";
import { buildTimeline } from "../lib/timeline";
import { getCheckoutDetail } from "../models/checkout-detail.server";
import { ledgerStepLabel } from "../lib/message-kinds";
import { moveByHand, resumeNotes } from "../models/stage-moves.server";
import { addNote, assignOwner } from "../models/staff-actions.server";
import { adminContext, refusal } from "../shopify/admin-context.server";
import { CartCard } from "../components/checkout/CartCard";
import { CodesCard } from "../components/checkout/CodesCard";
import { CustomerCard } from "../components/checkout/CustomerCard";
import { CustomerHistory } from "../components/checkout/CustomerHistory";
import { NoteCard } from "../components/checkout/NoteCard";
import { OwnerCard } from "../components/checkout/OwnerCard";
import type { CheckoutActionData as ActionData } from "../components/checkout/shared";
import { TimelineCard } from "../components/checkout/TimelineCard";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, shopRecord, now } = await adminContext(request);
  const detail = await getCheckoutDetail({ shop, id: String(params.id ?? "") });
  if (!detail) throw new Response("Checkout not found", { status: 404 });
  const { checkout: c } = detail;
  const steps = Object.fromEntries(shopRecord.parsedSettings.cadence.steps.map((s) => [s.id, s.label]));
  let items: Array<{ title: string; variantTitle: string | null; quantity: number; priceMinor: number; imageUrl: string | null; sku: string | null }> = [];
  try {
    items = JSON.parse(c.lineItems);
  } catch {
    items = [];
  }
  const timeline = buildTimeline({
    checkout: c,
    messages: detail.messages.map((m) => ({ ...m, stepLabel: ledgerStepLabel(m, steps) })),
    conversation: detail.conversation,
    notes: detail.notes,
    audit: detail.audit,
    stageLabel,
  });
  // A Lost checkout says, before it is moved back to Contacted, whether reminders resume.
  const resumeNote = c.stage === "lost" ? ((await resumeNotes({ shop, checkoutIds: [c.id], now }))[c.id] ?? null) : null;
  return json({
    resumeNote,
    checkout: {
      id: c.id,
      name: customerName(c),
      email: c.email,
      phone: c.phone,
      stage: isStage(c.stage) ? c.stage : ("abandoned" as Stage),
      status: c.status,
      priority: c.priority,
      handoff: c.handoff,
      handoffReason: c.handoffReason,
      owner: c.owner,
      followUpAt: c.followUpAt?.toISOString() ?? null,
      returningCustomer: c.returningCustomer,
      // The cart in the shopper's currency (the line items are in it); the shop value beside it when known.
      currency: c.currency,
      subtotalMinor: c.subtotalMinor,
      totalMinor: c.totalMinor,
      shopCurrency: c.shopCurrency,
      shopTotalMinor: c.shopTotalMinor,
      recoveryUrl: c.abandonedCheckoutUrl,
      createdAt: c.shopifyCreatedAt.toISOString(),
    },
    merchantCurrency: merchantCurrency(shopRecord),
    items,
    timeline,
    incentives: detail.incentives.map((i) => ({ code: i.code, status: i.status, percentOff: i.percentOff, endsAt: i.endsAt.toISOString(), source: i.source })),
    otherCheckouts: detail.otherCheckouts.map((o) => ({
      id: o.id,
      at: o.shopifyCreatedAt.toISOString(),
      totalMinor: o.totalMinor,
      currency: o.currency,
      stage: o.stage,
      status: o.status,
    })),
    orders: detail.orders.map((o) => ({
      id: o.id,
      name: o.name ?? o.orderId,
      at: o.shopifyCreatedAt.toISOString(),
      totalMinor: o.totalMinor,
      currency: o.currency,
      recovered: o.recovered,
    })),
  });
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, staff, now } = await adminContext(request);
  const checkoutId = String(params.id ?? "");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "note") {
      await addNote({ shop, checkoutId, author: staff, body: String(form.get("body") ?? ""), now });
      return json({ ok: true as const, intent });
    }
    if (intent === "owner") {
      await assignOwner({ shop, checkoutId, owner: String(form.get("owner") ?? ""), actor: `staff:${staff}` });
      return json({ ok: true as const, intent });
    }
    if (intent === "move") {
      const to = form.get("to");
      if (!isStage(to)) throw new InputError(400, "unknown stage");
      const moved = await moveByHand({ shop, checkoutId, to, actor: `staff:${staff}`, now });
      if (!moved.moved) return json({ ok: false as const, error: `This checkout cannot move to ${STAGE_LABELS[to]}.` }, { status: 409 });
      return json({ ok: true as const, intent });
    }
    throw new InputError(400, "unknown action");
  } catch (err) {
    return refusal(err);
  }
};

export default function CheckoutDetail() {
  const data = useLoaderData<typeof loader>();
  const c = data.checkout;
  const money = (m: number, cur = c.currency) => formatMoney(m, cur);
  const noteFetcher = useFetcher<ActionData>();
  const ownerFetcher = useFetcher<ActionData>();
  const moveFetcher = useFetcher<ActionData>();
  const failure = [noteFetcher.data, ownerFetcher.data, moveFetcher.data].find((d) => d && !d.ok) as { ok: false; error: string } | undefined;

  return (
    <Page
      backAction={{ content: "Pipeline", url: "/app/pipeline" }}
      title={c.name}
      titleMetadata={<Badge>{STAGE_LABELS[c.stage]}</Badge>}
      subtitle={`${cardValue(c, data.merchantCurrency)} · created ${when(c.createdAt)}`}
    >
      <TitleBar title={c.name} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {failure ? <Banner tone="critical">{failure.error}</Banner> : null}
            <TimelineCard timeline={data.timeline} />
            <NoteCard fetcher={noteFetcher} />
            <CartCard items={data.items} totalMinor={c.totalMinor} money={money} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <CustomerCard checkout={c} resumeNote={data.resumeNote} moveFetcher={moveFetcher} />
            <OwnerCard owner={c.owner} fetcher={ownerFetcher} />
            <CodesCard incentives={data.incentives} />
            <CustomerHistory otherCheckouts={data.otherCheckouts} orders={data.orders} money={money} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
