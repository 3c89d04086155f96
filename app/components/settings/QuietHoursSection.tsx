// Settings > Quiet hours: no messages between two times, in the shop's time zone or the one given.
import { BlockStack, Card, Checkbox, InlineGrid, Layout, TextField } from "@shopify/polaris";
import type { SettingsDraft } from "./settings-draft";
import { NullableTextField } from "./SettingsFields";

export function QuietHoursSection({ draft, shopTimezone }: { draft: SettingsDraft; shopTimezone: string | null }) {
  const { s, set, err } = draft;
  return (
    <Layout.AnnotatedSection title="Quiet hours" description="No messages between these times in the time zone below.">
      <Card>
        <BlockStack gap="300">
          <Checkbox label="Respect quiet hours" checked={s.quietHours.enabled} onChange={(v) => set(["quietHours", "enabled"], v)} />
          <InlineGrid columns={2} gap="200">
            <TextField
              label="From"
              id="quiet-start"
              value={s.quietHours.start}
              onChange={(v) => set(["quietHours", "start"], v)}
              error={err("quietHours.start")}
              placeholder="21:00"
              autoComplete="off"
            />
            <TextField
              label="To"
              id="quiet-end"
              value={s.quietHours.end}
              onChange={(v) => set(["quietHours", "end"], v)}
              error={err("quietHours.end")}
              placeholder="08:00"
              autoComplete="off"
            />
          </InlineGrid>
          <NullableTextField
            draft={draft}
            label="Time zone"
            path={["quietHours", "timezone"]}
            value={s.quietHours.timezone}
            id="quiet-timezone"
            help={`IANA name such as Europe/Paris. Blank: the shop's (${shopTimezone ?? "unknown until Shopify sends it: UTC meanwhile"})`}
          />
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
