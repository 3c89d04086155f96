import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, InlineStack, Text, TextField } from "@shopify/polaris";
import type { IntentData } from "./channel-intent";

/** The WhatsApp access token: write-only. The page only knows whether one is stored. */
export function WhatsAppTokenCard({ set, appWide }: { set: boolean; appWide: boolean }) {
  const fetcher = useFetcher<IntentData>();
  const [token, setToken] = useState("");
  const [editing, setEditing] = useState(!set);
  const busy = fetcher.state !== "idle";
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  useEffect(() => {
    if (answer?.ok) {
      setToken("");
      setEditing(answer.intent === "whatsapp-token-remove");
    }
  }, [answer]);
  return (
    <Card>
      <BlockStack gap="300" id="whatsapp-token">
        <InlineStack gap="200" blockAlign="center">
          <Text as="span" fontWeight="semibold">
            Access token
          </Text>
          <Badge tone={set ? "success" : undefined}>{set ? "Set" : "Not set"}</Badge>
        </InlineStack>
        {!set && appWide ? (
          <Text as="p" tone="subdued" variant="bodySm">
            Until you save one, the app&apos;s own WhatsApp token is used.
          </Text>
        ) : null}
        {editing ? (
          <InlineStack gap="200" blockAlign="end">
            <Box minWidth="320px">
              <TextField
                label={set ? "New access token" : "Access token"}
                id="whatsapp-token-input"
                type="password"
                value={token}
                onChange={setToken}
                autoComplete="off"
                helpText="A permanent token of a system user in Meta Business Settings, with whatsapp_business_messaging. Stored encrypted; never shown again."
                error={answer && !answer.ok && answer.field === "token" ? answer.message : undefined}
              />
            </Box>
            <Button loading={busy} onClick={() => fetcher.submit({ intent: "whatsapp-token-save", token }, { method: "post" })}>
              Save token
            </Button>
          </InlineStack>
        ) : (
          <InlineStack gap="200">
            <Button onClick={() => setEditing(true)}>Replace</Button>
            <Button tone="critical" variant="plain" loading={busy} onClick={() => fetcher.submit({ intent: "whatsapp-token-remove" }, { method: "post" })}>
              Remove
            </Button>
          </InlineStack>
        )}
        {answer && (answer.ok || answer.field !== "token") ? (
          <Text as="p" tone={answer.ok ? "success" : "critical"} id="whatsapp-token-result">
            {answer.message}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
