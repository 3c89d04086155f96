// WhatsApp template sends to a Cloud API stand-in; the signed inbound webhook; replies (WhatsApp and Inbound Parse
// email) becoming handoffs with a staff alert; STOP becoming an opt-out. Real SQLite and real PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWhatsAppSender } from "../../app/channels/whatsapp.server";
import { db } from "../../app/db.server";
import { linkSigningKey } from "../../app/lib/crypto.server";
import { hubSignature } from "../../app/lib/whatsapp";
import { getShopSecret, saveShopSecret, WHATSAPP_TOKEN_SECRET } from "../../app/models/shop-secrets.server";
import { isSuppressed } from "../../app/models/suppressions.server";
import * as inboundEmail from "../../app/routes/webhooks.inbound-email";
import * as waWebhook from "../../app/routes/webhooks.whatsapp";
import { setEnv } from "../helpers/env";
import { APP_URL, TEST_SHOP } from "../helpers/constants";
import { resetDatabase } from "../helpers/db";
import { installShop } from "../helpers/install";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../helpers/standins/admin-graphql";
import { seedOutbound } from "../helpers/channels";
import { startSendGridStandIn, type SendGridStandIn } from "../helpers/standins/sendgrid";
import { startWhatsAppStandIn, type WhatsAppStandIn } from "../helpers/standins/whatsapp";

const PNID = "109876543210";
const APP_SECRET = "wa-app-secret-for-tests";
let wa: WhatsAppStandIn;
let sg: SendGridStandIn;
let admin: AdminGraphqlStandin; // answers the install's profile load (the owner's email receives staff alerts)
let restoreEnv = () => {};
const ENV = {
  SENDGRID_API_KEY: "SG.staff",
  SENDGRID_FROM_EMAIL: "alerts@app.example",
  WHATSAPP_APP_SECRET: APP_SECRET,
  WHATSAPP_VERIFY_TOKEN: "verify-me",
  INBOUND_EMAIL_TOKEN: "inbound-secret",
};

beforeAll(async () => {
  admin = await startAdminGraphqlStandin();
  wa = await startWhatsAppStandIn();
  sg = await startSendGridStandIn("SG.staff");
  restoreEnv = setEnv({ ...ENV, SENDGRID_API_BASE_URL: sg.url });
});
afterAll(async () => {
  restoreEnv();
  await wa.close();
  await sg.close();
  await admin.close();
});
beforeEach(async () => {
  await resetDatabase();
  await installShop(admin, {
    shop: { email: "owner@example.com" },
    settings: {
      whatsapp: {
        enabled: true,
        phoneNumberId: PNID,
        templateLanguage: "en_US",
        templates: { reminder: "cart_reminder", incentive: "cart_reminder_discount" },
      },
    },
  });
  await saveShopSecret({ shop: TEST_SHOP, name: WHATSAPP_TOKEN_SECRET, value: wa.token });
  wa.captured.length = 0;
  wa.queue.length = 0;
  sg.captured.length = 0;
});

function sender() {
  return createWhatsAppSender({
    baseUrl: wa.url,
    getToken: (shop) => getShopSecret({ shop, name: WHATSAPP_TOKEN_SECRET }),
    appUrl: APP_URL,
    linkKey: linkSigningKey(),
    isSuppressed,
  });
}

function inbound(from: string, text: string, id: string) {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "WABA",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550000000", phone_number_id: PNID },
              contacts: [{ wa_id: from, profile: { name: "Ada" } }],
              messages: [{ from, id, timestamp: "1763640000", type: "text", text: { body: text } }],
            },
          },
        ],
      },
    ],
  };
}

function signed(payload: unknown, secret = APP_SECRET) {
  const body = JSON.stringify(payload);
  return new Request(`${APP_URL}/webhooks/whatsapp`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Hub-Signature-256": hubSignature(body, secret) },
    body,
  });
}

