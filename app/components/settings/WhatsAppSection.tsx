// Settings > WhatsApp: the Cloud API phone number id, template names and language, the write-only access token,
// and "Send test message".
import { BlockStack, Card, Checkbox, InlineGrid, Layout, Text, TextField } from "@shopify/polaris";
import { ChannelTestCard } from "./ChannelTestCard";
import type { SettingsDraft } from "./settings-draft";
import { NullableTextField } from "./SettingsFields";
import { WhatsAppTokenCard } from "./WhatsAppTokenCard";

export function WhatsAppSection({ draft, token }: { draft: SettingsDraft; token: { set: boolean; appWide: boolean } }) {
  const { s, set, err } = draft;
  return (
    <Layout.AnnotatedSection
      id="whatsapp"
      title="WhatsApp"
      description="WhatsApp Cloud API: your business's phone number id, an access token, and approved templates. WhatsApp shows Ready once a real message went out."
    >
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="300">
            <Checkbox label="Send WhatsApp messages" checked={s.whatsapp.enabled} onChange={(v) => set(["whatsapp", "enabled"], v)} />
            <NullableTextField
              draft={draft}
              label="Phone number id"
              path={["whatsapp", "phoneNumberId"]}
              value={s.whatsapp.phoneNumberId}
              id="whatsapp-phone-id"
              help="From WhatsApp Manager > API setup (digits, not the phone number itself)"
            />
            <TextField
              label="Template language"
              id="whatsapp-language"
              value={s.whatsapp.templateLanguage}
              onChange={(v) => set(["whatsapp", "templateLanguage"], v)}
              error={err("whatsapp.templateLanguage")}
              helpText="The language code the templates were approved in, for example en or en_US"
              autoComplete="off"
            />
            <InlineGrid columns={2} gap="200">
              <TextField
                label="Reminder template"
                id="whatsapp-tpl-reminder"
                value={s.whatsapp.templates.reminder}
                onChange={(v) => set(["whatsapp", "templates", "reminder"], v)}
                error={err("whatsapp.templates.reminder")}
                autoComplete="off"
              />
              <TextField
                label="Incentive template"
                id="whatsapp-tpl-incentive"
                value={s.whatsapp.templates.incentive}
                onChange={(v) => set(["whatsapp", "templates", "incentive"], v)}
                error={err("whatsapp.templates.incentive")}
                autoComplete="off"
              />
            </InlineGrid>
            <Text as="p" tone="subdued" variant="bodySm" id="whatsapp-consent-note">
              WhatsApp consent: from Shopify&apos;s WhatsApp marketing consent; where a customer has none, their SMS marketing consent is used.
            </Text>
          </BlockStack>
        </Card>
        <WhatsAppTokenCard set={token.set} appWide={token.appWide} />
        <ChannelTestCard
          anchor="whatsapp-test"
          title="Send test message"
          help="Sends the reminder template (saved settings) to this number through the WhatsApp Cloud API."
          label="Phone number"
          field="phone"
          intent="whatsapp-test"
          placeholder="+44 7700 900123"
        />
      </BlockStack>
    </Layout.AnnotatedSection>
  );
}
