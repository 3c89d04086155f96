// Settings > Cadence: the recovery window and each step (name, offset, channels, on/off, which carries the incentive).
import { BlockStack, Box, Button, Card, Checkbox, InlineGrid, InlineStack, Layout, Text, TextField } from "@shopify/polaris";
import { CHANNELS, type CadenceStep } from "../../lib/settings";
import { toNumber, type SettingsDraft } from "./settings-draft";
import { NumField } from "./SettingsFields";

export function CadenceSection({ draft }: { draft: SettingsDraft }) {
  const { s, set, setS, err } = draft;
  const steps = s.cadence.steps;
  return (
    <Layout.AnnotatedSection
      id="cadence"
      title="Cadence"
      description="When each step goes out after abandonment, on which channels, and which step carries the incentive."
    >
      <Card>
        <BlockStack gap="300">
          <NumField draft={draft} label="Recovery window" path={["cadence", "windowHours"]} value={s.cadence.windowHours} id="cadence-window" suffix="hours" />
          {err("cadence.steps") ? (
            <Text as="p" tone="critical" id="error-cadence-steps">
              {err("cadence.steps")}
            </Text>
          ) : null}
          {steps.map((step: CadenceStep, i: number) => (
            <Box key={i} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
              <BlockStack gap="200">
                <InlineGrid columns={{ xs: 1, md: 2 }} gap="200">
                  <TextField
                    label="Step name"
                    id={`step-${i}-label`}
                    value={step.label}
                    onChange={(v) => set(["cadence", "steps", i, "label"], v)}
                    error={err(`cadence.steps.${i}.label`)}
                    autoComplete="off"
                  />
                  <TextField
                    label="Send after"
                    id={`step-${i}-offset`}
                    type="number"
                    suffix="minutes"
                    value={Number.isFinite(step.offsetMinutes) ? String(step.offsetMinutes) : ""}
                    onChange={(v) => set(["cadence", "steps", i, "offsetMinutes"], toNumber(v))}
                    error={err(`cadence.steps.${i}.offsetMinutes`)}
                    autoComplete="off"
                  />
                </InlineGrid>
                <InlineStack gap="300" blockAlign="center">
                  {CHANNELS.map((c) => (
                    <Checkbox
                      key={c}
                      label={c === "whatsapp" ? "WhatsApp" : c[0].toUpperCase() + c.slice(1)}
                      checked={step.channels.includes(c)}
                      onChange={(on) => set(["cadence", "steps", i, "channels"], on ? [...step.channels, c] : step.channels.filter((x) => x !== c))}
                    />
                  ))}
                  <Checkbox label="On" id={`step-${i}-enabled`} checked={step.enabled} onChange={(on) => set(["cadence", "steps", i, "enabled"], on)} />
                  <Checkbox
                    label="Carries the incentive"
                    checked={step.carriesIncentive}
                    onChange={(on) =>
                      setS((prev) => ({
                        ...prev,
                        cadence: {
                          ...prev.cadence,
                          steps: prev.cadence.steps.map((st, k) => ({ ...st, carriesIncentive: k === i ? on : on ? false : st.carriesIncentive })),
                        },
                      }))
                    }
                  />
                  <Button
                    variant="plain"
                    tone="critical"
                    onClick={() => setS((prev) => ({ ...prev, cadence: { ...prev.cadence, steps: prev.cadence.steps.filter((_, k) => k !== i) } }))}
                  >
                    Remove
                  </Button>
                </InlineStack>
                {err(`cadence.steps.${i}.channels`) ? (
                  <Text as="p" tone="critical">
                    {err(`cadence.steps.${i}.channels`)}
                  </Text>
                ) : null}
                {err(`cadence.steps.${i}.id`) ? (
                  <Text as="p" tone="critical">
                    {err(`cadence.steps.${i}.id`)}
                  </Text>
                ) : null}
              </BlockStack>
            </Box>
          ))}
          <InlineStack>
            <Button
              disabled={steps.length >= 10}
              onClick={() =>
                setS((prev) => {
                  const last = prev.cadence.steps[prev.cadence.steps.length - 1];
                  const used = new Set(prev.cadence.steps.map((x) => x.id));
                  let n = prev.cadence.steps.length + 1;
                  while (used.has(`s${n}`)) n++;
                  const step: CadenceStep = {
                    id: `s${n}`,
                    label: "New step",
                    offsetMinutes: (last?.offsetMinutes ?? 0) + 60,
                    channels: ["email"],
                    enabled: true,
                    carriesIncentive: false,
                  };
                  return { ...prev, cadence: { ...prev.cadence, steps: [...prev.cadence.steps, step] } };
                })
              }
            >
              Add step
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
