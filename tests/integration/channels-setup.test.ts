// Channel setup from Settings against the WhatsApp Cloud API and SendGrid stand-ins, on SQLite and PostgreSQL: the
// access token is write-only (encrypted at rest, never in the loader's JSON, never logged); "Send test message" and
// "Send test email" make one real call and record it; the status says Ready only after one succeeded and says why
// not otherwise. The Overview shows the setup checklist until every item is done.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { buildChannels, forgetSendVerdicts } from "../../app/recovery/wiring.server";
import { WHATSAPP_TOKEN_SECRET } from "../../app/models/shop-secrets.server";
import { db } from "../../app/db.server";
import { decryptSecret } from "../../app/lib/crypto.server";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";
import { log } from "../../app/log.server";
import { ensureShop, forgetShopCache } from "../../app/models/shops.server";
import * as overview from "../../app/routes/app._index";
import * as settingsRoute from "../../app/routes/app.settings";
import { sessionStorage } from "../../app/shopify.server";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import { adminRequest, call } from "../helpers/admin";
import { makeOutbox, tick } from "../helpers/engine";
import { checkoutPayload } from "../helpers/factories";
import { callAction, signedWebhook } from "../helpers/webhooks";
import { TEST_SHOP } from "../helpers/constants";
import { setEnv } from "../helpers/env";
import { resetDatabase, seedOfflineSession } from "../helpers/db";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../helpers/standins/admin-graphql";
import { startSendGridStandIn, type SendGridStandIn } from "../helpers/standins/sendgrid";
import { registerMainTheme } from "../helpers/standins/themes";
import { startWhatsAppStandIn, type WhatsAppStandIn } from "../helpers/standins/whatsapp";
import { at } from "../helpers/time";

const PNID = "109876543210";
const TOKEN = "EAAGm0PX4ZCpsBAKZB4sDhZA0ZBZCZAsecretTokenForTests42";
let wa: WhatsAppStandIn;
let sg: SendGridStandIn;
let admin: AdminGraphqlStandin;
let restoreEnv = () => {};

beforeAll(async () => {
  wa = await startWhatsAppStandIn(TOKEN, { phoneNumberIds: [PNID], templates: [{ name: "cart_reminder", language: "en_US" }] });
  sg = await startSendGridStandIn("SG.setup");
  admin = await startAdminGraphqlStandin();
  const env = {
    WHATSAPP_API_BASE_URL: wa.url,
    SENDGRID_API_KEY: "SG.setup",
    SENDGRID_API_BASE_URL: sg.url,
    SENDGRID_FROM_EMAIL: "reminders@app.example",
    SHOPIFY_ADMIN_API_BASE_URL: admin.baseUrl,
    WHATSAPP_ACCESS_TOKEN: undefined,
  };
  restoreEnv = setEnv(env);
});
afterAll(async () => {
  restoreEnv();
  await wa.close();
  await sg.close();
  await admin.close();
});

const waSettings = (o: Partial<typeof DEFAULT_SETTINGS.whatsapp> = {}) => ({
  ...DEFAULT_SETTINGS,
  whatsapp: {
    ...DEFAULT_SETTINGS.whatsapp,
    enabled: true,
    phoneNumberId: PNID,
    templateLanguage: "en_US",
    templates: { reminder: "cart_reminder", incentive: "cart_reminder_discount" },
    ...o,
  },
});

async function setSettings(s: unknown) {
  await db.shop.update({ where: { domain: TEST_SHOP }, data: { settings: JSON.stringify(s) } });
  forgetShopCache(TEST_SHOP);
}

const post = async (form: Record<string, string>) => call(settingsRoute.action, await adminRequest("/app/settings", { form }));
const load = async () => call(settingsRoute.loader, await adminRequest("/app/settings"));

beforeEach(async () => {
  await resetDatabase();
  await ensureShop({ domain: TEST_SHOP }); // as on install: the domain only, until the profile is loaded
  await seedOfflineSession();
  sessionStorage.forgetShop(TEST_SHOP);
  wa.captured.length = 0;
  wa.queue.length = 0;
  wa.token = TOKEN;
  sg.captured.length = 0;
  sg.queue.length = 0;
  admin.reset();
  registerMainTheme(admin, { embedOn: false });
});

