// Checkout detail: the cart's lines and total, in the shopper's currency (the line items are in it).
import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";

export interface CartLine {
  title: string;
  variantTitle: string | null;
  quantity: number;
  priceMinor: number;
}

export function CartCard({ items, totalMinor, money }: { items: CartLine[]; totalMinor: number; money: (minor: number) => string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Cart
        </Text>
        <div id="cart-items">
          <DataTable
            columnContentTypes={["text", "numeric", "numeric"]}
            headings={["Item", "Quantity", "Price"]}
            rows={items.map((i) => [`${i.title}${i.variantTitle ? ` (${i.variantTitle})` : ""}`, i.quantity, money(i.priceMinor)])}
            totals={["", "", money(totalMinor)]}
            showTotalsInFooter
          />
        </div>
      </BlockStack>
    </Card>
  );
}
