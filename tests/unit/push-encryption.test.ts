// RFC 8291 (aes128gcm) push encryption, web-push's own (app/channels/push-encryption-web-push.mjs), as the sender
// runs it: checked against the RFC's own example (encryptPushPayload with web-push's randomness pinned to the RFC's
// key and salt, and http_ece.encrypt given them directly), against two decrypters (the http_ece package, and a
// from-scratch decrypt on crypto.hkdfSync), and end to end through the sender to the push stand-in (which decrypts
// every message). Every message has its own ephemeral key and salt. Our key validation and one-record guard in
// front of it. Generated inputs and the request headers: push-encryption-differential.test.ts.
import crypto from "node:crypto";
import https from "node:https";
import type { AddressInfo } from "node:net";
import ece from "http_ece";
import selfsigned from "selfsigned";
import webpush from "web-push";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { AES128GCM_HEADER_BYTES, encryptPushPayload, InvalidPushKeysError, preparePushKeys } from "../../app/channels/push-encryption.server";
import { createPushSender, MAX_PUSH_PAYLOAD, pushTopic, type PushStore, type PushSubscriptionRecord } from "../../app/channels/push.server";
import type { OutboundMessage } from "../../app/channels/types";
import { outboundMessage } from "../helpers/outbound";
import { decryptPushFromScratch } from "../helpers/push-decrypt";
import { withPinnedWebPushRandomness } from "../helpers/push-pinned";
import { startPushReceiver, type PushReceiver } from "../helpers/standins/push-receiver";

const b64 = (s: string) => Buffer.from(s, "base64url");

// RFC 8291 Appendix A.
const RFC = {
  plaintext: "When I grow up, I want to be a watermelon",
  asPrivate: "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw",
  asPublic: "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8",
  uaPrivate: "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94",
  uaPublic: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
  salt: "DGv6ra1nlYgDCS1FRnbzlw",
  authSecret: "BTBZMqHH6r4Tts7J_aSIgg",
  body: "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
};

