import { orderSyncSummary } from "../lib/order-sync-status";
import { merchantCurrency } from "../lib/shop-view";
import { toShopView } from "../lib/shop-view";
import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Checkbox, InlineGrid, InlineStack, Layout, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { loadChannelSetup } from "../recovery/channel-setup.server";
import { afterSettingsSaved, asReviewed, isChannelIntent, runChannelIntent } from "../recovery/channel-setup-actions.server";
import { getShopSecret, WHATSAPP_TOKEN_SECRET } from "../models/shop-secrets.server";
import { currencyExponent } from "../lib/money";
import { FREQUENCY_CAP_HELP, capProblem } from "../lib/frequency-cap";
import { CHANNELS, validateSettings, type CadenceStep, type Settings, type SettingsErrors } from "../lib/settings";
import { saveShopSettings } from "../models/shops.server";
import { getEmbedStatus } from "../storefront/embed-status.server";
import { adminContext } from "../shopify/admin-context.server";
import { ChannelTestCard } from "../components/settings/ChannelTestCard";
import { RELOAD_PROFILE_INTENT, StoreProfileCard } from "../components/settings/StoreProfileCard";
import { WhatsAppTokenCard } from "../components/settings/WhatsAppTokenCard";
import { storeProfileSummary } from "../lib/shop-profile";
import { loadShopProfile } from "../models/shop-profile.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopRecord } = await adminContext(request);
  const settings = shopRecord.parsedSettings;
  const view = toShopView(shopRecord, settings);
  const [embed, token] = await Promise.all([getEmbedStatus(shop), getShopSecret({ shop, name: WHATSAPP_TOKEN_SECRET })]);
  return json({
    settings,
    version: shopRecord.settingsVersion,
    currency: merchantCurrency(shopRecord),
    shopTimezone: shopRecord.timezone,
    // Channel setup: Ready only after a real provider call succeeded (app/channels/channel-setup.server.ts).
    channels: await loadChannelSetup(view, { embedActive: embed.active }),
    // The WhatsApp access token is write-only: the page learns only whether one is stored.
    whatsappToken: { set: token !== null, appWide: !!process.env.WHATSAPP_ACCESS_TOKEN },
    // With INBOUND_EMAIL_DOMAIN, email replies come back to the app (reply+<message>@...) and Reply-to is not used.
    repliesToApp: !!process.env.INBOUND_EMAIL_DOMAIN,
    embed,
    // Store profile card: what Shopify told us, and what is missing.
    storeProfile: storeProfileSummary(shopRecord),
    orderSync: orderSyncSummary(shopRecord),
  });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, staff, shopRecord, now } = await adminContext(request);
  const form = await request.formData();
  // "Reload from Shopify" on the Store profile card: the same load as at install, waited for.
  if (form.get("intent") === RELOAD_PROFILE_INTENT) {
    const r = await loadShopProfile({ domain: shop, now });
    return json({ ok: true as const, errors: {} as SettingsErrors, profileReload: { loaded: r.ok, error: r.ok ? null : r.error } });
  }
  // Channel setup actions (WhatsApp token, test message, test email): their own answers, separate from a save.
  const intent = form.get("intent");
  if (isChannelIntent(intent)) {
    const r = await runChannelIntent({ intent, form, shop: toShopView(shopRecord, shopRecord.parsedSettings), staff, now });
    return json(r.body, { status: r.status });
  }
  let input: unknown;
  try {
    input = JSON.parse(String(form.get("settings") ?? ""));
  } catch {
    return json({ ok: false as const, errors: { _: "The settings could not be read." } as SettingsErrors }, { status: 400 });
  }
  const result = validateSettings(input);
  if (!result.ok) return json({ ok: false as const, errors: result.errors }, { status: 422 });
  await saveShopSettings({ domain: shop, settings: asReviewed(result.settings), actor: `staff:${staff}` });
  await afterSettingsSaved(shop, shopRecord.parsedSettings, result.settings);
  return json({ ok: true as const, errors: {} as SettingsErrors });
};

type Path = Array<string | number>;

function setAt<T>(obj: T, path: Path, value: unknown): T {
  const clone = structuredClone(obj) as unknown as Record<string | number, unknown>;
  let cur = clone;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
  return clone as unknown as T;
}

/** Text input -> number for the document; blank or junk becomes NaN, which the validator reports at that field. */
const toNumber = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));

