// Channel send benchmark (`npm run bench:send`; not part of `npm test`).
//
// Through the real senders, over real loopback HTTP(S), to the test stand-ins:
//   email  N emails rendered and sent with createEmailSender (@sendgrid/mail) to the SendGrid stand-in
//   push   N pushes with createPushSender (RFC 8291 aes128gcm encryption by web-push's own `encrypt`, a fresh
//          ephemeral key per message, VAPID header cached per origin) to the HTTPS push receiver (self-signed certificate, count-only:
//          the receiver does not decrypt). The encryption runs on the push encryption worker thread(s)
//          (push-encrypt-pool.server.ts; PUSH_ENCRYPT_WORKERS, default 1 with more than one core, 0 = on the main
//          thread), batched per event-loop turn: the main thread packs, posts and unpacks, the worker encrypts.
//   raw    N plain HTTPS POSTs of the same byte size to the same receiver through the same kind of keep-alive agent:
//          the ceiling a push sender could reach
// Prints messages/s for each and the push/raw ratio by wall clock (the headline; target >= 0.5). "ms CPU each" is
// process CPU time (process.cpuUsage: every thread, the encryption workers included); "main thread" is the main
// thread's own (process.threadCpuUsage), the event loop that also serves webhooks in production.
// Issue 16 measured web-push's encryption against our former hand-written one with this script (--push-encryption
// both, bench/RESULTS.md "Issue 16: push encryption against web-push"): web-push kept 0.95x, so it replaced ours and
// there is one encryption left to measure.
// Options: --n 10000, --concurrency 64.
import crypto from "node:crypto";
import https from "node:https";
import webpush from "web-push";
import { createEmailSender } from "../app/channels/email.server";
import { createPushEncryptPool, pushEncryptWorkers } from "../app/channels/push-encrypt-pool.server";
import { createPushSender, type PushStore } from "../app/channels/push.server";
import type { OutboundMessage } from "../app/channels/types";
import { linkSigningKey } from "../app/lib/crypto.server";
import { DEFAULT_SETTINGS } from "../app/lib/settings";
import { startPushReceiver } from "../tests/helpers/standins/push-receiver";
import { startSendGridStandIn } from "../tests/helpers/standins/sendgrid";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const N = arg("n", 10_000);
const CONCURRENCY = arg("concurrency", 64);
const APP_URL = "https://app.bench.example";

interface Timing {
  ms: number;
  /** All threads. */
  cpuMs: number;
  /** The main thread alone. */
  mainCpuMs: number;
}

/** The main thread's CPU time in µs (process CPU time on a Node without process.threadCpuUsage). */
function mainCpu(): number {
  const u = typeof process.threadCpuUsage === "function" ? process.threadCpuUsage() : process.cpuUsage();
  return u.user + u.system;
}

async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>, offset = 0): Promise<Timing> {
  let next = offset;
  const end = offset + n;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const main0 = mainCpu();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= end) return;
        await task(i);
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const main = mainCpu() - main0;
  return { ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs: main / 1000 };
}

function add(a: Timing, b: Timing): Timing {
  return { ms: a.ms + b.ms, cpuMs: a.cpuMs + b.cpuMs, mainCpuMs: a.mainCpuMs + b.mainCpuMs };
}

