// Pure pieces of the channels: link tokens, the email template, reply classification, WhatsApp helpers, crypto,
// the push endpoint guard and push payload rules.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildPushPayload, MAX_PUSH_PAYLOAD, pushTopic, pushTtl, pushUrgency } from "../../app/channels/push.server";
import type { OutboundMessage } from "../../app/channels/types";
import { decryptSecret, encryptSecret, linkSigningKey } from "../../app/lib/crypto.server";
import { escapeHtml, renderRecoveryEmail, subjectFor, type RecoveryEmailInput } from "../../app/lib/email-template";
import { isAllowedRedirect, messageLinks, signLinkToken, verifyLinkToken } from "../../app/lib/links";
import { checkPushEndpoint, isNonPublicAddress, parseAllowedHosts } from "../../app/lib/push-endpoint";
import { isOptOut, stripQuotedReply } from "../../app/lib/replies";
import { classifyReplyTopic } from "../../app/lib/reply-topics";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";
import { buildTemplateMessage, clickToChatUrl, hubSignature, parseWhatsAppWebhook, verifyHubSignature, whatsappTemplates } from "../../app/lib/whatsapp";
import { addDays } from "../helpers/time";

const KEY = crypto.createHash("sha256").update("unit-test-key").digest();
const HEX = "ab".repeat(32);

describe("link tokens", () => {
  it("round-trips and refuses tampering, other keys and other kinds", () => {
    const t = signLinkToken({ kind: "click", messageId: "msg_1" }, KEY);
    expect(verifyLinkToken(t, KEY)).toEqual({ kind: "click", messageId: "msg_1" });
    expect(verifyLinkToken(t, KEY, "unsubscribe")).toBeNull();
    expect(verifyLinkToken(t, crypto.randomBytes(32))).toBeNull();
    const [body, sig] = t.split(".");
    const forgedBody = Buffer.from(JSON.stringify(["c", "msg_2"])).toString("base64url");
    expect(verifyLinkToken(`${forgedBody}.${sig}`, KEY)).toBeNull();
    expect(verifyLinkToken(`${body}.${sig.slice(0, -1)}${sig.endsWith("A") ? "B" : "A"}`, KEY)).toBeNull();
    expect(verifyLinkToken("", KEY)).toBeNull();
    expect(verifyLinkToken("a.b.c", KEY)).toBeNull();
    const withTarget = signLinkToken({ kind: "click", messageId: "m", target: "https://shop.example/discount/X" }, KEY);
    expect(verifyLinkToken(withTarget, KEY)?.target).toBe("https://shop.example/discount/X");
  });

  it("builds the three links under the app URL", () => {
    const l = messageLinks("https://app.example/", KEY, "m1");
    expect(l.recover).toMatch(/^https:\/\/app\.example\/r\/[\w-]+\.[\w-]{22}$/);
    expect(l.openPixel).toMatch(/^https:\/\/app\.example\/o\/[\w-]+\.[\w-]{22}\.gif$/);
    expect(l.unsubscribe).toMatch(/^https:\/\/app\.example\/u\//);
  });

  it("redirects only to the recovery URL or https on the shop's own domains", () => {
    const scope = { recoveryUrl: "https://s.myshopify.com/checkouts/t/recover?key=1", shopDomain: "s.myshopify.com", primaryDomain: "www.shop.example" };
    expect(isAllowedRedirect(scope.recoveryUrl, scope)).toBe(true);
    expect(isAllowedRedirect("https://s.myshopify.com/discount/X?redirect=/checkout", scope)).toBe(true);
    expect(isAllowedRedirect("https://shop.example/cart", scope)).toBe(true);
    expect(isAllowedRedirect("https://evil.example/", scope)).toBe(false);
    expect(isAllowedRedirect("https://s.myshopify.com.evil.example/", scope)).toBe(false);
    expect(isAllowedRedirect("https://user@s.myshopify.com/", scope)).toBe(false);
    expect(isAllowedRedirect("http://s.myshopify.com/", scope)).toBe(false);
    expect(isAllowedRedirect("https://s.myshopify.com:8443/", scope)).toBe(false);
    expect(isAllowedRedirect("//evil.example", scope)).toBe(false);
    expect(isAllowedRedirect("javascript:alert(1)", scope)).toBe(false);
  });
});

describe("crypto", () => {
  it("encrypts with AES-256-GCM and refuses tampering or another key", () => {
    const c = encryptSecret("EAAG-secret", HEX);
    expect(c).not.toContain("EAAG");
    expect(decryptSecret(c, HEX)).toBe("EAAG-secret");
    expect(encryptSecret("EAAG-secret", HEX)).not.toBe(c); // random IV
    const parts = c.split(".");
    // Flip one bit of the ciphertext (replacing its first byte with a fixed one left it unchanged 1 time in 256).
    const tampered = Buffer.from(parts[3], "base64url");
    tampered[0] ^= 1;
    parts[3] = tampered.toString("base64url");
    expect(() => decryptSecret(parts.join("."), HEX)).toThrow();
    expect(() => decryptSecret(c, "cd".repeat(32))).toThrow();
    expect(() => encryptSecret("x", "short")).toThrow(/64 hex/);
    expect(linkSigningKey(HEX).equals(Buffer.from(HEX, "hex"))).toBe(false);
  });
});

function emailInput(over: Partial<RecoveryEmailInput> = {}): RecoveryEmailInput {
  return {
    brand: { shopName: `Bob's "Shop" & Co`, logoUrl: "https://cdn.example/logo.png", accentColor: "#112233", postalAddress: "1 Road <br>" },
    firstName: "<img src=x onerror=alert(1)>",
    locale: "de-DE",
    currency: "EUR",
    items: [
      {
        title: "<script>alert('x')</script>",
        variantTitle: "Blue",
        variantId: null,
        productId: null,
        quantity: 3,
        priceMinor: 1050,
        imageUrl: "javascript:alert(1)",
        sku: null,
      },
    ],
    subtotalMinor: 3150,
    totalMinor: 3150,
    step: { index: 0, isFinal: false },
    incentive: null,
    links: { recover: "https://app.example/r/abc.def", unsubscribe: "https://app.example/u/abc.def", openPixel: "https://app.example/o/abc.def.gif" },
    ...over,
  };
}

describe("email template", () => {
  it("escapes every merchant or shopper value and never emits script or javascript: URLs", () => {
    const { html, text } = renderRecoveryEmail(emailInput());
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/javascript:/i);
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(html).toContain("Bob&#39;s &quot;Shop&quot; &amp; Co");
    expect(html).toContain("1 Road &lt;br&gt;");
    expect(html).toContain("31,50");
    expect(html).toContain("€");
    expect(html).toContain('href="https://app.example/r/abc.def"');
    expect(html).toContain('href="https://app.example/u/abc.def"');
    expect(html).toContain("#112233");
    expect(html).toMatch(/<table role="presentation"/);
    expect(text).toContain("<script>alert('x')</script> (Blue) x 3");
    expect(text).toContain("Unsubscribe: https://app.example/u/abc.def");
  });

  it("shows the incentive block and picks a subject per step", () => {
    const incentive = { code: "BACK-<7>", description: "10% off", endsAt: new Date("2026-11-22T10:00:00Z"), applyLink: "https://app.example/r/inc.sig" };
    const { html, subject } = renderRecoveryEmail(emailInput({ incentive, step: { index: 2, isFinal: false } }));
    expect(html).toContain("BACK-&lt;7&gt;");
    expect(html).toContain('href="https://app.example/r/inc.sig"');
    expect(subject).toBe(`10% off on your cart at Bob's "Shop" & Co`);
    const base = emailInput();
    expect(subjectFor({ ...base, step: { index: 0, isFinal: false } })).toMatch(/^You left/);
    expect(subjectFor({ ...base, step: { index: 1, isFinal: false } })).toMatch(/^Still thinking/);
    expect(subjectFor({ ...base, step: { index: 4, isFinal: true } })).toMatch(/^Last chance/);
    expect(subjectFor({ ...base, items: [{ ...base.items[0], title: "A\r\nBcc: x@y" }] })).not.toMatch(/[\r\n]/);
    expect(escapeHtml(`<>&"'`)).toBe("&lt;&gt;&amp;&quot;&#39;");
  });
});

