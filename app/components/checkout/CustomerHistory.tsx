// Checkout detail: the same customer's other checkouts and their orders.
import { Link as RemixLink } from "@remix-run/react";
import { BlockStack, Card, Text } from "@shopify/polaris";
import { formatWhenWithYear as when } from "../../lib/admin-time";
import { stageLabel } from "../../lib/pipeline";

export interface OtherCheckoutView {
  id: string;
  at: string;
  totalMinor: number;
  currency: string;
  stage: string;
}

export interface CustomerOrderView {
  id: string;
  name: string;
  at: string;
  totalMinor: number;
  currency: string;
  recovered: boolean;
}

export function CustomerHistory({
  otherCheckouts,
  orders,
  money,
}: {
  otherCheckouts: OtherCheckoutView[];
  orders: CustomerOrderView[];
  money: (minor: number, currency: string) => string;
}) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Customer history
        </Text>
        <div id="customer-history">
          <BlockStack gap="100">
            {otherCheckouts.length === 0 && orders.length === 0 ? (
              <Text as="p" tone="subdued">
                No other checkouts or orders.
              </Text>
            ) : null}
            {otherCheckouts.map((o) => (
              <Text as="p" key={o.id}>
                <RemixLink to={`/app/checkouts/${o.id}`}>{`Checkout ${when(o.at)}`}</RemixLink>
                {` · ${money(o.totalMinor, o.currency)} · ${stageLabel(o.stage)}`}
              </Text>
            ))}
            {orders.map((o) => (
              <Text as="p" key={o.id}>
                {`Order ${o.name} · ${when(o.at)} · ${money(o.totalMinor, o.currency)}${o.recovered ? " · recovered" : ""}`}
              </Text>
            ))}
          </BlockStack>
        </div>
      </BlockStack>
    </Card>
  );
}
