import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, InlineGrid, Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { customerName, pageCount } from "../lib/board";
import { getMessagePreview, listMessageLog, LOG_PAGE_SIZE, parseLogFilters } from "../models/message-log.server";
import { channelLabel, ledgerStepLabel, skipReasonLabel } from "../lib/message-kinds";
import { adminContext } from "../shopify/admin-context.server";
import { EmailPreview } from "../components/logs/EmailPreview";
import { LogFilters } from "../components/logs/LogFilters";
import { LogTable } from "../components/logs/LogTable";

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

export default function Logs() {
  const data = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
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
        <LogFilters filters={data.filters} steps={data.steps} />
        <InlineGrid columns={{ xs: 1, lg: data.preview ? 2 : 1 }} gap="400">
          <LogTable rows={data.rows} total={data.total} page={data.page} pages={data.pages} loading={navigation.state === "loading"} go={go} />
          {data.preview ? <EmailPreview preview={data.preview} onClose={() => go({ message: null })} /> : null}
        </InlineGrid>
      </BlockStack>
    </Page>
  );
}