describe("reply classification", () => {
  it("recognises opt-outs in several languages, not words that merely contain them", () => {
    for (const t of ["STOP", "stop", "Stop.", "UNSUBSCRIBE", "baja", "Dar de baja", "arrêt", "stop sending me these", "Abmelden"])
      expect(isOptOut(t), t).toBe(true);
    for (const t of ["I can't stop thinking about that shirt", "When does the sale end?", "end of month delivery?", ""]) expect(isOptOut(t), t).toBe(false);
    expect(classifyReplyTopic("STOP").topic).toBe("opt_out"); // topics: tests/unit/reply-topics.test.ts
  });

  it("strips the quoted original from an email reply", () => {
    expect(stripQuotedReply("Yes please\n\nOn Mon, 1 Jan 2026 at 10:00, Shop <a@b.c> wrote:\n> old")).toBe("Yes please");
    expect(stripQuotedReply("ok\r\n> quoted")).toBe("ok");
  });
});

describe("WhatsApp helpers", () => {
  it("builds click-to-chat links and the three manual templates", () => {
    expect(clickToChatUrl("+1 (555) 010-2030", "Hi Ada & co")).toBe("https://wa.me/15550102030?text=Hi%20Ada%20%26%20co");
    expect(clickToChatUrl("12", "x")).toBeNull();
    const t = whatsappTemplates({ firstName: "Ada", product: "Linen Shirt", code: "BACK-1", link: "https://s.example/r/x" });
    expect(t.reminder).toContain("Ada");
    expect(t.reminder).toContain("Linen Shirt");
    expect(t.discount).toContain("BACK-1");
    expect(t.urgency).toContain("https://s.example/r/x");
    expect(whatsappTemplates({ firstName: null, product: "Mug", link: "l" }).discount).not.toContain("undefined");
  });

  it("shapes a Cloud API template message", () => {
    const m = buildTemplateMessage({
      to: "+1 555 010 2030",
      templateName: "cart_reminder_discount",
      language: "en",
      firstName: "Ada",
      product: "Shirt",
      code: "C1",
      link: "L",
    });
    expect(m).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "15550102030",
      type: "template",
      template: {
        name: "cart_reminder_discount",
        language: { code: "en" },
        components: [{ type: "body", parameters: ["Ada", "Shirt", "C1", "L"].map((text) => ({ type: "text", text })) }],
      },
    });
  });

  it("verifies X-Hub-Signature-256 in constant time and parses inbound messages", () => {
    const body = JSON.stringify({
      entry: [{ changes: [{ value: { metadata: { phone_number_id: "1" }, messages: [{ from: "155", id: "w1", type: "text", text: { body: "hi" } }] } }] }],
    });
    expect(verifyHubSignature(body, hubSignature(body, "s"), "s")).toBe(true);
    expect(verifyHubSignature(body, hubSignature(body, "t"), "s")).toBe(false);
    expect(verifyHubSignature(body + " ", hubSignature(body, "s"), "s")).toBe(false);
    expect(verifyHubSignature(body, null, "s")).toBe(false);
    expect(parseWhatsAppWebhook(JSON.parse(body))?.messages).toEqual([{ phoneNumberId: "1", from: "155", id: "w1", at: null, text: "hi", profileName: null }]);
  });
});

