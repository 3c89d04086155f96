// Email over real HTTP to a SendGrid stand-in; tracked links, unsubscribe (page + RFC 8058 one-click) and the signed
// SendGrid Event Webhook, on a real SQLite file and a real PostgreSQL server.
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmailSender, createEmailStaffNotifier } from "../../app/channels/email.server";
import { buildChannels, buildStaffNotifier } from "../../app/recovery/wiring.server";
import { channelStatuses } from "../../app/channels/status.server";
import { db } from "../../app/db.server";
import { linkSigningKey } from "../../app/lib/crypto.server";
import { signLinkToken, verifyLinkToken } from "../../app/lib/links";
import { addressHash, isSuppressed } from "../../app/models/suppressions.server";
import * as clickRoute from "../../app/routes/r.$token";
import * as openRoute from "../../app/routes/o.$token";
import * as unsubRoute from "../../app/routes/u.$token";
import * as sendgridEvents from "../../app/routes/webhooks.sendgrid";
import { APP_URL, TEST_SHOP } from "../helpers/constants";
import { resetDatabase } from "../helpers/db";
import { installShop } from "../helpers/install";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../helpers/standins/admin-graphql";
import { seedOutbound, shopView } from "../helpers/channels";
import { startSendGridStandIn, type SendGridStandIn } from "../helpers/standins/sendgrid";
import { MINUTE_MS } from "../helpers/time";

let sg: SendGridStandIn;
const { publicKey, privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const PUBLIC_KEY_B64 = publicKey.export({ type: "spki", format: "der" }).toString("base64");
const forger = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });

let admin: AdminGraphqlStandin;

beforeAll(async () => {
  admin = await startAdminGraphqlStandin();
  sg = await startSendGridStandIn("SG.integration-key");
  process.env.SENDGRID_EVENT_PUBLIC_KEY = PUBLIC_KEY_B64;
});
afterAll(async () => {
  await admin.close();
  await sg.close();
  delete process.env.SENDGRID_EVENT_PUBLIC_KEY;
});
beforeEach(async () => {
  await resetDatabase();
  // Installed through afterAuth: the name, owner email and storefront host come from the Admin GraphQL stand-in.
  await installShop(admin, {
    shop: { name: "Test <Shop>", email: "owner@example.com", primaryDomain: { host: "shop.example.com" } },
    settings: { branding: { accentColor: "#ff0000", postalAddress: "1 Main St <b>Springfield</b>", logoUrl: null } },
  });
  sg.captured.length = 0;
  sg.queue.length = 0;
});

function sender() {
  return createEmailSender({
    apiKey: sg.apiKey,
    baseUrl: sg.url,
    defaultFromEmail: "hello@test-shop.example",
    appUrl: APP_URL,
    linkKey: linkSigningKey(),
    isSuppressed,
  });
}

function linkFrom(html: string, path: "r" | "o" | "u"): string {
  const m = new RegExp(`${APP_URL.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/${path}/([A-Za-z0-9_.-]+)`).exec(html);
  if (!m) throw new Error(`no /${path}/ link`);
  return m[1];
}

async function callLoader(mod: { loader: (a: never) => Promise<Response> }, path: string, token: string) {
  const request = new Request(`${APP_URL}/${path}/${token}`);
  return mod.loader({ request, params: { token }, context: {} } as never);
}

