// Logs: one page of messages, newest first (status badges, reason, a Preview for emails whose body is kept), and
// the pager.
import { Link as RemixLink } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, InlineStack, Pagination, Text } from "@shopify/polaris";
import { formatWhen } from "../../lib/admin-time";

/** One row as the loader sends it (app/routes/app.logs.tsx): merchant words only, never an id to read. */
export interface LogRowView {
  id: string;
  checkoutId: string;
  customer: string;
  step: string;
  channel: string;
  channelLabel: string;
  status: string;
  reasonLabel: string | null;
  at: string;
  opened: boolean;
  clicked: boolean;
  purged: boolean;
}

/** Changes to the URL's search parameters (null removes one). */
export type LogNavigate = (patch: Record<string, string | null>) => void;

const statusTone = (s: string) =>
  s === "failed" || s === "bounced"
    ? ("critical" as const)
    : s === "skipped"
      ? ("warning" as const)
      : s === "clicked" || s === "opened" || s === "delivered"
        ? ("success" as const)
        : s === "sent"
          ? ("info" as const)
          : undefined;

export function LogTable(props: { rows: LogRowView[]; total: number; page: number; pages: number; loading: boolean; go: LogNavigate }) {
  const { rows, total, page, pages, go } = props;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="p" tone="subdued" id="log-total">
          {`${total.toLocaleString("en-US")} messages`}
        </Text>
        <div id="log-table" style={{ opacity: props.loading ? 0.6 : 1 }}>
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text", "text", "text"]}
            headings={["When", "Customer", "Step", "Channel", "Status", "Reason", ""]}
            rows={rows.map((r) => [
              formatWhen(r.at),
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
                <button
                  key="p"
                  type="button"
                  className="Polaris-Link"
                  data-testid="log-preview"
                  onClick={() => go({ message: r.id })}
                  style={{ background: "none", border: 0, cursor: "pointer", color: "#005bd3" }}
                >
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
            hasPrevious={page > 1}
            hasNext={page < pages}
            onPrevious={() => go({ page: String(page - 1), message: null })}
            onNext={() => go({ page: String(page + 1), message: null })}
            label={`Page ${page} of ${pages}`}
          />
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
