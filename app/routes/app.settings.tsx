import { orderSyncSummary } from "../lib/order-sync-status";
import { merchantCurrency } from "../lib/shop-view";
import { toShopView } from "../lib/shop-view";
import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, Layout, Page } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { loadChannelSetup } from "../recovery/channel-setup.server";
import { afterSettingsSaved, asReviewed, isChannelIntent, runChannelIntent } from "../recovery/channel-setup-actions.server";
import { getShopSecret, WHATSAPP_TOKEN_SECRET } from "../models/shop-secrets.server";
import { validateSettings, type Settings, type SettingsErrors } from "../lib/settings";
import { saveShopSettings } from "../models/shops.server";
import { getEmbedStatus } from "../storefront/embed-status.server";
import { adminContext } from "../shopify/admin-context.server";
import { CadenceSection } from "../components/settings/CadenceSection";
import { ChannelsSection } from "../components/settings/ChannelsSection";
import { ExclusionsSection } from "../components/settings/ExclusionsSection";
import { HandoffSection } from "../components/settings/HandoffSection";
import { QuietHoursSection } from "../components/settings/QuietHoursSection";
import { MeasurementSection } from "../components/settings/MeasurementSection";
import { RetentionSection } from "../components/settings/RetentionSection";
import { useSettingsDraft } from "../components/settings/settings-draft";
import { StorefrontSection } from "../components/settings/StorefrontSection";
import { RELOAD_PROFILE_INTENT, StoreProfileCard } from "../components/settings/StoreProfileCard";
import { WhatsAppSection } from "../components/settings/WhatsAppSection";
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
    // Channel setup: Ready only after a real provider call succeeded (app/recovery/channel-setup.server.ts).
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

export default function SettingsPage() {
  const data = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const errors: SettingsErrors = fetcher.data && !fetcher.data.ok && "errors" in fetcher.data ? (fetcher.data.errors as SettingsErrors) : {};
  const draft = useSettingsDraft(data.settings as Settings, data.currency, errors);
  const saved = fetcher.state === "idle" && fetcher.data?.ok;

  useEffect(() => {
    if (saved) window.scrollTo?.(0, 0);
  }, [saved]);

  const save = () => fetcher.submit({ settings: JSON.stringify(draft.toDocument()) }, { method: "post" });
  const errorCount = Object.keys(errors).length;

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
          <Layout.AnnotatedSection
            title="Store profile"
            description="The store's details as Shopify sends them: the sender name, email footer, currency, time zone and where staff alerts go."
          >
            <StoreProfileCard profile={data.storeProfile} orderSync={data.orderSync} />
          </Layout.AnnotatedSection>
          <CadenceSection draft={draft} />
          <ChannelsSection draft={draft} channels={data.channels} repliesToApp={data.repliesToApp} />
          <ExclusionsSection draft={draft} currency={data.currency} />
          <QuietHoursSection draft={draft} shopTimezone={data.shopTimezone} />
          <HandoffSection draft={draft} currency={data.currency} />
          <WhatsAppSection draft={draft} token={data.whatsappToken} />
          <MeasurementSection draft={draft} />
          <RetentionSection draft={draft} />
          <StorefrontSection embed={data.embed} />
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