/** A browser's side of a subscription. */
function userAgent() {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString("base64url"), authB64: auth.toString("base64url") };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("RFC 8291 encryption (web-push's)", () => {
  it("reproduces the RFC 8291 Appendix A example byte for byte, through encryptPushPayload and through http_ece", () => {
    const keys = preparePushKeys(RFC.uaPublic, RFC.authSecret);
    const as = crypto.createECDH("prime256v1");
    as.setPrivateKey(b64(RFC.asPrivate));
    expect(as.getPublicKey().toString("base64url")).toBe(RFC.asPublic);
    // What the sender calls, with web-push's ephemeral key and salt pinned to the RFC's.
    const body = withPinnedWebPushRandomness(as, b64(RFC.salt), () => encryptPushPayload(RFC.plaintext, keys));
    expect(body.toString("base64url")).toBe(RFC.body);
    // The library underneath, given the key and salt directly (no stubs).
    const direct = ece.encrypt(Buffer.from(RFC.plaintext), {
      version: "aes128gcm",
      privateKey: as,
      dh: RFC.uaPublic,
      salt: RFC.salt,
      authSecret: RFC.authSecret,
    });
    expect(direct.toString("base64url")).toBe(RFC.body);
    // The vector itself, checked by the independent decrypters.
    const ua = crypto.createECDH("prime256v1");
    ua.setPrivateKey(b64(RFC.uaPrivate));
    expect(ece.decrypt(body, { version: "aes128gcm", privateKey: ua, authSecret: RFC.authSecret }).toString("utf8")).toBe(RFC.plaintext);
    expect(decryptPushFromScratch(body, ua, b64(RFC.authSecret)).toString("utf8")).toBe(RFC.plaintext);
  });

  it("every message decrypts with http_ece and from scratch, with its own ephemeral key and salt", () => {
    const ua = userAgent();
    const keys = preparePushKeys(ua.p256dh, ua.authB64);
    const keyIds = new Set<string>();
    const salts = new Set<string>();
    const n = 300;
    for (let i = 0; i < n; i++) {
      const text = JSON.stringify({ title: `Message ${i}`, body: "Ünïcödé ✓ and emoji 🛒", i });
      const body = encryptPushPayload(text, keys);
      expect(body.length).toBe(AES128GCM_HEADER_BYTES + Buffer.byteLength(text) + 1 + 16);
      expect(body.readUInt32BE(16)).toBe(4096);
      expect(body[20]).toBe(65);
      const keyId = body.subarray(21, 86);
      expect(keyId[0]).toBe(4);
      expect(keyId.equals(keys.uaPublic)).toBe(false);
      keyIds.add(keyId.toString("base64url"));
      salts.add(body.subarray(0, 16).toString("base64url"));
      expect(ece.decrypt(body, { version: "aes128gcm", privateKey: ua.ecdh, authSecret: ua.auth }).toString("utf8")).toBe(text);
      expect(decryptPushFromScratch(body, ua.ecdh, ua.auth).toString("utf8")).toBe(text);
    }
    expect(keyIds.size).toBe(n);
    expect(salts.size).toBe(n);
  });

  it("the same payload twice gives unrelated ciphertexts; a Buffer plaintext works like a string", () => {
    const ua = userAgent();
    const keys = preparePushKeys(ua.p256dh, ua.authB64);
    const a = encryptPushPayload("same", keys);
    const b = encryptPushPayload(Buffer.from("same"), keys);
    expect(a.subarray(86).equals(b.subarray(86))).toBe(false);
    expect(ece.decrypt(b, { version: "aes128gcm", privateKey: ua.ecdh, authSecret: ua.auth }).toString()).toBe("same");
  });

  it("a maximal payload fits one 4096-byte body and decrypts; a record overflow is refused", () => {
    const ua = userAgent();
    const keys = preparePushKeys(ua.p256dh, ua.authB64);
    const text = "é".repeat(MAX_PUSH_PAYLOAD / 2 - 1) + "abc"; // 3993 bytes of UTF-8
    expect(Buffer.byteLength(text)).toBe(MAX_PUSH_PAYLOAD);
    const body = encryptPushPayload(text, keys);
    expect(body.length).toBe(4096);
    expect(ece.decrypt(body, { version: "aes128gcm", privateKey: ua.ecdh, authSecret: ua.auth }).toString("utf8")).toBe(text);
    expect(() => encryptPushPayload("x".repeat(4080), keys)).toThrow(/one record/);
  });

  it("refuses subscription keys that are not a P-256 point or a 16-byte auth secret", () => {
    const ua = userAgent();
    expect(() => preparePushKeys(ua.p256dh.slice(0, 40), ua.authB64)).toThrow(InvalidPushKeysError);
    const compressed = crypto.ECDH.convertKey(ua.p256dh, "prime256v1", "base64url", "base64url", "compressed") as string;
    expect(() => preparePushKeys(compressed, ua.authB64)).toThrow(InvalidPushKeysError);
    const offCurve = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString("base64url");
    expect(() => preparePushKeys(offCurve, ua.authB64)).toThrow(/not a point on P-256/);
    expect(() => preparePushKeys(ua.p256dh, crypto.randomBytes(8).toString("base64url"))).toThrow(/auth secret/);
    expect(preparePushKeys(ua.p256dh, ua.authB64).uaPublic.equals(ua.ecdh.getPublicKey())).toBe(true);
  });
});

function message(i: number, now = new Date()): OutboundMessage {
  return outboundMessage({ messageId: `msg_${i}`, checkoutId: `c${i}`, token: `tok_${i}`, now });
}

function memoryStore(subs: PushSubscriptionRecord[]) {
  const touched: string[] = [];
  const removed: string[] = [];
  const store: PushStore = {
    find: async () => subs.filter((s) => !removed.includes(s.id)),
    remove: async (id) => void removed.push(id),
    touch: async (id) => void touched.push(id),
  };
  return { store, touched, removed };
}

const vapid = { ...webpush.generateVAPIDKeys(), subject: "mailto:unit@example.com" };