export default function SettingsPage() {
  const data = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const [s, setS] = useState<Settings>(data.settings as Settings);
  const [tags, setTags] = useState(data.settings.exclusions.excludedCustomerTags.join(", "));
  const errors: SettingsErrors = fetcher.data && !fetcher.data.ok && "errors" in fetcher.data ? (fetcher.data.errors as SettingsErrors) : {};
  const saved = fetcher.state === "idle" && fetcher.data?.ok;
  const exp = currencyExponent(data.currency);
  const toMajor = (minor: number) => String(minor / 10 ** exp);
  const fromMajor = (major: string) => {
    const n = toNumber(major);
    return Number.isFinite(n) ? Math.round(n * 10 ** exp) : Number.NaN;
  };
  const [money, setMoney] = useState({
    minCart: toMajor(data.settings.exclusions.minCartValueMinor),
    highValue: toMajor(data.settings.handoff.highValueThresholdMinor),
  });
  const set = (path: Path, value: unknown) => setS((prev) => setAt(prev, path, value));
  const err = (path: string) => errors[path];

  useEffect(() => {
    if (saved) window.scrollTo?.(0, 0);
  }, [saved]);

  const save = () => {
    const doc: Settings = {
      ...s,
      exclusions: {
        ...s.exclusions,
        minCartValueMinor: fromMajor(money.minCart),
        excludedCustomerTags: tags.split(",").map((t) => t.trim()).filter(Boolean),
      },
      handoff: { ...s.handoff, highValueThresholdMinor: fromMajor(money.highValue) },
    };
    fetcher.submit({ settings: JSON.stringify(doc) }, { method: "post" });
  };

  const steps = s.cadence.steps;
  const capWarning = Number.isFinite(s.frequencyCap.maxMessages) && Number.isFinite(s.frequencyCap.perHours) ? capProblem(steps, s.frequencyCap) : null;
  const errorCount = Object.keys(errors).length;
  const numField = (label: string, path: Path, value: number, id: string, suffix?: string) => (
    <TextField
      label={label}
      id={id}
      type="number"
      value={Number.isFinite(value) ? String(value) : ""}
      onChange={(v) => set(path, toNumber(v))}
      error={err(path.join("."))}
      suffix={suffix}
      autoComplete="off"
    />
  );
  const nullableText = (label: string, path: Path, value: string | null, id: string, help?: string) => (
    <TextField label={label} id={id} value={value ?? ""} onChange={(v) => set(path, v.trim() === "" ? null : v)} error={err(path.join("."))} helpText={help} autoComplete="off" />
  );

  return (
    <Page title="Settings" primaryAction={{ content: "Save", onAction: save, loading: fetcher.state !== "idle", id: "settings-save" }}>
      <TitleBar title="Settings" />
      <BlockStack gap="400">
        {saved ? (
          <Banner tone="success">
            <p id="settings-saved">Settings saved.</p>
          </Banner>
        ) : null}
        {errorCount ? (
          <Banner tone="critical" title={`${errorCount} ${errorCount === 1 ? "field needs" : "fields need"} attention. Nothing was saved.`}>
            <p id="settings-errors">{errors._ ?? "Fix the fields marked below, then save again."}</p>
          </Banner>
        ) : null}
        <Layout>
          <Layout.AnnotatedSection title="Store profile" description="The store's details as Shopify sends them: the sender name, email footer, currency, time zone and where staff alerts go.">
            <StoreProfileCard profile={data.storeProfile} orderSync={data.orderSync} />
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection id="cadence" title="Cadence" description="When each step goes out after abandonment, on which channels, and which step carries the incentive.">
            <Card>
              <BlockStack gap="300">
                {numField("Recovery window", ["cadence", "windowHours"], s.cadence.windowHours, "cadence-window", "hours")}
                {err("cadence.steps") ? <Text as="p" tone="critical" id="error-cadence-steps">{err("cadence.steps")}</Text> : null}
                {steps.map((step: CadenceStep, i: number) => (
                  <Box key={i} padding="300" borderWidth="025" borderColor="border" borderRadius="200">
                    <BlockStack gap="200">
                      <InlineGrid columns={{ xs: 1, md: 2 }} gap="200">
                        <TextField label="Step name" id={`step-${i}-label`} value={step.label} onChange={(v) => set(["cadence", "steps", i, "label"], v)} error={err(`cadence.steps.${i}.label`)} autoComplete="off" />
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
                          onChange={(on) => setS((prev) => ({ ...prev, cadence: { ...prev.cadence, steps: prev.cadence.steps.map((st, k) => ({ ...st, carriesIncentive: k === i ? on : on ? false : st.carriesIncentive })) } }))}
                        />
                        <Button variant="plain" tone="critical" onClick={() => setS((prev) => ({ ...prev, cadence: { ...prev.cadence, steps: prev.cadence.steps.filter((_, k) => k !== i) } }))}>
                          Remove
                        </Button>
                      </InlineStack>
                      {err(`cadence.steps.${i}.channels`) ? <Text as="p" tone="critical">{err(`cadence.steps.${i}.channels`)}</Text> : null}
                      {err(`cadence.steps.${i}.id`) ? <Text as="p" tone="critical">{err(`cadence.steps.${i}.id`)}</Text> : null}
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
                        const step: CadenceStep = { id: `s${n}`, label: "New step", offsetMinutes: (last?.offsetMinutes ?? 0) + 60, channels: ["email"], enabled: true, carriesIncentive: false };
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

          <Layout.AnnotatedSection id="channels" title="Channels and sender" description="Whether each channel can send, and who the email comes from.">
            <Card>
              <BlockStack gap="300">
                <BlockStack gap="100" id="channel-status">
                  {Object.entries(data.channels).map(([name, st]) => (
                    <InlineStack key={name} gap="200" blockAlign="center">
                      <Text as="span" fontWeight="semibold">
                        {name === "whatsapp" ? "WhatsApp" : name[0].toUpperCase() + name.slice(1)}
                      </Text>
                      <Badge tone={st.ready ? "success" : st.configured ? "attention" : "warning"}>{st.ready ? "Ready" : st.configured ? "Not ready" : "Not set up"}</Badge>
                      {st.reason ? (
                        <Text as="span" tone="subdued" variant="bodySm">
                          {st.reason}
                        </Text>
                      ) : null}
                    </InlineStack>
                  ))}
                </BlockStack>
                {nullableText("Sender name", ["sender", "fromName"], s.sender.fromName, "sender-name", "Blank: the shop's name")}
                {nullableText("Sender email", ["sender", "fromEmail"], s.sender.fromEmail, "sender-email", "Blank: the app's default sender")}
                {nullableText(
                  "Reply-to",
                  ["sender", "replyTo"],
                  s.sender.replyTo,
                  "sender-reply-to",
                  data.repliesToApp ? "Not used: replies come back to the app and show on the checkout's card in the Pipeline." : "Where shoppers' replies go. Blank: the sender email.",
                )}
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
                <TextField label="Minimum cart value" id="exclusions-min-cart" type="number" prefix={data.currency} value={money.minCart} onChange={(v) => setMoney((m) => ({ ...m, minCart: v }))} error={err("exclusions.minCartValueMinor")} autoComplete="off" />
                <TextField label="Excluded customer tags" id="exclusions-tags" value={tags} onChange={setTags} helpText="Comma-separated. A checkout whose customer carries one of these tags (in any case) gets no messages." error={err("exclusions.excludedCustomerTags")} autoComplete="off" />
                {/* Frequency cap (issue 14): what it counts, and a warning before saving when it would trim the cadence. */}
                <InlineGrid columns={2} gap="200">
                  {numField("At most", ["frequencyCap", "maxMessages"], s.frequencyCap.maxMessages, "cap-max", "reminders")}
                  {numField("Per", ["frequencyCap", "perHours"], s.frequencyCap.perHours, "cap-hours", "hours")}
                </InlineGrid>
                <Text as="p" variant="bodySm" tone="subdued" id="cap-help">
                  {FREQUENCY_CAP_HELP}
                </Text>
                {capWarning ? (
                  <Banner tone="warning">
                    <p id="cap-warning">{capWarning}</p>
                  </Banner>
                ) : null}
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection title="Quiet hours" description="No messages between these times in the time zone below.">
            <Card>
              <BlockStack gap="300">
                <Checkbox label="Respect quiet hours" checked={s.quietHours.enabled} onChange={(v) => set(["quietHours", "enabled"], v)} />
                <InlineGrid columns={2} gap="200">
                  <TextField label="From" id="quiet-start" value={s.quietHours.start} onChange={(v) => set(["quietHours", "start"], v)} error={err("quietHours.start")} placeholder="21:00" autoComplete="off" />
                  <TextField label="To" id="quiet-end" value={s.quietHours.end} onChange={(v) => set(["quietHours", "end"], v)} error={err("quietHours.end")} placeholder="08:00" autoComplete="off" />
                </InlineGrid>
                {nullableText("Time zone", ["quietHours", "timezone"], s.quietHours.timezone, "quiet-timezone", `IANA name such as Europe/Paris. Blank: the shop's (${data.shopTimezone ?? "unknown until Shopify sends it: UTC meanwhile"})`)}
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection title="Handoff to staff" description="Which carts a person should take over, and where the alert goes.">
            <Card>
              <BlockStack gap="300">
                <TextField label="High-value threshold" id="handoff-threshold" type="number" prefix={data.currency} value={money.highValue} onChange={(v) => setMoney((m) => ({ ...m, highValue: v }))} error={err("handoff.highValueThresholdMinor")} autoComplete="off" />
                <Checkbox label="Hand off returning customers" checked={s.handoff.returningCustomers} onChange={(v) => set(["handoff", "returningCustomers"], v)} />
                <Checkbox label="Hand off failed payments" checked={s.handoff.failedPayments} onChange={(v) => set(["handoff", "failedPayments"], v)} />
                <Checkbox label="Keep automatic messages going after a handoff" checked={s.handoff.continueAutomation} onChange={(v) => set(["handoff", "continueAutomation"], v)} />
                {nullableText("Staff alert email", ["handoff", "staffAlertEmail"], s.handoff.staffAlertEmail, "handoff-alert-email")}
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection
            id="whatsapp"
            title="WhatsApp"
            description="WhatsApp Cloud API: your business's phone number id, an access token, and approved templates. WhatsApp shows Ready once a real message went out."
          >
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <Checkbox label="Send WhatsApp messages" checked={s.whatsapp.enabled} onChange={(v) => set(["whatsapp", "enabled"], v)} />
                  {nullableText("Phone number id", ["whatsapp", "phoneNumberId"], s.whatsapp.phoneNumberId, "whatsapp-phone-id", "From WhatsApp Manager > API setup (digits, not the phone number itself)")}
                  <TextField label="Template language" id="whatsapp-language" value={s.whatsapp.templateLanguage} onChange={(v) => set(["whatsapp", "templateLanguage"], v)} error={err("whatsapp.templateLanguage")} helpText="The language code the templates were approved in, for example en or en_US" autoComplete="off" />
                  <InlineGrid columns={2} gap="200">
                    <TextField label="Reminder template" id="whatsapp-tpl-reminder" value={s.whatsapp.templates.reminder} onChange={(v) => set(["whatsapp", "templates", "reminder"], v)} error={err("whatsapp.templates.reminder")} autoComplete="off" />
                    <TextField label="Incentive template" id="whatsapp-tpl-incentive" value={s.whatsapp.templates.incentive} onChange={(v) => set(["whatsapp", "templates", "incentive"], v)} error={err("whatsapp.templates.incentive")} autoComplete="off" />
                  </InlineGrid>
                  <Text as="p" tone="subdued" variant="bodySm" id="whatsapp-consent-note">
                    WhatsApp consent: from Shopify&apos;s WhatsApp marketing consent; where a customer has none, their SMS marketing consent is used.
                  </Text>
                </BlockStack>
              </Card>
              <WhatsAppTokenCard set={data.whatsappToken.set} appWide={data.whatsappToken.appWide} />
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

          <Layout.AnnotatedSection title="Logs" description="How long message bodies and logs are kept.">
            <Card>{numField("Keep message logs for", ["retentionDays"], s.retentionDays, "retention-days", "days")}</Card>
          </Layout.AnnotatedSection>

          <Layout.AnnotatedSection id="storefront" title="Storefront" description="The theme app embed asks shoppers for push permission.">
            <Card>
              <BlockStack gap="200" id="embed-status">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="span">Theme app embed</Text>
                  <Badge tone={data.embed.active ? "success" : data.embed.active === false ? "critical" : undefined}>
                    {data.embed.active ? "Active" : data.embed.active === false ? "Not active" : "Unknown"}
                  </Badge>
                </InlineStack>
                {data.embed.reason ? (
                  <Text as="p" tone="subdued" variant="bodySm">
                    {data.embed.reason}
                  </Text>
                ) : null}
                <Link url={data.embed.themeEditorUrl} target="_blank" id="embed-deep-link">
                  Open the theme editor to turn it on
                </Link>
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>
        </Layout>
        <InlineStack align="end">
          <Button variant="primary" onClick={save} loading={fetcher.state !== "idle"} id="settings-save-bottom">
            Save
          </Button>
        </InlineStack>
      </BlockStack>
    </Page>
  );
}
