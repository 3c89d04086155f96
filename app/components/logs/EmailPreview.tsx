// Logs: an email as it was sent (sandboxed), or why its body is not there.
import { BlockStack, Card, InlineStack, Text } from "@shopify/polaris";

/** The loader's preview (app/models/message-log.server.ts getMessagePreview), dates as ISO strings. */
export interface MessagePreviewView {
  subject: string | null;
  recipient: string | null;
  bodyHtml: string | null;
  bodyText: string | null;
  purgedAt: string | null;
}

export function EmailPreview({ preview, onClose }: { preview: MessagePreviewView; onClose: () => void }) {
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            {preview.subject ?? "(no subject)"}
          </Text>
          <button type="button" onClick={onClose} style={{ background: "none", border: 0, cursor: "pointer", color: "#005bd3" }}>
            Close
          </button>
        </InlineStack>
        {preview.recipient ? (
          <Text as="p" tone="subdued">
            {`To ${preview.recipient}`}
          </Text>
        ) : null}
        {preview.bodyHtml ? (
          <iframe
            id="email-preview"
            title="Email preview"
            sandbox=""
            srcDoc={preview.bodyHtml}
            style={{ width: "100%", height: 560, border: "1px solid #e3e3e3", borderRadius: 8, background: "#fff" }}
          />
        ) : (
          <Text as="p" tone="subdued">
            {preview.purgedAt ? "The body was purged after the retention period." : (preview.bodyText ?? "No body was recorded for this message.")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
