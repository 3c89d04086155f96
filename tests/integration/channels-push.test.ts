// Web push end to end: a local HTTPS push service decrypts every payload with the subscription's own keys.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPushSender, MAX_PUSH_PAYLOAD, pushTopic } from "../../app/channels/push.server";
import { db } from "../../app/db.server";
import { linkSigningKey } from "../../app/lib/crypto.server";
import { verifyLinkToken } from "../../app/lib/links";
import { checkPushEndpoint, DEFAULT_PUSH_HOSTS } from "../../app/lib/push-endpoint";
import { pushSubscriptionStore } from "../../app/models/push-subscriptions.server";
import { isSuppressed } from "../../app/models/suppressions.server";
import { forgetVapidKeys, getVapidKeys, getVapidPublicKey } from "../../app/models/vapid.server";
import { APP_URL, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { seedOutbound, T0 } from "../helpers/channels";
import { startPushReceiver, type PushReceiver } from "../helpers/standins/push-receiver";

let rx: PushReceiver;
beforeAll(async () => {
  rx = await startPushReceiver();
});
afterAll(async () => {
  await rx.close();
});
beforeEach(async () => {
  await resetDatabase();
  forgetVapidKeys();
  await seedShop();
  rx.received.length = 0;
});

function sender(allowedHosts = ["localhost"]) {
  return createPushSender({
    vapid: () => getVapidKeys(),
    appUrl: APP_URL,
    linkKey: linkSigningKey(),
    store: pushSubscriptionStore,
    allowedHosts,
    isSuppressed,
    testCa: rx.ca,
    allowNonPublic: true,
  });
}

async function subscribeFor(checkoutToken: string, by: "checkout" | "cart" = "checkout", cartToken?: string) {
  const s = rx.subscribe();
  await db.pushSubscription.create({
    data: { shop: TEST_SHOP, endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth, ...(by === "checkout" ? { checkoutToken } : { cartToken }) },
  });
  return s;
}

describe("push channel", () => {
  it("encrypts end to end: the receiver decrypts title, body naming the first item, image and the tracked link", async () => {
    const { message, messageId, record } = await seedOutbound({
      channel: "push",
      stepIndex: 0,
      now: new Date(T0.getTime() + 3600_000),
      windowEndsAt: new Date(T0.getTime() + 3 * 3600_000),
    });
    const sub = await subscribeFor(record.token);
    const res = await sender().send(message);
    expect(res).toMatchObject({ kind: "sent", recipient: "localhost" });
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0];
    expect(got.subscriptionId).toBe(sub.id);
    expect(got.payload.body).toContain("Linen Shirt (M / Sand) and 2 more items");
    expect(got.payload.image).toBe("https://cdn.shopify.com/s/files/shirt.jpg");
    const url = String(got.payload.url);
    expect(url.startsWith(`${APP_URL}/r/`)).toBe(true);
    expect(verifyLinkToken(url.slice(url.lastIndexOf("/") + 1), linkSigningKey(), "click")).toEqual({ kind: "click", messageId });
    expect(got.headers.contentEncoding).toBe("aes128gcm");
    expect(Number(got.headers.ttl)).toBe(2 * 3600); // what is left of the window
    expect(got.headers.urgency).toBe("high");
    expect(got.headers.topic).toBe(pushTopic(record.token));
    expect(got.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    // VAPID: a valid ES256 JWT for this origin, made with the app's (generated, stored) key.
    expect(got.vapid).toMatchObject({ ok: true, aud: rx.origin, publicKey: await getVapidPublicKey() });
    const stored = await db.appSetting.findUniqueOrThrow({ where: { name: "vapid_keys" } });
    expect(stored.value).not.toContain((await getVapidKeys()).privateKey);
    expect((await db.pushSubscription.findUniqueOrThrow({ where: { endpoint: sub.endpoint } })).lastSuccessAt).not.toBeNull();
  });

  it("finds the subscription by cart token; later steps are normal urgency; a huge cart still fits 4 KB", async () => {
    const longTitle = "Handmade ceramic mug ".repeat(200);
    const { message, record } = await seedOutbound({
      channel: "push",
      stepIndex: 3,
      items: [{ title: longTitle, quantity: 1, price: "12.00", image: `https://cdn.shopify.com/${"x".repeat(3000)}.jpg` }],
    });
    await subscribeFor(record.token, "cart", record.cartToken!);
    const res = await sender().send(message);
    expect(res.kind).toBe("sent");
    const got = rx.received[0];
    expect(got.headers.urgency).toBe("normal");
    expect(Buffer.byteLength(JSON.stringify(got.payload))).toBeLessThanOrEqual(MAX_PUSH_PAYLOAD);
    expect(got.cipherBytes).toBeLessThanOrEqual(4096);
  });

  it("410 deletes the subscription and reports a permanent address failure", async () => {
    const { message, record } = await seedOutbound({ channel: "push" });
    const sub = await subscribeFor(record.token);
    rx.queue.set(sub.id, [{ status: 410 }]);
    const res = await sender().send(message);
    expect(res).toMatchObject({ kind: "failed", permanentAddressFailure: true });
    expect(await db.pushSubscription.count()).toBe(0);
  });

  it("429 honours Retry-After (seconds); 5xx backs off", async () => {
    const { message, record } = await seedOutbound({ channel: "push" });
    const sub = await subscribeFor(record.token);
    rx.queue.set(sub.id, [{ status: 429, headers: { "Retry-After": "120" } }, { status: 503 }]);
    const r1 = await sender().send(message);
    expect(r1).toEqual({ kind: "retry", at: new Date(message.now.getTime() + 120_000), reason: "push service rate limit (429)" });
    const r2 = await sender().send(message);
    expect(r2.kind).toBe("retry");
    expect(await db.pushSubscription.count()).toBe(1);
    expect(rx.received).toHaveLength(0);
  });

  it("refuses endpoints off the allow-list, non-https, or private IP literals, without any request", async () => {
    const { message, record } = await seedOutbound({ channel: "push" });
    await subscribeFor(record.token);
    const res = await sender(DEFAULT_PUSH_HOSTS).send(message);
    expect(res).toMatchObject({ kind: "failed" });
    expect(rx.received).toHaveLength(0);
    expect(checkPushEndpoint("http://fcm.googleapis.com/fcm/send/x", DEFAULT_PUSH_HOSTS)).toMatchObject({ ok: false });
    expect(checkPushEndpoint("https://169.254.169.254/latest/meta-data", ["169.254.169.254"])).toMatchObject({ ok: false });
    expect(checkPushEndpoint("https://[::1]/x", ["::1"])).toMatchObject({ ok: false });
    expect(checkPushEndpoint("https://10.0.0.5/x", ["10.0.0.5"])).toMatchObject({ ok: false });
    expect(checkPushEndpoint("https://fcm.googleapis.com.evil.example/x", DEFAULT_PUSH_HOSTS)).toMatchObject({ ok: false });
    expect(checkPushEndpoint("https://wns2-by3p.notify.windows.com/w/?token=x", DEFAULT_PUSH_HOSTS)).toMatchObject({ ok: true });
    expect(checkPushEndpoint("https://web.push.apple.com/QGx", DEFAULT_PUSH_HOSTS)).toMatchObject({ ok: true });
  });

  it("a loopback host is refused at connect time unless the test-only flag allows it", async () => {
    const { message, record } = await seedOutbound({ channel: "push" });
    await subscribeFor(record.token);
    const strict = createPushSender({
      vapid: () => getVapidKeys(),
      appUrl: APP_URL,
      linkKey: linkSigningKey(),
      store: pushSubscriptionStore,
      allowedHosts: ["localhost"],
      testCa: rx.ca,
    });
    const res = await strict.send(message);
    expect(res).toMatchObject({ kind: "failed" });
    expect(rx.received).toHaveLength(0);
  });

  it("no TTL beyond the window: a push after the window ends is not sent", async () => {
    const { message, record } = await seedOutbound({ channel: "push", now: new Date(T0.getTime() + 49 * 3600_000) });
    await subscribeFor(record.token);
    expect(await sender().send(message)).toMatchObject({ kind: "failed", reason: "the recovery window is over" });
  });
});
