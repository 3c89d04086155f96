// Frequency cap (issue 14): what it counts, and a warning before saving when it would trim the cadence.
import { Banner, InlineGrid, Text } from "@shopify/polaris";
import { FREQUENCY_CAP_HELP, capProblem } from "../../lib/frequency-cap";
import type { SettingsDraft } from "./settings-draft";
import { NumField } from "./SettingsFields";

export function FrequencyCapFields({ draft }: { draft: SettingsDraft }) {
  const { s } = draft;
  const capWarning =
    Number.isFinite(s.frequencyCap.maxMessages) && Number.isFinite(s.frequencyCap.perHours) ? capProblem(s.cadence.steps, s.frequencyCap) : null;
  return (
    <>
      <InlineGrid columns={2} gap="200">
        <NumField draft={draft} label="At most" path={["frequencyCap", "maxMessages"]} value={s.frequencyCap.maxMessages} id="cap-max" suffix="reminders" />
        <NumField draft={draft} label="Per" path={["frequencyCap", "perHours"]} value={s.frequencyCap.perHours} id="cap-hours" suffix="hours" />
      </InlineGrid>
      <Text as="p" variant="bodySm" tone="subdued" id="cap-help">
        {FREQUENCY_CAP_HELP}
      </Text>
      {capWarning ? (
        <Banner tone="warning">
          <p id="cap-warning">{capWarning}</p>
        </Banner>
      ) : null}
    </>
  );
}
