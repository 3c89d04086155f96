// Checkout detail: which staff member owns the checkout, and assigning it.
import { useState } from "react";
import { BlockStack, Button, Card, InlineStack, Text, TextField } from "@shopify/polaris";
import type { CheckoutFetcher } from "./shared";

export function OwnerCard({ owner: current, fetcher }: { owner: string | null; fetcher: CheckoutFetcher }) {
  const [owner, setOwner] = useState(current ?? "");
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Owner
        </Text>
        <TextField label="Assigned to" id="owner-name" value={owner} onChange={setOwner} autoComplete="off" placeholder="Staff member" />
        <InlineStack>
          <Button onClick={() => fetcher.submit({ intent: "owner", owner }, { method: "post" })} loading={fetcher.state !== "idle"} id="owner-save">
            Assign
          </Button>
        </InlineStack>
        {current ? (
          <Text as="p" tone="subdued" id="owner-current">
            {`Currently: ${current}`}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
