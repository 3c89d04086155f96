// Settings > Channels and sender: whether each channel can send (Ready only after a real provider call), who the
// email comes from, and "Send test email".
import { Badge, BlockStack, Box, Card, InlineStack, Layout, Text } from "@shopify/polaris";
import { ChannelTestCard } from "./ChannelTestCard";
import type { SettingsDraft } from "./settings-draft";
import { NullableTextField } from "./SettingsFields";

/** One channel's setup as the loader sends it (app/recovery/channel-setup.server.ts ChannelSetup). */
export interface ChannelSetupView {
  ready: boolean;
  configured: boolean;
  reason: string | null;
}

export function ChannelsSection({
  draft,
  channels,
  repliesToApp,
}: {
  draft: SettingsDraft;
  channels: Record<string, ChannelSetupView>;
  repliesToApp: boolean;
}) {
  const { s } = draft;
  return (
    <Layout.AnnotatedSection id="channels" title="Channels and sender" description="Whether each channel can send, and who the email comes from.">
      <Card>
        <BlockStack gap="300">
          <BlockStack gap="100" id="channel-status">
            {Object.entries(channels).map(([name, st]) => (
              <InlineStack key={name} gap="200" blockAlign="center">
                <Text as="span" fontWeight="semibold">
                  {name === "whatsapp" ? "WhatsApp" : name[0].toUpperCase() + name.slice(1)}
                </Text>
                <Badge tone={st.ready ? "success" : st.configured ? "attention" : "warning"}>
                  {st.ready ? "Ready" : st.configured ? "Not ready" : "Not set up"}
                </Badge>
                {st.reason ? (
                  <Text as="span" tone="subdued" variant="bodySm">
                    {st.reason}
                  </Text>
                ) : null}
              </InlineStack>
            ))}
          </BlockStack>
          <NullableTextField
            draft={draft}
            label="Sender name"
            path={["sender", "fromName"]}
            value={s.sender.fromName}
            id="sender-name"
            help="Blank: the shop's name"
          />
          <NullableTextField
            draft={draft}
            label="Sender email"
            path={["sender", "fromEmail"]}
            value={s.sender.fromEmail}
            id="sender-email"
            help="Blank: the app's default sender"
          />
          <NullableTextField
            draft={draft}
            label="Reply-to"
            path={["sender", "replyTo"]}
            value={s.sender.replyTo}
            id="sender-reply-to"
            help={
              repliesToApp
                ? "Not used: replies come back to the app and show on the checkout's card in the Pipeline."
                : "Where shoppers' replies go. Blank: the sender email."
            }
          />
        </BlockStack>
      </Card>
      <Box paddingBlockStart="400">
        <ChannelTestCard
          anchor="email-test"
          title="Send test email"
          help="Sends a short email through SendGrid from the saved sender. Email shows Ready once one has gone out."
          label="Send to"
          field="email"
          intent="email-test"
          placeholder="you@example.com"
        />
      </Box>
    </Layout.AnnotatedSection>
  );
}
