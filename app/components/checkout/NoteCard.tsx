// Checkout detail: add a staff note (it lands on the timeline); the box clears once the note is saved.
import { useEffect, useState } from "react";
import { BlockStack, Button, Card, InlineStack, Text, TextField } from "@shopify/polaris";
import type { CheckoutFetcher } from "./shared";

export function NoteCard({ fetcher }: { fetcher: CheckoutFetcher }) {
  const [note, setNote] = useState("");
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) setNote("");
  }, [fetcher.state, fetcher.data]);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Add a note
        </Text>
        <TextField label="Note" labelHidden id="note-body" value={note} onChange={setNote} multiline={3} autoComplete="off" />
        <InlineStack>
          <Button
            onClick={() => fetcher.submit({ intent: "note", body: note }, { method: "post" })}
            loading={fetcher.state !== "idle"}
            disabled={!note.trim()}
            id="note-add"
          >
            Add note
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
