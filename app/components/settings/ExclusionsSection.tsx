// Settings > Consent and exclusions: the email policy, which checkouts are never messaged, and the frequency cap.
import { BlockStack, Card, Checkbox, Layout, Select, TextField } from "@shopify/polaris";
import { FrequencyCapFields } from "./FrequencyCapFields";
import type { SettingsDraft } from "./settings-draft";

export function ExclusionsSection({ draft, currency }: { draft: SettingsDraft; currency: string }) {
  const { s, set, err, money, setMoney, tags, setTags } = draft;
  return (
    <Layout.AnnotatedSection title="Consent and exclusions" description="Who may be emailed, and which checkouts are never messaged.">
      <Card>
        <BlockStack gap="300">
          <Select
            label="Email policy"
            id="consent-email"
            options={[
              { label: "All shoppers who gave an email (transactional reminder)", value: "all" },
              { label: "Only shoppers subscribed to email marketing", value: "subscribers" },
            ]}
            value={s.consent.emailPolicy}
            onChange={(v) => set(["consent", "emailPolicy"], v)}
            error={err("consent.emailPolicy")}
          />
          <Checkbox label="Exclude test checkouts" checked={s.exclusions.excludeTest} onChange={(v) => set(["exclusions", "excludeTest"], v)} />
          <Checkbox label="Exclude staff checkouts" checked={s.exclusions.excludeStaff} onChange={(v) => set(["exclusions", "excludeStaff"], v)} />
          <TextField
            label="Minimum cart value"
            id="exclusions-min-cart"
            type="number"
            prefix={currency}
            value={money.minCart}
            onChange={(v) => setMoney((m) => ({ ...m, minCart: v }))}
            error={err("exclusions.minCartValueMinor")}
            autoComplete="off"
          />
          <TextField
            label="Excluded customer tags"
            id="exclusions-tags"
            value={tags}
            onChange={setTags}
            helpText="Comma-separated. A checkout whose customer carries one of these tags (in any case) gets no messages."
            error={err("exclusions.excludedCustomerTags")}
            autoComplete="off"
          />
          <FrequencyCapFields draft={draft} />
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
