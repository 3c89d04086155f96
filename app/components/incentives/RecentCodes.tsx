// Incentives: the most recent codes, automatic and manual, with what each saved or why it failed.
import { Badge, BlockStack, Card, DataTable, Text } from "@shopify/polaris";

/** One row of the loader's recent codes (app/routes/app.incentives.tsx), dates as ISO strings. */
export interface RecentCodeView {
  id: string;
  code: string;
  source: string;
  description: string;
  status: string;
  error: string | null;
  createdAt: string;
  endsAt: string;
  discount: string | null;
}

const STATUS_TONE: Record<string, "success" | "info" | "attention" | "critical" | undefined> = {
  active: "info",
  used: "success",
  pending: "attention",
  failed: "critical",
};

export function RecentCodes({ recent }: { recent: RecentCodeView[] }) {
  const rows = recent.map((r) => [
    r.code,
    r.description,
    r.source === "manual" ? "Manual" : "Automatic",
    <Badge key={r.id} tone={STATUS_TONE[r.status]}>
      {r.status}
    </Badge>,
    new Date(r.createdAt).toLocaleString(),
    new Date(r.endsAt).toLocaleString(),
    r.discount ?? (r.error ? r.error.slice(0, 60) : "-"),
  ]);
  return (
    <Card padding="0">
      <BlockStack gap="200">
        <div style={{ padding: "16px 16px 0" }}>
          <Text as="h2" variant="headingMd">
            Recent codes
          </Text>
        </div>
        {rows.length === 0 ? (
          <div style={{ padding: "0 16px 16px" }}>
            <Text as="p" tone="subdued">
              No codes yet. They appear here as steps carrying the incentive go out, or when staff give one from the pipeline.
            </Text>
          </div>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text", "text", "text", "text"]}
            headings={["Code", "Offer", "Source", "Status", "Issued", "Expires", "Saved / error"]}
            rows={rows}
          />
        )}
      </BlockStack>
    </Card>
  );
}
