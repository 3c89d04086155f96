import { useState } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link as RemixLink, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, InlineGrid, InlineStack, Page, Pagination, Select, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { customerName, pageCount } from "../lib/board";
import { getMessagePreview, listMessageLog, LOG_PAGE_SIZE, parseLogFilters } from "../models/message-log.server";
import { channelLabel, ledgerStepLabel, skipReasonLabel } from "../lib/message-kinds";
import { adminContext } from "../shopify/admin-context.server";

const STATUSES = ["pending", "sending", "sent", "delivered", "opened", "clicked", "failed", "skipped", "bounced"];
const CHANNELS = ["email", "push", "whatsapp", "manual_whatsapp", "manual_call", "staff_alert"];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopRecord, now } = await adminContext(request);
  const params = new URL(request.url).searchParams;
  const filters = parseLogFilters(params);
  const pageNo = Math.max(1, Math.min(10_000, Math.floor(Number(params.get("page")) || 1)));
  const retentionDays = shopRecord.parsedSettings.retentionDays;
  const previewId = params.get("message");
  const [log, preview] = await Promise.all([
    listMessageLog({ shop, filters, page: pageNo, retentionDays, now }),
    previewId ? getMessagePreview({ shop, messageId: previewId }) : Promise.resolve(null),
  ]);
  const steps = shopRecord.parsedSettings.cadence.steps.map((s) => ({ id: s.id, label: s.label }));
  const stepLabels = Object.fromEntries(steps.map((s) => [s.id, s.label]));
  return json({
    retentionDays,
    since: log.since.toISOString(),
    total: log.total,
    page: pageNo,
    pages: pageCount(log.total, LOG_PAGE_SIZE),
    filters,
    steps,
    rows: log.rows.map((r) => ({
      id: r.id,
      checkoutId: r.checkoutId,
      customer: customerName(r.checkout),
      // Merchant words only: a staff alert is "Staff alert: ...", a message sent by hand "Sent by hand", never an id.
      step: ledgerStepLabel(r, stepLabels),
      channel: r.channel,
      channelLabel: channelLabel(r.channel),
      status: r.status,
      reason: r.lastError ?? r.skipReason ?? null,
      reasonLabel: r.lastError ?? skipReasonLabel(r.skipReason),
      attempts: r.attempts,
      recipient: r.recipient,
      subject: r.subject,
      code: r.incentiveCode,
      at: (r.sentAt ?? r.createdAt).toISOString(),
      opened: Boolean(r.openedAt),
      clicked: Boolean(r.clickedAt),
      purged: Boolean(r.purgedAt),
    })),
    preview,
  });
};

const statusTone = (s: string) =>
  s === "failed" || s === "bounced" ? ("critical" as const) : s === "skipped" ? ("warning" as const) : s === "clicked" || s === "opened" || s === "delivered" ? ("success" as const) : s === "sent" ? ("info" as const) : undefined;

export default function Logs() {
  const data = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const [filters, setFilters] = useState({ channel: data.filters.channel ?? "", status: data.filters.status ?? "", step: data.filters.step ?? "" });
  const update = (key: "channel" | "status" | "step", value: string) => {
    setFilters((f) => ({ ...f, [key]: value }));
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("page");
    next.delete("message");
    setParams(next);
  };
  const go = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    setParams(next, { preventScrollReset: true });
  };

  return (
    <Page fullWidth title="Logs" subtitle={`Every message of the last ${data.retentionDays} days (your log retention), newest first.`}>
      <TitleBar title="Logs" />
      <BlockStack gap="400">
        <Card>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
            <Select label="Channel" id="log-channel" options={[{ label: "All channels", value: "" }, ...CHANNELS.map((c) => ({ label: channelLabel(c), value: c }))]} value={filters.channel} onChange={(v) => update("channel", v)} />
            <Select label="Status" id="log-status" options={[{ label: "All statuses", value: "" }, ...STATUSES.map((c) => ({ label: c, value: c }))]} value={filters.status} onChange={(v) => update("status", v)} />
            <Select label="Step" id="log-step" options={[{ label: "All steps", value: "" }, ...data.steps.map((s) => ({ label: s.label, value: s.id }))]} value={filters.step} onChange={(v) => update("step", v)} />
          </InlineGrid>
        </Card>
        <InlineGrid columns={{ xs: 1, lg: data.preview ? 2 : 1 }} gap="400">
          <Card>
            <BlockStack gap="300">
              <Text as="p" tone="subdued" id="log-total">
                {`${data.total.toLocaleString("en-US")} messages`}
              </Text>
              <div id="log-table" style={{ opacity: navigation.state === "loading" ? 0.6 : 1 }}>
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text", "text", "text"]}
                  headings={["When", "Customer", "Step", "Channel", "Status", "Reason", ""]}
                  rows={data.rows.map((r) => [
                    new Date(r.at).toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }),
                    <RemixLink key="c" to={`/app/checkouts/${r.checkoutId}`}>
                      {r.customer}
                    </RemixLink>,
                    r.step,
                    r.channelLabel,
                    <InlineStack key="s" gap="100">
                      <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                      {r.opened && r.status !== "opened" ? <Badge>opened</Badge> : null}
                      {r.clicked && r.status !== "clicked" ? <Badge>clicked</Badge> : null}
                    </InlineStack>,
                    <span key="r" data-testid="log-reason">
                      {r.reasonLabel ?? ""}
                    </span>,
                    r.channel === "email" && !r.purged ? (
                      <button key="p" type="button" className="Polaris-Link" data-testid="log-preview" onClick={() => go({ message: r.id })} style={{ background: "none", border: 0, cursor: "pointer", color: "#005bd3" }}>
                        Preview
                      </button>
                    ) : (
                      ""
                    ),
                  ])}
                />
              </div>
              <InlineStack align="center">
                <Pagination
                  hasPrevious={data.page > 1}
                  hasNext={data.page < data.pages}
                  onPrevious={() => go({ page: String(data.page - 1), message: null })}
                  onNext={() => go({ page: String(data.page + 1), message: null })}
                  label={`Page ${data.page} of ${data.pages}`}
                />
              </InlineStack>
            </BlockStack>
          </Card>
          {data.preview ? (
            <Card>
              <BlockStack gap="200">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    {data.preview.subject ?? "(no subject)"}
                  </Text>
                  <button type="button" onClick={() => go({ message: null })} style={{ background: "none", border: 0, cursor: "pointer", color: "#005bd3" }}>
                    Close
                  </button>
                </InlineStack>
                {data.preview.recipient ? (
                  <Text as="p" tone="subdued">
                    {`To ${data.preview.recipient}`}
                  </Text>
                ) : null}
                {data.preview.bodyHtml ? (
                  <iframe
                    id="email-preview"
                    title="Email preview"
                    sandbox=""
                    srcDoc={data.preview.bodyHtml}
                    style={{ width: "100%", height: 560, border: "1px solid #e3e3e3", borderRadius: 8, background: "#fff" }}
                  />
                ) : (
                  <Text as="p" tone="subdued">
                    {data.preview.purgedAt ? "The body was purged after the retention period." : data.preview.bodyText ?? "No body was recorded for this message."}
                  </Text>
                )}
              </BlockStack>
            </Card>
          ) : null}
        </InlineGrid>
      </BlockStack>
    </Page>
  );
}