function message(i: number, channel: "email" | "push", now: Date): OutboundMessage {
  return {
    messageId: `bench_${channel}_${i}`,
    channel,
    shop: {
      domain: "bench-shop.myshopify.com",
      name: "Bench Shop",
      email: "owner@bench.example",
      currency: "USD",
      timezone: "UTC",
      primaryDomain: "bench.example",
      contactEmail: null,
      primaryLocale: null,
      billingAddress: null,
      settings: DEFAULT_SETTINGS,
    },
    checkout: {
      id: `c${i}`,
      token: `tok_${i}`,
      cartToken: `cart_${i}`,
      email: `shopper${i}@bench.example`,
      phone: null,
      firstName: "Ada",
      lastName: "Lovelace",
      locale: "en",
      currency: "USD",
      subtotalMinor: 9600,
      totalMinor: 9600,
      lineItems: [
        {
          title: "Linen Shirt",
          variantTitle: "M / Sand",
          variantId: "1",
          productId: "2",
          quantity: 1,
          priceMinor: 5900,
          imageUrl: "https://cdn.shopify.com/s/files/shirt.jpg",
          sku: "S",
        },
        { title: "Canvas Tote", variantTitle: null, variantId: "3", productId: "4", quantity: 2, priceMinor: 1850, imageUrl: null, sku: "T" },
      ],
      abandonedCheckoutUrl: `https://bench-shop.myshopify.com/checkouts/tok_${i}/recover?key=k`,
      emailConsent: true,
      smsConsent: false,
    },
    step: { ...DEFAULT_SETTINGS.cadence.steps[0], index: 0, isFinal: false },
    incentive: null,
    now,
    windowEndsAt: new Date(now.getTime() + 48 * 3600_000),
  };
}