async function post(req: Request) {
  const res = await waWebhook.action({ request: req, params: {}, context: {} });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("WhatsApp channel", () => {
  it("sends the approved template with first name, product and tracked link, using the encrypted per-shop token", async () => {
    const stored = await db.shopSecret.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(stored.ciphertext).not.toContain(wa.token);
    const { message } = await seedOutbound({ channel: "whatsapp", phone: "+1 555 010 2030", acceptsSms: true, firstName: "Ada" });
    const res = await sender().send(message);
    expect(res).toMatchObject({ kind: "sent", providerId: "wamid.TEST1", recipient: "+15550102030" });
    const sent = wa.captured[0];
    expect(sent.phoneNumberId).toBe(PNID);
    expect(sent.body).toMatchObject({
      messaging_product: "whatsapp",
      to: "15550102030",
      type: "template",
      template: { name: "cart_reminder", language: { code: "en_US" } },
    });
    const params = sent.body.template.components[0].parameters.map((p) => p.text);
    expect(params[0]).toBe("Ada");
    expect(params[1]).toBe("Linen Shirt and 1 more");
    expect(params[2]).toMatch(new RegExp(`^${APP_URL}/r/`));
  });

  it("needs consent, honours 429, fails on other 4xx", async () => {
    const noConsent = await seedOutbound({ channel: "whatsapp", phone: "+15550102030", acceptsSms: false });
    expect(await sender().send(noConsent.message)).toMatchObject({ kind: "failed", reason: "no WhatsApp marketing consent" });
    // Shopify's WhatsApp consent decides where it is known: unsubscribed beats SMS consent, subscribed needs none.
    const smsOnly = await seedOutbound({ channel: "whatsapp", phone: "+15550102032", acceptsSms: true });
    expect(await sender().send({ ...smsOnly.message, checkout: { ...smsOnly.message.checkout, whatsappConsent: false } })).toMatchObject({
      kind: "failed",
      reason: "no WhatsApp marketing consent",
    });
    expect(wa.captured).toHaveLength(0);
    expect(await sender().send({ ...noConsent.message, checkout: { ...noConsent.message.checkout, whatsappConsent: true } })).toMatchObject({ kind: "sent" });
    wa.captured.length = 0;
    const { message } = await seedOutbound({ channel: "whatsapp", phone: "+15550102031", acceptsSms: true, stepIndex: 1 });
    wa.queue.push({ status: 429, headers: { "Retry-After": "30" }, body: { error: { message: "rate limit hit", code: 130429 } } });
    expect(await sender().send(message)).toMatchObject({ kind: "retry", at: new Date(message.now.getTime() + 30_000) });
    wa.queue.push({ status: 400, body: { error: { message: "Template name does not exist in the translation", code: 132001 } } });
    const failed = await sender().send(message);
    expect(failed.kind).toBe("failed");
  });
});

describe("WhatsApp webhook and replies", () => {
  it("answers Meta's verification challenge only with the right token", async () => {
    const ok = await waWebhook.loader({
      request: new Request(`${APP_URL}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`),
      params: {},
      context: {},
    });
    expect([ok.status, await ok.text()]).toEqual([200, "1158201444"]);
    const bad = await waWebhook.loader({
      request: new Request(`${APP_URL}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`),
      params: {},
      context: {},
    });
    expect(bad.status).toBe(403);
  });

  it("a signed reply is stored, moves the checkout to Negotiating (audited) and alerts staff with the cart; forged ones are refused", async () => {
    const { checkoutId } = await seedOutbound({ channel: "whatsapp", phone: "+15550102030", acceptsSms: true, firstName: "Ada" });
    const payload = inbound("15550102030", "Hi! Is there a discount code for the shirt?", "wamid.IN1");
    expect((await post(signed(payload, "wrong-secret"))).status).toBe(401);
    const unsigned = new Request(`${APP_URL}/webhooks/whatsapp`, { method: "POST", body: JSON.stringify(payload) });
    expect((await post(unsigned)).status).toBe(401);
    expect(await db.conversationEntry.count()).toBe(0);

    const res = await post(signed(payload));
    expect(res).toEqual({ status: 200, json: { ok: true, outcomes: ["recorded"] } });
    const entry = await db.conversationEntry.findFirstOrThrow({ where: { checkoutId } });
    expect(entry).toMatchObject({ channel: "whatsapp", direction: "inbound", classification: "price", body: "Hi! Is there a discount code for the shirt?" });
    const c = await db.checkout.findUniqueOrThrow({ where: { id: checkoutId } });
    expect(c.stage).toBe("negotiating");
    expect(c.handoff).toBe(true);
    const auditRow = await db.auditLog.findFirstOrThrow({ where: { checkoutId, action: "stage_change" } });
    expect(auditRow).toMatchObject({ actor: "webhook:whatsapp", fromValue: "contacted", toValue: "negotiating" });
    expect(sg.captured).toHaveLength(1);
    const alert = sg.captured[0].body;
    expect(alert.personalizations[0].to[0].email).toBe("owner@example.com");
    expect(alert.content[0].value).toContain("Is there a discount code");
    expect(alert.content[0].value).toContain("Linen Shirt (M / Sand) x 1");
    expect(alert.content[0].value).toContain("/app/checkouts/");
    expect(await db.message.count({ where: { checkoutId, channel: "staff_alert", status: "sent" } })).toBe(1);

    // Meta redelivers: recorded once, no second alert.
    expect((await post(signed(payload))).json.outcomes).toEqual(["duplicate"]);
    expect(await db.conversationEntry.count()).toBe(1);
    expect(sg.captured).toHaveLength(1);
  });

  it("STOP is an opt-out: the number is suppressed, no handoff, later WhatsApp sends refused", async () => {
    const { checkoutId } = await seedOutbound({ channel: "whatsapp", phone: "+15550102030", acceptsSms: true });
    const res = await post(signed(inbound("15550102030", "STOP", "wamid.STOP1")));
    expect(res.json.outcomes).toEqual(["opted_out"]);
    expect(await isSuppressed({ shop: TEST_SHOP, channel: "whatsapp", address: "+15550102030" })).toBe(true);
    expect((await db.checkout.findUniqueOrThrow({ where: { id: checkoutId } })).stage).toBe("contacted");
    expect(sg.captured).toHaveLength(0);
    const later = await seedOutbound({ channel: "whatsapp", phone: "+15550102030", acceptsSms: true, stepIndex: 1 });
    expect(await sender().send(later.message)).toMatchObject({ kind: "failed" });
    expect(wa.captured).toHaveLength(0);
  });

  it("delivery statuses update the message", async () => {
    const { message, messageId } = await seedOutbound({ channel: "whatsapp", phone: "+15550102030", acceptsSms: true });
    const sent = await sender().send(message);
    const wamid = sent.kind === "sent" ? sent.providerId! : "none";
    await db.message.update({ where: { id: messageId }, data: { status: "sent", providerId: wamid } });
    const statusBody = {
      object: "whatsapp_business_account",
      entry: [
        {
          changes: [
            {
              field: "messages",
              value: {
                metadata: { phone_number_id: PNID },
                statuses: [
                  { id: wamid, status: "delivered", timestamp: "1763640100", recipient_id: "15550102030" },
                  { id: wamid, status: "read", timestamp: "1763640200" },
                ],
              },
            },
          ],
        },
      ],
    };
    expect((await post(signed(statusBody))).status).toBe(200);
    const m = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(m.status).toBe("opened");
    expect(m.deliveredAt?.getTime()).toBe(1_763_640_100_000);
  });
});

describe("WhatsApp statuses by our message id (issue 15)", () => {
  it("the send carries our message id; a status for a row whose answer was lost (no provider id) is matched by it", async () => {
    const { message, messageId } = await seedOutbound({ channel: "whatsapp", phone: "+15550102030", acceptsSms: true });
    const sent = await sender().send(message);
    expect(sent.kind).toBe("sent");
    expect(wa.captured[0].body.biz_opaque_callback_data).toBe(messageId);
    // The process died before the answer was recorded: the row is still "sending", without Meta's id.
    const wamid = sent.kind === "sent" ? sent.providerId! : "none";
    const statusBody = {
      object: "whatsapp_business_account",
      entry: [
        {
          changes: [
            {
              field: "messages",
              value: {
                metadata: { phone_number_id: PNID },
                statuses: [{ id: wamid, status: "sent", timestamp: "1763640100", recipient_id: "15550102030", biz_opaque_callback_data: messageId }],
              },
            },
          ],
        },
      ],
    };
    expect((await post(signed(statusBody))).status).toBe(200);
    const m = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(m.providerId).toBe(wamid);
    expect(await db.messageEvent.count({ where: { messageId, type: "sent" } })).toBe(1);
  });
});

describe("email replies through SendGrid Inbound Parse", () => {
  function parseRequest(fields: Record<string, string>, token = "inbound-secret") {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    return new Request(`${APP_URL}/webhooks/inbound-email?token=${token}`, { method: "POST", body: form });
  }

  it("a reply to reply+<message id>@ is matched to its checkout, quoted text dropped, staff alerted", async () => {
    const { checkoutId, messageId } = await seedOutbound({ email: "ada@example.com" });
    const fields = {
      from: "Ada Lovelace <ada@example.com>",
      to: `reply+${messageId}@reply.app.example`,
      subject: "Re: You left Linen Shirt in your cart",
      text: "Does the shirt run small? Which size should I get?\n\nOn Fri, Nov 20, 2026 at 11:00 AM Test Shop <hello@test-shop.example> wrote:\n> You left something behind",
      envelope: JSON.stringify({ to: [`reply+${messageId}@reply.app.example`], from: "ada@example.com" }),
      headers: "Message-ID: <CAF123@mail.example.com>\nSubject: Re: ...",
    };
    expect((await inboundEmail.action({ request: parseRequest(fields, "wrong"), params: {}, context: {} })).status).toBe(401);
    const res = await inboundEmail.action({ request: parseRequest(fields), params: {}, context: {} });
    expect(await res.json()).toEqual({ ok: true, outcome: "recorded" });
    const entry = await db.conversationEntry.findFirstOrThrow({ where: { checkoutId } });
    expect(entry).toMatchObject({ channel: "email", classification: "sizing", body: "Does the shirt run small? Which size should I get?" });
    const c = await db.checkout.findUniqueOrThrow({ where: { id: checkoutId } });
    expect(c.stage).toBe("negotiating");
    expect((await db.auditLog.findFirstOrThrow({ where: { checkoutId, action: "stage_change" } })).actor).toBe("webhook:inbound-email");
    expect(sg.captured).toHaveLength(1);
  });

  it("an email reply saying 'unsubscribe' opts the address out", async () => {
    await seedOutbound({ email: "ada@example.com" });
    const res = await inboundEmail.action({
      request: parseRequest({ from: "ada@example.com", to: "hello@test-shop.example", text: "Unsubscribe", subject: "Re: cart" }),
      params: {},
      context: {},
    });
    expect(await res.json()).toEqual({ ok: true, outcome: "opted_out" });
    expect(await isSuppressed({ shop: TEST_SHOP, channel: "email", address: "ADA@example.com" })).toBe(true);
  });
});