async function callPost(mod: { action: (a: never) => Promise<Response> }, path: string, token: string, body: string) {
  const request = new Request(`${APP_URL}/${path}/${token}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
  return mod.action({ request, params: { token }, context: {} } as never);
}

function signedEvents(events: unknown[], key = privateKey) {
  const body = JSON.stringify(events);
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = crypto.sign("sha256", Buffer.from(ts + body), key).toString("base64");
  return new Request(`${APP_URL}/webhooks/sendgrid`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Twilio-Email-Event-Webhook-Signature": sig, "X-Twilio-Email-Event-Webhook-Timestamp": ts },
    body,
  });
}

describe("email channel", () => {
  it("sends a rendered, escaped email with one-click unsubscribe headers and the message id in custom_args", async () => {
    const { message, messageId } = await seedOutbound({
      email: "Ada@Example.com",
      items: [
        { title: "<script>alert(1)</script>", variant: "Red & Blue", quantity: 2, price: "10.00", image: "https://cdn.shopify.com/x.jpg" },
        { title: "Plain Mug", quantity: 1, price: "5.50" },
      ],
      currency: "EUR",
    });
    const res = await sender().send(message);
    expect(res).toMatchObject({ kind: "sent", providerId: "sg-msg-1", recipient: "ada@example.com" });
    expect(sg.captured).toHaveLength(1);
    const { body, authorization } = sg.captured[0];
    expect(authorization).toBe("Bearer SG.integration-key");
    expect(body.personalizations[0].to[0].email).toBe("ada@example.com");
    expect(body.from).toEqual({ email: "hello@test-shop.example", name: "Test <Shop>" });
    expect(body.subject).toBe("You left <script>alert(1)</script> in your cart");
    expect(body.content.map((c) => c.type)).toEqual(["text/plain", "text/html"]);
    const html = body.content[1].value;
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("Red &amp; Blue");
    expect(html).toContain("Test &lt;Shop&gt;");
    expect(html).toContain("1 Main St &lt;b&gt;Springfield&lt;/b&gt;");
    expect(html).toContain("€20.00"); // 2 x 10.00 EUR via Intl
    expect(html).toContain("#ff0000");
    expect(body.content[0].value).toContain("Plain Mug x 1: €5.50");
    expect(body.headers?.["List-Unsubscribe"]).toMatch(new RegExp(`^<${APP_URL}/u/[A-Za-z0-9_.-]+>$`));
    expect(body.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(body.custom_args).toEqual({ message_id: messageId, shop: TEST_SHOP });
    expect(body.categories).toContain("checkout-recovery");
  });

  it("429 retries at X-RateLimit-Reset, 5xx backs off, other 4xx fails for good", async () => {
    const { message } = await seedOutbound();
    const reset = Math.floor(message.now.getTime() / 1000) + 90;
    sg.queue.push({ status: 429, headers: { "X-RateLimit-Reset": String(reset) }, body: { errors: [{ message: "too many requests" }] } });
    const r1 = await sender().send(message);
    expect(r1).toEqual({ kind: "retry", at: new Date(reset * 1000), reason: "SendGrid rate limit (429)" });

    sg.queue.push({ status: 503, body: { errors: [{ message: "unavailable" }] } });
    const r2 = await sender().send({ ...message, attempt: 2 } as typeof message);
    expect(r2.kind).toBe("retry");
    if (r2.kind === "retry") {
      const wait = r2.at.getTime() - message.now.getTime();
      expect(wait).toBeGreaterThanOrEqual(4 * MINUTE_MS);
      expect(wait).toBeLessThanOrEqual(4.8 * MINUTE_MS);
    }

    sg.queue.push({ status: 400, body: { errors: [{ message: "The from address does not match a verified Sender Identity", field: "from" }] } });
    const r3 = await sender().send(message);
    expect(r3).toMatchObject({ kind: "failed" });
    if (r3.kind === "failed") expect(r3.reason).toContain("verified Sender Identity");
  });

  it("tracks clicks and opens idempotently, refuses tampered tokens and redirects only inside the shop", async () => {
    const { message, messageId, record } = await seedOutbound({
      incentive: {
        code: "BACK-7Q2",
        applyUrl: "https://test-shop.myshopify.com/discount/BACK-7Q2?redirect=%2Fcheckout",
        description: "10% off",
        endsAt: new Date("2026-11-22T10:00:00Z"),
      },
    });
    await sender().send(message);
    const html = sg.captured[0].body.content[1].value;
    expect(html).toContain("BACK-7Q2");

    const clickTokens = [...html.matchAll(new RegExp(`${APP_URL.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/r/([A-Za-z0-9_.-]+)`, "g"))].map((m) => m[1]);
    const token = clickTokens.find((t) => !verifyLinkToken(t, linkSigningKey())?.target)!;
    const applyToken = clickTokens.find((t) => verifyLinkToken(t, linkSigningKey())?.target)!;
    const res = await callLoader(clickRoute, "r", token);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(record.abandonedCheckoutUrl);
    const first = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(first.status).toBe("clicked");
    expect(first.clickedAt).not.toBeNull();
    await callLoader(clickRoute, "r", token);
    const again = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(again.clickedAt?.getTime()).toBe(first.clickedAt?.getTime());

    // The incentive link goes to the apply URL on the shop's own domain.
    const applied = await callLoader(clickRoute, "r", applyToken);
    expect(applied.headers.get("Location")).toBe("https://test-shop.myshopify.com/discount/BACK-7Q2?redirect=%2Fcheckout");

    // Tampering: flip one character of the payload, or graft another signature.
    const [body, sig] = token.split(".");
    const flipped = body[3] === "A" ? "B" : "A";
    expect((await callLoader(clickRoute, "r", `${body.slice(0, 3)}${flipped}${body.slice(4)}.${sig}`)).status).toBe(404);
    const evil = signLinkToken({ kind: "click", messageId, target: "https://evil.example/phish" }, crypto.randomBytes(32));
    expect((await callLoader(clickRoute, "r", evil)).status).toBe(404);
    // Even a genuinely signed token cannot leave the shop's domains.
    for (const target of [
      "https://evil.example/phish",
      "http://test-shop.myshopify.com/",
      "https://test-shop.myshopify.com.evil.example/",
      "javascript:alert(1)",
    ]) {
      const genuine = signLinkToken({ kind: "click", messageId, target }, linkSigningKey());
      const r = await callLoader(clickRoute, "r", genuine);
      expect(r.status, target).toBe(400);
      expect(r.headers.get("Location")).toBeNull();
    }
    const ownDomain = signLinkToken({ kind: "click", messageId, target: "https://shop.example.com/products/mug" }, linkSigningKey());
    expect((await callLoader(clickRoute, "r", ownDomain)).headers.get("Location")).toBe("https://shop.example.com/products/mug");

    // Open pixel: a GIF either way; only a genuine token records the open.
    const pixel = linkFrom(html, "o");
    const gif = await callLoader(openRoute, "o", pixel);
    expect(gif.headers.get("Content-Type")).toBe("image/gif");
    const bad = await callLoader(openRoute, "o", "nonsense.gif");
    expect(bad.status).toBe(200);
    const opened = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(opened.openedAt).not.toBeNull();
    expect(opened.status).toBe("clicked"); // never moves backwards
  });

  it("unsubscribe: GET shows a page (no opt-out yet), one-click POST opts out, later emails are refused", async () => {
    const { message } = await seedOutbound({ email: "shopper@example.com" });
    await sender().send(message);
    const header = sg.captured[0].body.headers!["List-Unsubscribe"];
    const token = header.slice(header.lastIndexOf("/") + 1, -1);

    const page = await callLoader(unsubRoute, "u", token);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('<form method="post">');
    expect(text).not.toContain("<script");
    expect(await isSuppressed({ shop: TEST_SHOP, channel: "email", address: "shopper@example.com" })).toBe(false);

    const tampered = await callPost(unsubRoute, "u", `${token.slice(0, -2)}${token.endsWith("xx") ? "yy" : "xx"}`, "List-Unsubscribe=One-Click");
    expect(tampered.status).toBe(404);

    const res = await callPost(unsubRoute, "u", token, "List-Unsubscribe=One-Click");
    expect(res.status).toBe(200);
    const rows = await db.suppression.findMany({ where: { shop: TEST_SHOP } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: "email", reason: "unsubscribe", address: addressHash("email", "shopper@example.com") });
    expect(rows[0].address).not.toContain("shopper");
    expect((await db.message.findUniqueOrThrow({ where: { id: message.messageId } })).unsubscribedAt).not.toBeNull();
    // Again (a client retrying the POST): still one row.
    expect((await callPost(unsubRoute, "u", token, "confirm=1")).status).toBe(200);
    expect(await db.suppression.count()).toBe(1);

    const later = await seedOutbound({ email: "SHOPPER@example.com", stepIndex: 2 });
    const r = await sender().send(later.message);
    expect(r).toMatchObject({ kind: "failed" });
    expect(sg.captured).toHaveLength(1); // nothing left for SendGrid
  });

  it("staff alert email carries the cart summary and an admin link", async () => {
    const { message } = await seedOutbound({ items: [{ title: "Linen Shirt", variant: "M", quantity: 1, price: "59.00" }] });
    const notifier = createEmailStaffNotifier({ apiKey: sg.apiKey, baseUrl: sg.url, defaultFromEmail: "alerts@app.example" });
    const res = await notifier.notify({
      shop: message.shop,
      checkout: message.checkout,
      reason: "reply",
      summary: "Ada asked: is there a discount?",
      adminUrl: "https://admin.shopify.com/store/test-shop/apps/checkout-recovery/app/checkouts/1",
      now: message.now,
    });
    expect(res.kind).toBe("sent");
    const mail = sg.captured[0].body;
    expect(mail.personalizations[0].to[0].email).toBe("owner@example.com");
    expect(mail.subject).toContain("Shopper replied");
    expect(mail.content[0].value).toContain("Linen Shirt (M) x 1: $59.00");
    expect(mail.content[1].value).toContain("https://admin.shopify.com/store/test-shop/apps/checkout-recovery/app/checkouts/1");
  });
});

describe("SendGrid Event Webhook", () => {
  it("verifies the ECDSA signature, records events once, and a bounce suppresses the address", async () => {
    const { message, messageId } = await seedOutbound({ email: "bouncy@example.com" });
    await sender().send(message);
    const events = [
      {
        email: "bouncy@example.com",
        timestamp: 1_763_640_000,
        event: "delivered",
        sg_event_id: "ev-1",
        sg_message_id: "sg-msg-1.x",
        message_id: messageId,
        shop: TEST_SHOP,
      },
      { email: "bouncy@example.com", timestamp: 1_763_640_060, event: "open", sg_event_id: "ev-2", message_id: messageId },
      {
        email: "bouncy@example.com",
        timestamp: 1_763_640_120,
        event: "bounce",
        type: "bounce",
        reason: "550 5.1.1 <bouncy@example.com>: mailbox unavailable",
        sg_event_id: "ev-3",
        message_id: messageId,
      },
      { email: "other@example.com", timestamp: 1_763_640_120, event: "processed", sg_event_id: "ev-4" },
    ];
    const forged = signedEvents(events, forger.privateKey);
    expect((await sendgridEvents.action({ request: forged, params: {}, context: {} })).status).toBe(401);
    const unsigned = new Request(`${APP_URL}/webhooks/sendgrid`, { method: "POST", body: JSON.stringify(events) });
    expect((await sendgridEvents.action({ request: unsigned, params: {}, context: {} })).status).toBe(401);
    expect(await db.messageEvent.count()).toBe(0);

    const res = await sendgridEvents.action({ request: signedEvents(events), params: {}, context: {} });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ recorded: 4, duplicates: 0 });
    const m = await db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(m.deliveredAt?.toISOString()).toBe(new Date(1_763_640_000_000).toISOString());
    expect(m.openedAt).not.toBeNull();
    expect(m.bouncedAt).not.toBeNull();
    expect(m.status).toBe("bounced");
    expect(m.lastError).toBe("bounce: 550 5.1.1 <[address]>: mailbox unavailable");
    expect(JSON.stringify(await db.messageEvent.findMany())).not.toContain("bouncy@");
    expect(await isSuppressed({ shop: TEST_SHOP, channel: "email", address: "bouncy@example.com" })).toBe(true);

    // SendGrid retries a batch: nothing is recorded twice.
    const again = await sendgridEvents.action({ request: signedEvents(events), params: {}, context: {} });
    expect(await again.json()).toMatchObject({ recorded: 0, duplicates: 4 });
    expect(await db.messageEvent.count()).toBe(4);

    const later = await seedOutbound({ email: "bouncy@example.com", stepIndex: 2 });
    expect((await sender().send(later.message)).kind).toBe("failed");
  });

  it("spam reports and unsubscribes suppress too; a soft block does not", async () => {
    const a = await seedOutbound({ email: "spam@example.com" });
    const b = await seedOutbound({ email: "blocked@example.com" });
    const res = await sendgridEvents.action({
      request: signedEvents([
        { email: "spam@example.com", timestamp: 1_763_640_000, event: "spamreport", sg_event_id: "sp-1", message_id: a.messageId },
        { email: "blocked@example.com", timestamp: 1_763_640_000, event: "bounce", type: "blocked", sg_event_id: "bl-1", message_id: b.messageId },
      ]),
      params: {},
      context: {},
    });
    expect(res.status).toBe(200);
    expect(await isSuppressed({ shop: TEST_SHOP, channel: "email", address: "spam@example.com" })).toBe(true);
    expect(await isSuppressed({ shop: TEST_SHOP, channel: "email", address: "blocked@example.com" })).toBe(false);
  });
});

describe("channel registry and status", () => {
  it("builds real senders only when configured; missing or bad credentials give a clear status, never a crash", async () => {
    const env = (o: Record<string, string>) => o as unknown as NodeJS.ProcessEnv;
    const shop = await shopView();
    const base = { SHOPIFY_APP_URL: APP_URL, APP_ENCRYPTION_KEY: process.env.APP_ENCRYPTION_KEY! };
    const noSendgrid = buildChannels(env(base));
    expect(noSendgrid.email).toBeUndefined();
    expect(noSendgrid.push?.status(shop)).toEqual({ enabled: true });
    expect(noSendgrid.whatsapp?.status(shop)).toEqual({ enabled: false, reason: "WhatsApp is turned off in Settings" });
    expect(channelStatuses(shop, env(base)).email).toEqual({ enabled: false, reason: "SENDGRID_API_KEY is not set" });

    const full = env({ ...base, SENDGRID_API_KEY: sg.apiKey, SENDGRID_API_BASE_URL: sg.url, SENDGRID_FROM_EMAIL: "hello@test-shop.example" });
    const channels = buildChannels(full);
    expect(channels.email?.status(shop)).toEqual({ enabled: true });
    expect(buildChannels(full)).toBe(channels); // built once per configuration
    const { message } = await seedOutbound();
    expect((await channels.email!.send(message)).kind).toBe("sent");
    expect(sg.captured).toHaveLength(1);
    expect(buildStaffNotifier(full)).not.toBe(buildStaffNotifier(env(base)));

    const badKey = env({ ...base, APP_ENCRYPTION_KEY: "not-hex", SENDGRID_API_KEY: "SG.x", SENDGRID_FROM_EMAIL: "a@b.example" });
    expect(buildChannels(badKey)).toEqual({});
    expect(channelStatuses(shop, badKey).email.reason).toContain("APP_ENCRYPTION_KEY must be 64 hex characters");
    expect(channelStatuses(shop, badKey).push.enabled).toBe(false);
  });
});