describe("push rules", () => {
  it("guards endpoints", () => {
    const hosts = parseAllowedHosts(undefined);
    expect(checkPushEndpoint("https://fcm.googleapis.com/fcm/send/abc", hosts)).toEqual({ ok: true, host: "fcm.googleapis.com" });
    expect(checkPushEndpoint("https://updates.push.services.mozilla.com/wpush/v2/x", hosts).ok).toBe(true);
    expect(checkPushEndpoint("https://localhost/x", hosts).ok).toBe(false);
    expect(checkPushEndpoint("ftp://fcm.googleapis.com/x", hosts).ok).toBe(false);
    // Push services listen on 443 only: another port on an allowed host is refused, unless local stand-ins are allowed.
    expect(checkPushEndpoint("https://fcm.googleapis.com:443/fcm/send/abc", hosts).ok).toBe(true);
    expect(checkPushEndpoint("https://fcm.googleapis.com:8443/fcm/send/abc", hosts)).toEqual({ ok: false, reason: "push endpoint must use port 443" });
    expect(checkPushEndpoint("https://localhost:8443/x", ["localhost"], { allowNonPublic: true }).ok).toBe(true);
    expect(parseAllowedHosts("a.example, *.b.example")).toEqual(["a.example", "*.b.example"]);
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ])
      expect(isNonPublicAddress(ip), ip).toBe(true);
    for (const ip of ["8.8.8.8", "142.250.1.1", "2607:f8b0::1"]) expect(isNonPublicAddress(ip), ip).toBe(false);
  });

  it("topic, TTL and urgency", () => {
    expect(pushTopic("tok")).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pushTopic("tok")).toBe(pushTopic("tok"));
    expect(pushTopic("tok")).not.toBe(pushTopic("tok2"));
    const now = new Date("2026-11-20T10:00:00Z");
    expect(pushTtl(now, new Date(now.getTime() + 90_500))).toBe(90);
    expect(pushTtl(now, new Date(now.getTime() - 1))).toBe(0);
    expect(pushTtl(now, addDays(now, 60))).toBe(28 * 86_400);
    expect([0, 1, 2, 4].map(pushUrgency)).toEqual(["high", "high", "normal", "normal"]);
  });

  it("payload names the first item and stays under the size limit", () => {
    const msg = {
      messageId: "m1",
      channel: "push",
      shop: { domain: "s.myshopify.com", name: "Shop", email: null, currency: "USD", timezone: "UTC", primaryDomain: null, settings: DEFAULT_SETTINGS },
      checkout: {
        id: "c",
        token: "t",
        cartToken: null,
        email: null,
        phone: null,
        firstName: null,
        lastName: null,
        locale: null,
        currency: "USD",
        subtotalMinor: 0,
        totalMinor: 0,
        lineItems: [
          {
            title: "Mug ".repeat(2000),
            variantTitle: null,
            variantId: null,
            productId: null,
            quantity: 1,
            priceMinor: 100,
            imageUrl: `https://cdn.example/${"i".repeat(3900)}`,
            sku: null,
          },
        ],
        abandonedCheckoutUrl: null,
        emailConsent: true,
        smsConsent: false,
      },
      step: { ...DEFAULT_SETTINGS.cadence.steps[0], index: 0, isFinal: false },
      incentive: null,
      now: new Date(),
      windowEndsAt: new Date(),
    } as OutboundMessage;
    const p = buildPushPayload(msg, "https://app.example/r/x.y");
    expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD);
    expect(p.body.startsWith("Mug Mug")).toBe(true);
    expect(p.url).toBe("https://app.example/r/x.y");
  });
});