async function main() {
  const linkKey = linkSigningKey(crypto.randomBytes(32).toString("hex"));
  const now = new Date();
  const sg = await startSendGridStandIn("SG.bench");
  sg.countOnly = true;
  const rx = await startPushReceiver();
  rx.countOnly = true;

  // Email
  const email = createEmailSender({ apiKey: sg.apiKey, baseUrl: sg.url, defaultFromEmail: "hello@bench.example", appUrl: APP_URL, linkKey });
  await email.send(message(-1, "email", now)); // warm-up
  let emailFailed = 0;
  const emailT = await pool(N, CONCURRENCY, async (i) => {
    const r = await email.send(message(i, "email", now));
    if (r.kind !== "sent") emailFailed += 1;
  });

  // Push: one subscription per checkout (a browser's keys), all on the receiver.
  const subs = Array.from({ length: 256 }, () => rx.subscribe());
  const store: PushStore = {
    find: async ({ checkoutToken }) => {
      const s = subs[Number(checkoutToken.slice(4)) & 255] ?? subs[0];
      return [{ id: s.id, endpoint: s.endpoint, p256dh: s.keys.p256dh, auth: s.keys.auth }];
    },
    remove: async () => {},
    touch: async () => {},
  };
  const vapid = { ...webpush.generateVAPIDKeys(), subject: "mailto:bench@bench.example" };
  // One sender and its encryption pool (the same worker count as production would start).
  const workers = pushEncryptWorkers();
  const encryptPool = createPushEncryptPool({ workers });
  const sender = createPushSender({
    vapid: async () => vapid,
    appUrl: APP_URL,
    linkKey,
    store,
    allowedHosts: ["localhost"],
    testCa: rx.ca,
    allowNonPublic: true,
    maxSockets: CONCURRENCY,
    encrypt: (text, keys) => encryptPool.encrypt(text, keys),
  });
  let pushFailed = 0;
  const pushTask = async (i: number) => {
    const r = await sender.send(message(i, "push", now));
    if (r.kind !== "sent") pushFailed += 1;
  };
  const warm = await sender.send(message(0, "push", now)); // warm-up: starts the pool's workers, opens a socket
  if (warm.kind !== "sent") throw new Error(`push warm-up not sent: ${JSON.stringify(warm)}`);

  // Raw HTTPS POSTs of the same size (an encrypted push body is the plaintext + 103 bytes of header, tag, padding),
  // with the same headers, answered by the same receiver the same way (201 + Location).
  const sample = JSON.stringify({
    title: "You left something at Bench Shop",
    body: "Linen Shirt (M / Sand) and 2 more items are still in your cart. Tap to finish your order.",
    url: `${APP_URL}/r/${"x".repeat(60)}`,
    tag: "t".repeat(32),
    messageId: "bench_push_0",
    image: "https://cdn.shopify.com/s/files/shirt.jpg",
  });
  const rawBody = crypto.randomBytes(Buffer.byteLength(sample) + 103);
  const agent = new https.Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: rx.ca });
  const rawUrl = new URL(`${rx.origin}/raw`);
  // The same request a push is on the wire: same headers (a VAPID Authorization of the same length included).
  const rawHeaders = {
    TTL: "172800",
    Urgency: "high",
    Topic: "t".repeat(32),
    "Content-Encoding": "aes128gcm",
    "Content-Type": "application/octet-stream",
    "Content-Length": rawBody.length,
    Authorization: webpush.getVapidHeaders(rx.origin, vapid.subject, vapid.publicKey, vapid.privateKey, "aes128gcm", Math.floor(Date.now() / 1000) + 3600)
      .Authorization,
  };
  const rawPost = () =>
    new Promise<void>((resolve, reject) => {
      const req = https.request(rawUrl, { method: "POST", agent, headers: rawHeaders }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 201 ? resolve() : reject(new Error(`raw ${res.statusCode}`))));
      });
      req.on("error", reject);
      req.end(rawBody);
    });
  await rawPost();
  // Push and raw run interleaved in rounds, so load from anything else on the machine hits both alike.
  const ROUNDS = 10;
  let pushT: Timing = { ms: 0, cpuMs: 0, mainCpuMs: 0 };
  let rawT: Timing = { ms: 0, cpuMs: 0, mainCpuMs: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const size = Math.ceil(N / ROUNDS);
    const offset = r * size;
    const count = Math.min(size, N - offset);
    pushT = add(pushT, await pool(count, CONCURRENCY, pushTask, offset));
    rawT = add(rawT, await pool(count, CONCURRENCY, () => rawPost(), offset));
  }

  const rate = (t: Timing) => Math.round((N / t.ms) * 1000);
  const cpuPer = (t: Timing) => (t.cpuMs / N).toFixed(3);
  const mainPer = (t: Timing) => (t.mainCpuMs / N).toFixed(3);
  console.log(
    `bench:send  n=${N} concurrency=${CONCURRENCY} node ${process.version} push encryption workers=${workers} (sender and stand-ins share this process)`,
  );
  console.log(
    `email  ${rate(emailT).toLocaleString("en-US").padStart(7)} messages/s  (${(emailT.ms / 1000).toFixed(2)} s, ${cpuPer(emailT)} ms CPU each, ${emailFailed} not sent, stand-in received ${sg.count - 1})`,
  );
  console.log(
    `${"push".padEnd(6)} ${rate(pushT).toLocaleString("en-US").padStart(7)} messages/s  (${(pushT.ms / 1000).toFixed(2)} s, ${cpuPer(pushT)} ms CPU each, ${mainPer(pushT)} on the main thread, ${pushFailed} not sent, ${encryptPool.stats.worker} encrypted on a worker)`,
  );
  console.log(
    `${"raw".padEnd(6)} ${rate(rawT).toLocaleString("en-US").padStart(7)} POSTs/s     (${(rawT.ms / 1000).toFixed(2)} s, ${cpuPer(rawT)} ms CPU each, ${mainPer(rawT)} on the main thread, ${rawBody.length} bytes each)`,
  );
  const ratio = rate(pushT) / rate(rawT);
  console.log(
    `push/raw ratio ${ratio.toFixed(2)} by wall clock, ${(rawT.cpuMs / pushT.cpuMs).toFixed(2)} by CPU time, ${(rawT.mainCpuMs / pushT.mainCpuMs).toFixed(2)} by main-thread CPU time (target >= 0.5) ${ratio >= 0.5 ? "OK" : "BELOW TARGET"}`,
  );
  await encryptPool.close();
  agent.destroy();
  await sg.close();
  await rx.close();
  process.exit(emailFailed || pushFailed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