describe("push sender over the stand-in (which decrypts every message)", () => {
  let rx: PushReceiver;
  beforeAll(async () => {
    rx = await startPushReceiver();
  });
  afterAll(async () => {
    await rx.close();
  });
  beforeEach(() => {
    rx.received.length = 0;
  });

  it("sends many messages to one subscription: all decrypt, each with a new ephemeral key and salt, one VAPID JWT", async () => {
    const s = rx.subscribe();
    const { store, touched } = memoryStore([{ id: s.id, endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth }]);
    const sender = createPushSender({
      vapid: async () => vapid,
      appUrl: "https://app.example",
      linkKey: crypto.randomBytes(32),
      store,
      allowedHosts: ["localhost"],
      testCa: rx.ca,
      allowNonPublic: true,
    });
    const n = 40;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => sender.send(message(i))));
    expect(results.every((r) => r.kind === "sent")).toBe(true);
    expect(rx.received).toHaveLength(n);
    expect(touched).toHaveLength(n);
    expect(new Set(rx.received.map((r) => r.keyId)).size).toBe(n);
    expect(new Set(rx.received.map((r) => r.salt)).size).toBe(n);
    expect(rx.received.map((r) => r.payload.messageId).sort()).toEqual(Array.from({ length: n }, (_, i) => `msg_${i}`).sort());
    for (const r of rx.received) {
      expect(r.vapid).toMatchObject({ ok: true, aud: rx.origin, sub: vapid.subject, publicKey: vapid.publicKey });
      expect(r.headers).toMatchObject({ ttl: "3600", urgency: "high", contentEncoding: "aes128gcm" });
      expect(r.headers.topic).toBe(pushTopic(`tok_${String(r.payload.messageId).slice(4)}`));
    }
    expect(new Set(rx.received.map((r) => r.vapid.exp)).size).toBe(1); // the JWT is signed once per origin
  });

  it("invalid subscription keys fail the message without any request", async () => {
    const s = rx.subscribe();
    const { store } = memoryStore([{ id: s.id, endpoint: s.endpoint, p256dh: Buffer.alloc(65, 1).toString("base64url"), auth: s.keys.auth }]);
    const sender = createPushSender({
      vapid: async () => vapid,
      appUrl: "https://app.example",
      linkKey: crypto.randomBytes(32),
      store,
      allowedHosts: ["localhost"],
      testCa: rx.ca,
      allowNonPublic: true,
    });
    const before = rx.count;
    const r = await sender.send(message(1));
    expect(r).toMatchObject({ kind: "failed" });
    expect(r.kind === "failed" && r.reason).toMatch(/invalid push subscription keys/);
    expect(rx.count).toBe(before);
    expect(rx.received).toHaveLength(0);
  });
});

describe("push sender on the wire", () => {
  const pems = selfsigned.generate([{ name: "commonName", value: "localhost" }], {
    days: 1,
    keySize: 2048,
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] }],
  });
  let server: https.Server;
  let origin = "";
  const seen: Array<{ headers: Record<string, string | string[] | undefined>; bytes: number }> = [];
  let mode: "answer" | "hang" = "answer";
  beforeAll(async () => {
    server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        seen.push({ headers: req.headers, bytes: Buffer.concat(chunks).length });
        if (mode === "hang") return; // never answers
        res.writeHead(201, { Location: `${origin}/m/1` });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `https://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  function senderFor(timeoutMs?: number) {
    const ua = userAgent();
    const { store } = memoryStore([{ id: "s1", endpoint: `${origin}/push/abc?x=1`, p256dh: ua.p256dh, auth: ua.authB64 }]);
    return createPushSender({
      vapid: async () => vapid,
      appUrl: "https://app.example",
      linkKey: crypto.randomBytes(32),
      store,
      allowedHosts: ["localhost"],
      testCa: pems.cert,
      allowNonPublic: true,
      timeoutMs,
    });
  }

  it("sends Host, a Content-Length (not chunked) and the push headers, to the endpoint's path and query", async () => {
    mode = "answer";
    seen.length = 0;
    const r = await senderFor().send(message(7));
    expect(r).toMatchObject({ kind: "sent", providerId: `${origin}/m/1`, recipient: "localhost" });
    const h = seen[0].headers;
    expect(h.host).toBe(new URL(origin).host);
    expect(Number(h["content-length"])).toBe(seen[0].bytes);
    expect(h["transfer-encoding"]).toBeUndefined();
    expect(h).toMatchObject({
      "content-encoding": "aes128gcm",
      "content-type": "application/octet-stream",
      urgency: "high",
      ttl: "3600",
      topic: pushTopic("tok_7"),
    });
    expect(String(h.authorization)).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
  });

  it("a push service that never answers times out into a retry", async () => {
    mode = "hang";
    const started = Date.now();
    const r = await senderFor(300).send(message(8));
    expect(r).toMatchObject({ kind: "retry" });
    expect(r.kind === "retry" && r.reason).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
