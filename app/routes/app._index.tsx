import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { db } from "../db.server";
import { authenticate } from "../shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const [checkouts, completed, orders] = await Promise.all([
    db.checkout.count({ where: { shop } }),
    db.checkout.count({ where: { shop, completedAt: { not: null } } }),
    db.order.count({ where: { shop } }),
  ]);
  return json({ shop, checkouts, completed, orders });
};

export default function Overview() {
  const { shop, checkouts, completed, orders } = useLoaderData<typeof loader>();
  return (
    <Page title="Overview">
      <TitleBar title="Checkout Recovery" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" variant="bodyMd">
              Recovery for {shop}
            </Text>
            <InlineGrid columns={3} gap="400">
              <Card>
                <Text as="h2" variant="headingSm">
                  Checkouts received
                </Text>
                <Text as="p" variant="heading2xl" id="metric-checkouts">
                  {checkouts}
                </Text>
              </Card>
              <Card>
                <Text as="h2" variant="headingSm">
                  Completed
                </Text>
                <Text as="p" variant="heading2xl" id="metric-completed">
                  {completed}
                </Text>
              </Card>
              <Card>
                <Text as="h2" variant="headingSm">
                  Orders
                </Text>
                <Text as="p" variant="heading2xl" id="metric-orders">
                  {orders}
                </Text>
              </Card>
            </InlineGrid>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
