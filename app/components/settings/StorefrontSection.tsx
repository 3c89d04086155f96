// Settings > Storefront: whether the theme app embed (the push prompt) is on in the live theme, and the deep link.
import { Badge, BlockStack, Card, InlineStack, Layout, Link, Text } from "@shopify/polaris";

/** The embed's state as the loader sends it (app/storefront/embed-status.server.ts EmbedStatus). */
export interface EmbedStatusView {
  active: boolean | null;
  themeEditorUrl: string;
  reason?: string;
}

export function StorefrontSection({ embed }: { embed: EmbedStatusView }) {
  return (
    <Layout.AnnotatedSection id="storefront" title="Storefront" description="The theme app embed asks shoppers for push permission.">
      <Card>
        <BlockStack gap="200" id="embed-status">
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">Theme app embed</Text>
            <Badge tone={embed.active ? "success" : embed.active === false ? "critical" : undefined}>
              {embed.active ? "Active" : embed.active === false ? "Not active" : "Unknown"}
            </Badge>
          </InlineStack>
          {embed.reason ? (
            <Text as="p" tone="subdued" variant="bodySm">
              {embed.reason}
            </Text>
          ) : null}
          <Link url={embed.themeEditorUrl} target="_blank" id="embed-deep-link">
            Open the theme editor to turn it on
          </Link>
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
