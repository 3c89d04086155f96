// Settings > Logs: how long message bodies and logs are kept.
import { Card, Layout } from "@shopify/polaris";
import type { SettingsDraft } from "./settings-draft";
import { NumField } from "./SettingsFields";

export function RetentionSection({ draft }: { draft: SettingsDraft }) {
  return (
    <Layout.AnnotatedSection title="Logs" description="How long message bodies and logs are kept.">
      <Card>
        <NumField draft={draft} label="Keep message logs for" path={["retentionDays"]} value={draft.s.retentionDays} id="retention-days" suffix="days" />
      </Card>
    </Layout.AnnotatedSection>
  );
}
