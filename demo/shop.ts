// The demo shop, as an install would leave it: the shop row with its settings (validated like the Settings page
// validates them) and an offline session (what OAuth / token exchange would have stored).
import type { Db } from "../app/db.server";
import { DEFAULT_SCOPES } from "../app/config.server";
import { validateSettings, type Settings } from "../app/lib/settings";
import { NEW_INSTALL_HOLDOUT_PERCENT } from "../app/models/shops.server";
import { HIGH_VALUE_THRESHOLD_MINOR } from "./story";

export const STAFF_EMAIL = "team@demo-outfitters.example";

export const DEMO_WHATSAPP_PHONE_NUMBER_ID = "100200300400";
/** The demo WhatsApp account's display number (what Meta puts in its webhooks' metadata). */
export const DEMO_WHATSAPP_DISPLAY_PHONE = "+15550100200";

export function demoSettings(): Settings {
  const input = {
    consent: { emailPolicy: "subscribers" },
    quietHours: { enabled: true, start: "21:00", end: "08:00", timezone: null },
    frequencyCap: { maxMessages: 6, perHours: 24 },
    setup: { cadenceReviewed: true }, // the demo merchant saved Settings once
    handoff: {
      highValueThresholdMinor: HIGH_VALUE_THRESHOLD_MINOR,
      returningCustomers: true,
      failedPayments: true,
      continueAutomation: true,
      staffAlertEmail: STAFF_EMAIL,
    },
    sender: { fromName: "Demo Outfitters", fromEmail: "hello@demo-outfitters.example", replyTo: null },
    branding: { logoUrl: null, accentColor: "#2c6ecb", postalAddress: "12 Harbour Street, Portland, ME 04101, USA" },
    whatsapp: { enabled: true, phoneNumberId: DEMO_WHATSAPP_PHONE_NUMBER_ID, templateLanguage: "en" },
    // As a new install starts (app/models/shops.server.ts): the Overview's holdout panel measures lift from day one.
    holdout: { percent: NEW_INSTALL_HOLDOUT_PERCENT },
    incentive: { enabled: true, type: "percentage", percentOff: 10, expiryHours: 48, codePrefix: "BACK", notTwiceWithinDays: 30, skipIfCartHasDiscount: true },
  };
  const v = validateSettings(input);
  if (!v.ok) throw new Error(`demo settings are invalid: ${JSON.stringify(v.errors)}`);
  return v.settings;
}

export async function createDemoShop(db: Db, o: { shop: string; accessToken: string }) {
  const settings = demoSettings();
  await db.shop.create({
    data: {
      domain: o.shop,
      name: "Demo Outfitters",
      email: "owner@demo-outfitters.example",
      currency: "USD",
      timezone: "America/New_York",
      // Loaded from Shopify at install (the same details the demo's Admin API stand-in answers): no backfill needed.
      contactEmail: "hello@demo-outfitters.example",
      billingAddress: JSON.stringify({
        address1: "12 Harbour Street",
        city: "Portland",
        province: "Maine",
        provinceCode: "ME",
        zip: "04101",
        country: "United States",
        countryCode: "US",
      }),
      planName: "Development",
      devStore: true,
      profileSyncedAt: new Date(),
      profileAttemptAt: new Date(),
      settings: JSON.stringify(settings),
      // History for scoring: 140 orders, $85 average.
      orderCount: 140,
      orderRevenueMinor: BigInt(140 * 8_500),
    },
  });
  await db.session.create({
    data: { id: `offline_${o.shop}`, shop: o.shop, state: "demo", isOnline: false, scope: DEFAULT_SCOPES.join(","), accessToken: o.accessToken },
  });
  return settings;
}
