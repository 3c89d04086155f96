import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { cardValue, customerName } from "../lib/board";
import { InputError } from "../lib/errors";
import { formatMoney } from "../lib/money";
import { merchantCurrency } from "../lib/shop-view";
import { STAGE_LABELS, isStage, nextAction, type Stage } from "../lib/pipeline";
import { buildTimeline } from "../lib/timeline";
import { getCheckoutDetail } from "../models/checkout-detail.server";
import { ledgerStepLabel } from "../lib/message-kinds";
import { moveByHand, resumeNotes } from "../models/stage-moves.server";
import { addNote, assignOwner } from "../models/staff-actions.server";
import { adminContext, refusal } from "../shopify/admin-context.server";

const stageLabel = (s: string) => (isStage(s) ? STAGE_LABELS[s] : s || "?");

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
    otherCheckouts: detail.otherCheckouts.map((o) => ({ id: o.id, at: o.shopifyCreatedAt.toISOString(), totalMinor: o.totalMinor, currency: o.currency, stage: o.stage, status: o.status })),
    orders: detail.orders.map((o) => ({ id: o.id, name: o.name ?? o.orderId, at: o.shopifyCreatedAt.toISOString(), totalMinor: o.totalMinor, currency: o.currency, recovered: o.recovered })),
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

type ActionData = { ok: true; intent: string } | { ok: false; error: string };

const when = (iso: string) => new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit" });

export default function CheckoutDetail() {
  const data = useLoaderData<typeof loader>();
  const c = data.checkout;
  const money = (m: number, cur = c.currency) => formatMoney(m, cur);
  const noteFetcher = useFetcher<ActionData>();
  const ownerFetcher = useFetcher<ActionData>();
  const moveFetcher = useFetcher<ActionData>();
  const [note, setNote] = useState("");
  const [owner, setOwner] = useState(c.owner ?? "");
  useEffect(() => {
    if (noteFetcher.state === "idle" && noteFetcher.data?.ok) setNote("");
  }, [noteFetcher.state, noteFetcher.data]);
  const next = nextAction(c.stage);
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
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Timeline
                </Text>
                <ol id="timeline" style={{ listStyle: "none", margin: 0, padding: 0 }}>
                  {data.timeline.map((e, i) => (
                    <li key={i} data-kind={e.kind} style={{ borderLeft: "2px solid #e3e3e3", padding: "4px 0 10px 12px" }}>
                      <Text as="p" variant="bodySm" tone="subdued">
                        {when(e.at)}
                        {e.actor ? ` · ${e.actor}` : ""}
                      </Text>
                      <Text as="p" fontWeight="semibold">
                        {e.title}
                      </Text>
                      {e.detail ? <Text as="p">{e.detail}</Text> : null}
                    </li>
                  ))}
                </ol>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Add a note
                </Text>
                <TextField label="Note" labelHidden id="note-body" value={note} onChange={setNote} multiline={3} autoComplete="off" />
                <InlineStack>
                  <Button onClick={() => noteFetcher.submit({ intent: "note", body: note }, { method: "post" })} loading={noteFetcher.state !== "idle"} disabled={!note.trim()} id="note-add">
                    Add note
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Cart
                </Text>
                <div id="cart-items">
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric"]}
                    headings={["Item", "Quantity", "Price"]}
                    rows={data.items.map((i) => [`${i.title}${i.variantTitle ? ` (${i.variantTitle})` : ""}`, i.quantity, money(i.priceMinor)])}
                    totals={["", "", money(c.totalMinor)]}
                    showTotalsInFooter
                  />
                </div>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Customer
                </Text>
                <Text as="p">{c.email ?? "No email"}</Text>
                {c.phone ? <Text as="p">{c.phone}</Text> : null}
                <InlineStack gap="100">
                  <Badge>{c.returningCustomer ? "Returning customer" : "New customer"}</Badge>
                  <Badge tone={c.priority === "urgent" ? "critical" : c.priority === "high" ? "warning" : undefined}>{`Priority: ${c.priority}`}</Badge>
                  {c.handoff ? <Badge tone="attention">{`Handoff${c.handoffReason ? `: ${c.handoffReason}` : ""}`}</Badge> : null}
                </InlineStack>
                {data.resumeNote ? (
                  <Text as="p" tone="subdued" id="resume-note">
                    {data.resumeNote}
                  </Text>
                ) : null}
                {next ? (
                  <Button variant="primary" onClick={() => moveFetcher.submit({ intent: "move", to: next.to }, { method: "post" })} loading={moveFetcher.state !== "idle"}>
                    {next.label}
                  </Button>
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Owner
                </Text>
                <TextField label="Assigned to" id="owner-name" value={owner} onChange={setOwner} autoComplete="off" placeholder="Staff member" />
                <InlineStack>
                  <Button onClick={() => ownerFetcher.submit({ intent: "owner", owner }, { method: "post" })} loading={ownerFetcher.state !== "idle"} id="owner-save">
                    Assign
                  </Button>
                </InlineStack>
                {c.owner ? (
                  <Text as="p" tone="subdued" id="owner-current">
                    {`Currently: ${c.owner}`}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
            {data.incentives.length ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Codes
                  </Text>
                  {data.incentives.map((i) => (
                    <InlineStack key={i.code} gap="100">
                      <Text as="span" fontWeight="semibold">
                        {i.code}
                      </Text>
                      <Badge>{i.status}</Badge>
                    </InlineStack>
                  ))}
                </BlockStack>
              </Card>
            ) : null}
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Customer history
                </Text>
                <div id="customer-history">
                  <BlockStack gap="100">
                    {data.otherCheckouts.length === 0 && data.orders.length === 0 ? (
                      <Text as="p" tone="subdued">
                        No other checkouts or orders.
                      </Text>
                    ) : null}
                    {data.otherCheckouts.map((o) => (
                      <Text as="p" key={o.id}>
                        <RemixLink to={`/app/checkouts/${o.id}`}>{`Checkout ${when(o.at)}`}</RemixLink>
                        {` · ${money(o.totalMinor, o.currency)} · ${stageLabel(o.stage)}`}
                      </Text>
                    ))}
                    {data.orders.map((o) => (
                      <Text as="p" key={o.id}>
                        {`Order ${o.name} · ${when(o.at)} · ${money(o.totalMinor, o.currency)}${o.recovered ? " · recovered" : ""}`}
                      </Text>
                    ))}
                  </BlockStack>
                </div>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
