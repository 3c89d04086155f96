// Settings: what Shopify told us about the store, what is missing and what that means, and "Reload from Shopify".
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, List, Text } from "@shopify/polaris";
import type { OrderSyncSummary } from "../../lib/order-sync-status";
import type { StoreProfileSummary } from "../../lib/shop-profile";

export const RELOAD_PROFILE_INTENT = "reload-profile";

function Row({ label, value, id }: { label: string; value: string | null; id: string }) {
  return (
    <InlineStack gap="200" wrap={false}>
      <Text as="span" tone="subdued">
        {label}:
      </Text>
      <Text as="span" id={id}>
        {value ?? "Unknown"}
      </Text>
    </InlineStack>
  );
}

export function StoreProfileCard({ profile, orderSync }: { profile: StoreProfileSummary; orderSync: OrderSyncSummary }) {
  const fetcher = useFetcher<{ profileReload?: { loaded: boolean; error: string | null } }>();
  const reload = fetcher.data?.profileReload;
  const busy = fetcher.state !== "idle";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {profile.name ?? profile.domain}
          </Text>
          {profile.devStore ? <Badge>Development store</Badge> : null}
        </InlineStack>
        <Row label="Store domain" value={profile.domain} id="profile-domain" />
        <Row label="Owner email (staff alerts without an alert address)" value={profile.email} id="profile-email" />
        <Row label="Customer contact email" value={profile.contactEmail} id="profile-contact-email" />
        <Row label="Currency" value={profile.currency} id="profile-currency" />
        <Row label="Time zone" value={profile.timezone} id="profile-timezone" />
        <Row label="Plan" value={profile.plan} id="profile-plan" />
        <Row label="Billing address (email footer)" value={profile.address} id="profile-address" />
        <Row label="Last loaded from Shopify" value={profile.syncedAt ?? "Never"} id="profile-synced" />
        <Row label="Orders last checked with Shopify" value={orderSync.checkedAt ?? "Not yet"} id="orders-synced" />
        {orderSync.tone === "warning" ? (
          <Banner tone="warning">
            <p id="orders-sync-message">{orderSync.message}</p>
          </Banner>
        ) : (
          <Text as="p" variant="bodySm" tone="subdued" id="orders-sync-message">
            {orderSync.message}
          </Text>
        )}
        {profile.missing.length ? (
          <Banner tone="warning" title="Some of the store's details are missing">
            <List>
              {profile.missing.map((m) => (
                <List.Item key={m.field}>
                  <span id={`profile-missing-${m.field}`}>{m.message}</span>
                </List.Item>
              ))}
            </List>
          </Banner>
        ) : null}
        {reload && !busy ? (
          <Text as="p" id="profile-reload-result" tone={reload.loaded ? "success" : "critical"}>
            {reload.loaded ? "Reloaded from Shopify." : `Could not reload: ${reload.error ?? "unknown reason"}.`}
          </Text>
        ) : null}
        <InlineStack>
          <Button id="profile-reload" loading={busy} onClick={() => fetcher.submit({ intent: RELOAD_PROFILE_INTENT }, { method: "post" })}>
            Reload from Shopify
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
