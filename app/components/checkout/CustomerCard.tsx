// Checkout detail: who the shopper is, the checkout's priority and handoff, and the button to its next stage.
import { Badge, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import { nextAction, type Stage } from "../../lib/pipeline";
import type { CheckoutFetcher } from "./shared";

export interface CheckoutCustomerView {
  email: string | null;
  phone: string | null;
  stage: Stage;
  priority: string;
  handoff: boolean;
  handoffReason: string | null;
  returningCustomer: boolean;
}

export function CustomerCard({
  checkout: c,
  resumeNote,
  moveFetcher,
}: {
  checkout: CheckoutCustomerView;
  resumeNote: string | null;
  moveFetcher: CheckoutFetcher;
}) {
  const next = nextAction(c.stage);
  return (
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
        {resumeNote ? (
          <Text as="p" tone="subdued" id="resume-note">
            {resumeNote}
          </Text>
        ) : null}
        {next ? (
          <Button
            variant="primary"
            onClick={() => moveFetcher.submit({ intent: "move", to: next.to }, { method: "post" })}
            loading={moveFetcher.state !== "idle"}
          >
            {next.label}
          </Button>
        ) : null}
      </BlockStack>
    </Card>
  );
}
