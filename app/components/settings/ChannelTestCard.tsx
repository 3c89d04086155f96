import { useState } from "react";
import { useFetcher } from "@remix-run/react";
import { BlockStack, Box, Button, Card, InlineStack, Text, TextField } from "@shopify/polaris";
import type { IntentData } from "./channel-intent";

/** One real call to a provider with a destination the merchant types; the answer says what to fix. */
export function ChannelTestCard(p: { anchor: string; title: string; help: string; label: string; field: string; intent: string; placeholder: string }) {
  const fetcher = useFetcher<IntentData>();
  const [to, setTo] = useState("");
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  return (
    <Card>
      <BlockStack gap="200" id={p.anchor}>
        <Text as="h3" variant="headingSm">
          {p.title}
        </Text>
        <Text as="p" tone="subdued" variant="bodySm">
          {p.help}
        </Text>
        <InlineStack gap="200" blockAlign="end">
          <Box minWidth="260px">
            <TextField label={p.label} id={`${p.anchor}-to`} value={to} onChange={setTo} placeholder={p.placeholder} autoComplete="off" />
          </Box>
          <Button
            loading={fetcher.state !== "idle"}
            onClick={() => fetcher.submit({ intent: p.intent, [p.field]: to }, { method: "post" })}
            id={`${p.anchor}-send`}
          >
            Send
          </Button>
        </InlineStack>
        {answer ? (
          <Text as="p" tone={answer.ok ? "success" : "critical"} id={`${p.anchor}-result`}>
            {answer.message}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