describe("WhatsApp access token", () => {
  it("is stored encrypted, never sent back to the page nor logged, shown only as set, and can be removed", async () => {
    const spies = (["info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(log, m));
    try {
      const res = await post({ intent: "whatsapp-token-save", token: `  ${TOKEN}\n` });
      expect(res.status).toBe(200);
      const row = await db.shopSecret.findUniqueOrThrow({ where: { shop_name: { shop: TEST_SHOP, name: WHATSAPP_TOKEN_SECRET } } });
      expect(row.ciphertext).not.toContain(TOKEN);
      expect(decryptSecret(row.ciphertext)).toBe(TOKEN);

      const page = await load();
      expect(page.status).toBe(200);
      expect(JSON.stringify(page.json)).not.toContain(TOKEN);
      expect(page.json.whatsappToken).toEqual({ set: true, appWide: false });

      const logged = JSON.stringify(spies.flatMap((s) => s.mock.calls));
      expect(logged).toContain("whatsapp token replaced");
      expect(logged).not.toContain(TOKEN);

      const removed = await post({ intent: "whatsapp-token-remove" });
      expect(removed.status).toBe(200);
      expect(await db.shopSecret.count({ where: { shop: TEST_SHOP } })).toBe(0);
      expect((await load()).json.whatsappToken.set).toBe(false);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it("refuses what is not a token with a 422 and stores nothing", async () => {
    const res = await post({ intent: "whatsapp-token-save", token: "not a token" });
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ ok: false, field: "token", message: expect.stringMatching(/spaces/) });
    expect(await db.shopSecret.count()).toBe(0);
  });
});

describe("Send test message", () => {
  beforeEach(async () => {
    await setSettings(waSettings());
    expect((await post({ intent: "whatsapp-token-save", token: TOKEN })).status).toBe(200);
  });

  it("sends the reminder template to the typed number, records the check, and WhatsApp shows Ready", async () => {
    const before = await load();
    expect(before.json.channels.whatsapp).toMatchObject({ ready: false, configured: true, reason: expect.stringMatching(/Not tested yet/) });

    const res = await post({ intent: "whatsapp-test", phone: "+44 7700 900123" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, message: expect.stringMatching(/WhatsApp is ready/) });
    expect(wa.captured).toHaveLength(1);
    expect(wa.captured[0]).toMatchObject({
      phoneNumberId: PNID,
      authorization: `Bearer ${TOKEN}`,
      body: { to: "447700900123", template: { name: "cart_reminder", language: { code: "en_US" } } },
    });
    expect(await db.channelCheck.findUniqueOrThrow({ where: { shop_channel: { shop: TEST_SHOP, channel: "whatsapp" } } })).toMatchObject({
      ok: true,
      detail: null,
    });
    expect((await load()).json.channels.whatsapp).toMatchObject({ ready: true, reason: null, lastCheck: { ok: true } });
  });

  it("a rejected token (401): not Ready, and the status says to paste a new token", async () => {
    wa.token = "EAAG-someone-elses-token"; // the provider no longer accepts ours (revoked)
    const res = await post({ intent: "whatsapp-test", phone: "+44 7700 900123" });
    expect(res.status).toBe(502);
    expect(res.json.message).toMatch(/rejected the access token/);
    const st = (await load()).json.channels.whatsapp;
    expect(st).toMatchObject({ ready: false, configured: true, lastCheck: { ok: false } });
    expect(st.reason).toMatch(/rejected the access token.*paste a new permanent token/);
  });

  it("an unknown phone number id: not Ready, and the status names the id to fix", async () => {
    await setSettings(waSettings({ phoneNumberId: "555000111" }));
    const res = await post({ intent: "whatsapp-test", phone: "+44 7700 900123" });
    expect(res.status).toBe(502);
    const st = (await load()).json.channels.whatsapp;
    expect(st.ready).toBe(false);
    expect(st.reason).toMatch(/does not know the phone number id 555000111/);
  });

  it("a template that does not exist in that language: not Ready, and the status names the template", async () => {
    await setSettings(waSettings({ templateLanguage: "fr" }));
    const res = await post({ intent: "whatsapp-test", phone: "+44 7700 900123" });
    expect(res.status).toBe(502);
    expect((await load()).json.channels.whatsapp.reason).toMatch(/"cart_reminder" does not exist in language "fr"/);
  });

  it("a number that cannot be read is refused before any call", async () => {
    const res = await post({ intent: "whatsapp-test", phone: "call me" });
    expect(res.status).toBe(422);
    expect(wa.captured).toHaveLength(0);
    expect(await db.channelCheck.count()).toBe(0);
  });

  it("saving a new phone number id forgets the old check: Ready again only after a new test", async () => {
    await post({ intent: "whatsapp-test", phone: "+44 7700 900123" });
    expect((await load()).json.channels.whatsapp.ready).toBe(true);
    const changed = waSettings({ phoneNumberId: "555000111" });
    expect((await post({ settings: JSON.stringify(changed) })).status).toBe(200);
    expect((await load()).json.channels.whatsapp).toMatchObject({ ready: false, reason: expect.stringMatching(/Not tested yet/) });
  });

  it("without a token the channel says it is not set up, whatever an old check said", async () => {
    await post({ intent: "whatsapp-test", phone: "+44 7700 900123" });
    await post({ intent: "whatsapp-token-remove" });
    expect((await load()).json.channels.whatsapp).toMatchObject({ ready: false, configured: false, reason: expect.stringMatching(/No WhatsApp access token/) });
  });
});

describe("Send test email", () => {
  it("sends through SendGrid from the shop's sender and makes email Ready; a refusal says what to fix", async () => {
    await setSettings({ ...DEFAULT_SETTINGS, sender: { fromName: "Linen & Co", fromEmail: "hello@linen.example", replyTo: null } });
    expect((await load()).json.channels.email).toMatchObject({ ready: false, configured: true });

    sg.queue.push({ status: 403, body: { errors: [{ message: "The from address does not match a verified Sender Identity.", field: "from" }] } });
    const refused = await post({ intent: "email-test", email: "owner@linen.example" });
    expect(refused.status).toBe(502);
    expect((await load()).json.channels.email.reason).toMatch(/verify it as a Sender Identity/);

    const ok = await post({ intent: "email-test", email: "owner@linen.example" });
    expect(ok.status).toBe(200);
    const mail = sg.captured.at(-1)!;
    expect(mail.body.personalizations[0].to[0].email).toBe("owner@linen.example");
    expect(mail.body.from).toEqual({ email: "hello@linen.example", name: "Linen & Co" });
    expect((await load()).json.channels.email).toMatchObject({ ready: true, reason: null });
  });
});

describe("a real email send", () => {
  it("records the email check: Ready after a reminder went out; a refused sender makes it not Ready with the reason", async () => {
    forgetSendVerdicts();
    await setSettings({
      ...DEFAULT_SETTINGS,
      quietHours: { ...DEFAULT_SETTINGS.quietHours, enabled: false },
      cadence: {
        windowHours: 48,
        steps: [{ id: "s1", label: "First reminder", offsetMinutes: 60, channels: ["email"], enabled: true, carriesIncentive: false }],
      },
    });
    const channels = buildChannels({ ...process.env, CHANNELS_MODE: "" });
    const send = async (minute: number) => {
      const payload = checkoutPayload({ createdAt: at(minute - 90) });
      expect((await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload))).status).toBe(200);
      await tick(makeOutbox(), at(minute), { channels });
    };
    await send(100);
    expect(sg.captured).toHaveLength(1);
    expect((await load()).json.channels.email).toMatchObject({ ready: true });

    sg.queue.push({ status: 403, body: { errors: [{ message: "The from address does not match a verified Sender Identity.", field: "from" }] } });
    await send(101);
    const st = (await load()).json.channels.email;
    expect(st.ready).toBe(false);
    expect(st.reason).toMatch(/verify it as a Sender Identity/);
  });
});

describe("Overview setup checklist", () => {
  it("lists what is left with links until every item is done, then is gone", async () => {
    const first = await call(overview.loader, await adminRequest("/app"));
    expect(first.status).toBe(200);
    const items = first.json.setup as Array<{ id: string; done: boolean; url: string; detail: string }>;
    expect(items.map((i) => [i.id, i.done])).toEqual([
      ["embed", false],
      ["channel", false],
      ["sender", false], // a fresh install: the shop's name is not known yet
      ["cadence", false],
    ]);
    expect(items[0].url).toContain("/themes/current/editor?context=apps&activateAppId=");
    expect(items[1].url).toBe("/app/settings#channels");
    expect(items[3].url).toBe("/app/settings#cadence");

    // The merchant sets the sender and saves (which reviews the cadence), sends a test email, turns the embed on.
    const s = { ...DEFAULT_SETTINGS, sender: { fromName: "Linen & Co", fromEmail: null, replyTo: null } };
    expect((await post({ settings: JSON.stringify(s) })).status).toBe(200);
    expect(JSON.parse((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).settings).setup).toEqual({ cadenceReviewed: true });
    const mid = (await call(overview.loader, await adminRequest("/app"))).json.setup as Array<{ id: string; done: boolean }>;
    expect(mid.filter((i) => i.done).map((i) => i.id)).toEqual(["sender", "cadence"]);

    expect((await post({ intent: "email-test", email: "owner@linen.example" })).status).toBe(200);
    registerMainTheme(admin, { embedOn: true });
    const done = await call(overview.loader, await adminRequest("/app"));
    expect(done.json.setup).toBeNull();
  });
});
