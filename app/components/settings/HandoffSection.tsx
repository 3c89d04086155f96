// Settings > Handoff to staff: which carts a person should take over, and where the alert goes.
import { BlockStack, Card, Checkbox, Layout, TextField } from "@shopify/polaris";
import type { SettingsDraft } from "./settings-draft";
import { NullableTextField } from "./SettingsFields";

export function HandoffSection({ draft, currency }: { draft: SettingsDraft; currency: string }) {
  const { s, set, err, money, setMoney } = draft;
  return (
    <Layout.AnnotatedSection title="Handoff to staff" description="Which carts a person should take over, and where the alert goes.">
      <Card>
        <BlockStack gap="300">
          <TextField
            label="High-value threshold"
            id="handoff-threshold"
            type="number"
            prefix={currency}
            value={money.highValue}
            onChange={(v) => setMoney((m) => ({ ...m, highValue: v }))}
            error={err("handoff.highValueThresholdMinor")}
            autoComplete="off"
          />
          <Checkbox label="Hand off returning customers" checked={s.handoff.returningCustomers} onChange={(v) => set(["handoff", "returningCustomers"], v)} />
          <Checkbox label="Hand off failed payments" checked={s.handoff.failedPayments} onChange={(v) => set(["handoff", "failedPayments"], v)} />
          <Checkbox
            label="Keep automatic messages going after a handoff"
            checked={s.handoff.continueAutomation}
            onChange={(v) => set(["handoff", "continueAutomation"], v)}
          />
          <NullableTextField
            draft={draft}
            label="Staff alert email"
            path={["handoff", "staffAlertEmail"]}
            value={s.handoff.staffAlertEmail}
            id="handoff-alert-email"
          />
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
