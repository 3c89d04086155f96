// Settings > Measurement: the holdout group that lets the Overview show what the reminders caused.
import { BlockStack, Card, Layout, Text } from "@shopify/polaris";
import { HOLDOUT_MAX_PERCENT } from "../../lib/settings";
import type { SettingsDraft } from "./settings-draft";
import { NumField } from "./SettingsFields";

export function MeasurementSection({ draft }: { draft: SettingsDraft }) {
  return (
    <Layout.AnnotatedSection
      title="Measurement"
      description="A small random share of shoppers gets no reminders, so the Overview can show how many orders the reminders caused, not just how many followed them."
    >
      <Card>
        <BlockStack gap="200">
          <NumField draft={draft} label="Hold out" path={["holdout", "percent"]} value={draft.s.holdout.percent} id="holdout-percent" suffix="% of shoppers" />
          <Text as="p" variant="bodySm" tone="subdued">
            0 turns it off; at most {HOLDOUT_MAX_PERCENT}%. A shopper stays in the same group on every device. Handoffs to your team still apply to held-out
            shoppers.
          </Text>
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
