// Fault injection against the production build (`npm run bench:faults`; not part of `npm test`). Issue 15.
//
// A fresh database (SQLite; PostgreSQL with --db postgres, embedded), the production build (server.mjs, DEMO_MODE=1 so
// a tick may be given a simulated `now`), the SendGrid and WhatsApp stand-ins answering each message a little late
// (--delay ms) so that kills land while sends are in flight, and the demo shop. Then:
//   1. a burst of signed webhooks: every shopper's checkouts/create, some delivered twice (same webhook and event
//      ids), some with their checkouts/update arriving before the create (reordered), some ordering (orders/create),
//      and poison deliveries (NUL, lone surrogate, over-long token, forged HMAC) that must be refused and not stored;
//   2. rounds of concurrent POST /cron/tick calls (--ticks at once, small batches) at a simulated time; in each round
//      the server is killed (SIGKILL) at a random moment once the stand-ins have started receiving that round's
//      sends, then restarted, and the clock moves past the dead ticks' leases; --kills of them;
//   3. ticks to completion (every step of every sequence, to the end of the recovery window).
// After each kill it reads which messages the ledger held as sent at that moment; a message among those that a
// stand-in receives again later is a "duplicate among recorded sends" (must be 0). Duplicates otherwise are messages
// that were in flight (sent to the provider, answer not recorded) when the process died: at most one group of sends
// (sendConcurrency, 64) per kill.
// With --events on (the default), the providers report each message they took to the restarted server before the
// next tick, as they do within seconds: SendGrid's Event Webhook ("processed", our message id in custom_args, signed
// like SendGrid signs it) and WhatsApp's status webhook ("sent", our id in biz_opaque_callback_data, signed like Meta):
// a row a dead owner left "sending" that a provider reported is then recorded, not sent again
// (TickResult.alreadyAccepted). --events off shows the bare bound (every message in flight at a kill is sent again).
// Options: --db sqlite|postgres, --shoppers 800, --kills 20, --ticks 3, --batch 50, --delay 25 (each answer after 0 to 2 x delay ms), --events on|off, --seed 1.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import webpush from "web-push";
import { demoServerEnv, DEMO_SHOP } from "../demo/demo.server";
import { build, buildStaleReason, cleanup, freePort, freshDatabase, onCleanup, startServer, type ServerHandle } from "../demo/processes";
import { createDemoShop } from "../demo/shop";
import { hubSignature, webhookHmac } from "../demo/signing";
import { startStandins } from "../demo/standins";
import { startPostgres } from "../scripts/embedded-pg.mjs";
import { checkoutPayload, orderPayload } from "../tests/helpers/factories";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const argv = process.argv.slice(2);
function arg(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
}
const WHICH = arg("db", "sqlite") === "postgres" ? "postgres" : "sqlite";
const SHOPPERS = Number(arg("shoppers", "800"));
const KILLS = Number(arg("kills", "20"));
const TICKS = Number(arg("ticks", "3"));
const BATCH = Number(arg("batch", "50"));
const DELAY = Number(arg("delay", "25"));
/** The providers report what they took: SendGrid "processed" events (custom_args), WhatsApp "sent" statuses. */
const EVENTS = arg("events", "on") !== "off";
let seed = Number(arg("seed", "1")) >>> 0 || 1;
function random(): number {
  // mulberry32: the same run for the same --seed
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const LEASE_MS = 5 * 60_000; // the engine's default lease (the cron route does not change it)
const SENT = ["sent", "delivered", "opened", "clicked"];

async function main() {
  const t0 = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-faults-"));
  onCleanup("work folder", () => fs.rmSync(dir, { recursive: true, force: true }));
  const stale = buildStaleReason(root);
  if (stale) {
    console.log(`building the app (${stale}) ...`);
    build(root, path.join(dir, "build.log"));
  }
  let databaseUrl: string;
  if (WHICH === "postgres") {
    const pg = await startPostgres({ database: "bench_faults" });
    onCleanup("PostgreSQL", () => pg.stop());
    databaseUrl = pg.url;
    const { spawnSync } = await import("node:child_process");
    const res = spawnSync(process.execPath, [path.join(root, "scripts", "db.mjs"), "setup"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: databaseUrl },
    });
    if (res.status !== 0) throw new Error(`database setup failed: ${res.stderr || res.stdout}`);
  } else {
    databaseUrl = freshDatabase(root, path.join(dir, "faults.sqlite"));
  }
  process.env.DATABASE_URL = databaseUrl;
  const { createDb } = await import("../app/db.server");
  const { db, ready } = createDb(databaseUrl);
  await ready;
  onCleanup("database client", () => db.$disconnect());

  const apiSecret = crypto.randomBytes(24).toString("hex");
  const cronSecret = crypto.randomBytes(24).toString("hex");
  const adminToken = `shpat_faults_${crypto.randomBytes(8).toString("hex")}`;
  const whatsappAppSecret = crypto.randomBytes(16).toString("hex");
  const standins = await startStandins(dir, { adminToken, whatsappAppSecret });
  // Each answer between 0 and 2 x --delay ms: answers come back one by one, as a real provider's do.
  for (const s of [standins.sendgrid, standins.whatsapp]) Object.defineProperty(s, "delayMs", { get: () => Math.round(random() * 2 * DELAY) });
  const settings = await createDemoShop(db, { shop: DEMO_SHOP, accessToken: adminToken });
  // No quiet hours (the run's clock starts at the real time of day) and no frequency cap trimming the run.
  await db.shop.update({
    where: { domain: DEMO_SHOP },
    data: { settings: JSON.stringify({ ...settings, quietHours: { ...settings.quietHours, enabled: false } }) },
  });

  const eventKeys = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const port = await freePort();
  const env = demoServerEnv({
    port,
    databaseUrl,
    apiKey: "faults-app",
    apiSecret,
    cronSecret,
    encryptionKey: crypto.randomBytes(32).toString("hex"),
    vapid: webpush.generateVAPIDKeys(),
    standins: standins.urls,
    logLevel: "error",
  });
  env.SENDGRID_EVENT_PUBLIC_KEY = eventKeys.publicKey.export({ type: "spki", format: "der" }).toString("base64");
  let server: ServerHandle = await startServer(root, env, path.join(dir, "server-0.log"));
  let reported = 0;
  let reportedWa = 0;
  let eventsPosted = 0;
  /**
   * SendGrid's Event Webhook: "processed" for every email taken since the last report, signed (ECDSA P-256); and
   * WhatsApp's status webhook: "sent" for every WhatsApp message taken.
   */
  async function reportEvents() {
    const mails = standins.sendgrid.captured.slice(reported);
    reported += mails.length;
    const events = mails
      .filter((m) => m.body.custom_args?.message_id)
      .map((m, i) => ({
        email: m.body.personalizations[0].to[0].email,
        timestamp: Math.floor(Date.now() / 1000),
        event: "processed",
        sg_event_id: `evt-${reported}-${i}-${crypto.randomBytes(4).toString("hex")}`,
        message_id: m.body.custom_args!.message_id,
        shop: DEMO_SHOP,
      }));
    const body = JSON.stringify(events);
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = crypto.sign("sha256", Buffer.from(ts + body), eventKeys.privateKey).toString("base64");
    const res = await fetch(`${server.url}/webhooks/sendgrid`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Twilio-Email-Event-Webhook-Signature": sig, "X-Twilio-Email-Event-Webhook-Timestamp": ts },
      body,
    });
    if (res.status !== 200) throw new Error(`event webhook answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    await res.text();
    eventsPosted += events.length;
    // WhatsApp: a "sent" status per message taken, with our id echoed in biz_opaque_callback_data, signed like Meta.
    const taken = standins.whatsapp.captured.slice(reportedWa);
    const first = reportedWa;
    reportedWa += taken.length;
    const statuses = taken
      .map((c, i) => ({
        id: `wamid.TEST${first + i + 1}`,
        status: "sent",
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: c.body.to,
        biz_opaque_callback_data: c.body.biz_opaque_callback_data,
      }))
      .filter((st) => st.biz_opaque_callback_data);
    if (!statuses.length) return;
    const waBody = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "faults",
          changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: settings.whatsapp.phoneNumberId }, statuses } }],
        },
      ],
    });
    const wa = await fetch(`${server.url}/webhooks/whatsapp`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Hub-Signature-256": hubSignature(waBody, whatsappAppSecret) },
      body: waBody,
    });
    if (wa.status !== 200) throw new Error(`WhatsApp webhook answered ${wa.status}: ${(await wa.text()).slice(0, 200)}`);
    await wa.text();
    eventsPosted += statuses.length;
  }

  // What the providers received, by our message id (SendGrid custom_args.message_id; WhatsApp biz_opaque_callback_data).
  const sgIds = (from = 0) =>
    standins.sendgrid.captured
      .slice(from)
      .map((c) => c.body.custom_args?.message_id)
      .filter((id): id is string => !!id);
  const waIds = (from = 0) =>
    standins.whatsapp.captured
      .slice(from)
      .map((c) => c.body.biz_opaque_callback_data)
      .filter((id): id is string => !!id);
  const received = (): string[] => [...sgIds(), ...waIds()];
  /** Where each stand-in's log stands: what it receives from here on came later. */
  const position = () => ({ sg: standins.sendgrid.captured.length, wa: standins.whatsapp.captured.length });
  const staffAlerts = () => standins.sendgrid.captured.filter((c) => c.body.custom_args?.kind === "staff_alert").map((c) => c.body.custom_args!.checkout_id);

  // 1. The webhook burst.
  const T0 = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3600_000);
  const statuses: Record<string, number> = {};
  let delivered = 0;
  let seq = 0;
  async function deliver(topic: string, payload: unknown, o: { id?: string; rawBody?: string; forge?: boolean } = {}) {
    const body = o.rawBody ?? JSON.stringify(payload);
    const id = o.id ?? `faults-${++seq}`;
    const res = await fetch(`${server.url}/webhooks/${topic}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": DEMO_SHOP,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": `wh-${id}`,
        "X-Shopify-Event-Id": `ev-${id}`,
        "X-Shopify-Triggered-At": new Date().toISOString(),
        "X-Shopify-Hmac-Sha256": o.forge ? webhookHmac(body, "not-the-secret") : webhookHmac(body, apiSecret),
      },
      body,
    });
    await res.text();
    delivered += 1;
    const k = `${topic} ${res.status}`;
    statuses[k] = (statuses[k] ?? 0) + 1;
    return res.status;
  }
  const tokens: string[] = [];
  let ordered = 0;
  let poison = 0;
  const jobs: Array<() => Promise<unknown>> = [];
  for (let i = 0; i < SHOPPERS; i++) {
    const token = `faults_${i}_${crypto.randomBytes(4).toString("hex")}`;
    tokens.push(token);
    const base = {
      token,
      createdAt: T0,
      email: `shopper${i}@faults.example`,
      phone: `+1555${String(1_000_000 + i).slice(-7)}`,
      acceptsMarketing: true,
      acceptsSms: i % 2 === 0,
    };
    const create = checkoutPayload(base);
    const update = checkoutPayload({ ...base, updatedAt: new Date(T0.getTime() + 5 * 60_000) });
    const r = random();
    if (r < 0.25) {
      // Reordered: the update reaches us before the create it follows.
      jobs.push(async () => {
        await deliver("checkouts/update", update);
        await deliver("checkouts/create", create);
      });
    } else if (r < 0.45) {
      // Duplicated: the same delivery twice (Shopify retries), concurrently.
      const id = `dup-${i}`;
      jobs.push(() => Promise.all([deliver("checkouts/create", create, { id }), deliver("checkouts/create", create, { id })]));
    } else {
      jobs.push(() => deliver("checkouts/create", create));
    }
    if (random() < 0.1) {
      ordered += 1;
      const order = orderPayload({ checkoutToken: token, email: base.email });
      jobs.push(async () => {
        await new Promise((res) => setTimeout(res, 50));
        await deliver("orders/create", order);
      });
    }
  }
  // Poison: values no database of ours stores, an over-long token, a forged signature. None may be stored.
  const poisonTokens: string[] = [];
  for (let i = 0; i < Math.max(4, Math.round(SHOPPERS / 20)); i++) {
    const token = `poison_${i}`;
    poisonTokens.push(token);
    const p = checkoutPayload({ token, createdAt: T0, email: `poison${i}@faults.example` });
    const kind = i % 4;
    poison += 1;
    if (kind === 0)
      jobs.push(() => deliver("checkouts/create", { ...p, line_items: [{ ...(p.line_items as Array<Record<string, unknown>>)[0], title: "Shirt\u0000" }] }));
    else if (kind === 1) jobs.push(() => deliver("checkouts/create", { ...p, note: "half an emoji \uD83D" }));
    else if (kind === 2) jobs.push(() => deliver("checkouts/create", { ...p, token: `${token}${"x".repeat(600)}` }));
    else jobs.push(() => deliver("checkouts/create", p, { forge: true }));
  }
  // Run the burst 16 at a time, in a shuffled order.
  for (let i = jobs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );

  // 2. Ticks with kills.
  let generation = 0; // bumped at each kill: a tick of an older server that fails was killed under it
  async function tickOnce(now: Date): Promise<Record<string, unknown> | null> {
    const gen = generation;
    try {
      const res = await fetch(`${server.url}/cron/tick`, {
        method: "POST",
        headers: { Authorization: `Bearer ${cronSecret}`, "Content-Type": "application/json" },
        body: JSON.stringify({ now: now.toISOString(), budgetMs: 3_000, batchSize: BATCH }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`tick answered ${res.status}: ${text.slice(0, 200)}`);
      return JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      if (gen !== generation) return null; // killed under it
      throw e;
    }
  }
  async function nextDue(): Promise<Date | null> {
    const c = await db.checkout.findFirst({
      where: { shop: DEMO_SHOP, nextDueAt: { not: null } },
      orderBy: { nextDueAt: "asc" },
      select: { nextDueAt: true, leaseUntil: true },
    });
    if (!c?.nextDueAt) return null;
    return c.leaseUntil && c.leaseUntil > c.nextDueAt ? new Date(c.leaseUntil.getTime() + 1) : c.nextDueAt;
  }
  async function recordedNow(): Promise<Set<string>> {
    const rows = await db.message.findMany({ where: { shop: DEMO_SHOP, status: { in: SENT } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }
  const snapshots: Array<{ from: ReturnType<typeof position>; at: ReturnType<typeof position>; recorded: Set<string> }> = [];
  let kills = 0;
  let restarts = 0;
  let clock = T0;
  let rounds = 0;
  let tickCalls = 0;
  const tickTotals = { failed: 0, recordedApart: 0, alreadyAccepted: 0 };
  while (kills < KILLS && rounds < KILLS * 10) {
    rounds += 1;
    const due = await nextDue();
    if (!due) break;
    if (due > clock) clock = due;
    const from = position();
    const before = received().length;
    const target = before + 1 + Math.floor(random() * 250); // anywhere in the round: first group or a later one
    const ticks = Array.from({ length: TICKS }, () => tickOnce(clock));
    tickCalls += TICKS;
    let settled = false;
    const all = Promise.all(ticks).then((r) => {
      settled = true;
      return r;
    });
    while (!settled && received().length < target) await new Promise((r) => setTimeout(r, 2));
    if (!settled) {
      // Mid-batch: sends are in flight. kill -9.
      generation += 1;
      server.child.kill("SIGKILL");
      await new Promise<void>((r) => (server.child.exitCode !== null || server.child.signalCode !== null ? r() : server.child.once("exit", () => r())));
      await all;
      kills += 1;
      await new Promise((r) => setTimeout(r, DELAY * 2)); // requests already on the wire reach the stand-ins
      snapshots.push({ from, at: position(), recorded: await recordedNow() });
      restarts += 1;
      server = await startServer(root, env, path.join(dir, `server-${restarts}.log`));
      if (EVENTS) await reportEvents();
      clock = new Date(clock.getTime() + LEASE_MS + 1_000); // the dead ticks' leases run out
    } else {
      for (const r of await all) {
        if (!r) continue;
        tickTotals.failed += Number(r.failed ?? 0);
        tickTotals.recordedApart += Number(r.recordedApart ?? 0);
        tickTotals.alreadyAccepted += Number(r.alreadyAccepted ?? 0);
      }
    }
  }

  // 3. Ticks to completion (concurrent, no kills).
  for (let guard = 0; guard < 2_000; guard++) {
    const due = await nextDue();
    if (!due) break;
    if (due > clock) clock = due;
    tickCalls += TICKS;
    for (const r of await Promise.all(Array.from({ length: TICKS }, () => tickOnce(clock)))) {
      if (!r) continue;
      tickTotals.failed += Number(r.failed ?? 0);
      tickTotals.recordedApart += Number(r.recordedApart ?? 0);
      tickTotals.alreadyAccepted += Number(r.alreadyAccepted ?? 0);
    }
  }
  await new Promise((r) => setTimeout(r, DELAY * 2));

  // Figures.
  const stored = await db.checkout.findMany({ where: { shop: DEMO_SHOP }, select: { token: true } });
  const storedTokens = new Set(stored.map((s) => s.token));
  const poisonStored = poisonTokens.filter((t) => [...storedTokens].some((s) => s.startsWith(t))).length;
  const orders = await db.order.count({ where: { shop: DEMO_SHOP } });
  const ledger = await db.message.findMany({ where: { shop: DEMO_SHOP, channel: { in: ["email", "whatsapp"] } }, select: { id: true, status: true } });
  const expected = ledger.filter((m) => SENT.includes(m.status) || m.status === "sending" || m.status === "pending");
  const open = ledger.filter((m) => m.status === "sending" || m.status === "pending").length;
  const ids = received();
  const times = new Map<string, number>();
  for (const id of ids) times.set(id, (times.get(id) ?? 0) + 1);
  const expectedIds = new Set(expected.map((m) => m.id));
  const lost = [...expectedIds].filter((id) => !times.has(id)).length;
  const duplicates = [...times.values()].filter((n) => n > 1).length;
  const extraSends = [...times.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
  const unknown = [...times.keys()].filter((id) => !expectedIds.has(id)).length;
  let recordedDuplicates = 0;
  const dupIds = new Set<string>();
  for (const s of snapshots) {
    for (const id of [...sgIds(s.at.sg), ...waIds(s.at.wa)]) if (s.recorded.has(id)) dupIds.add(id);
  }
  recordedDuplicates = dupIds.size;
  // In flight at each kill: received in that round, not recorded as sent when the process died.
  const inFlight = snapshots.map(
    (s) =>
      new Set([...sgIds(s.from.sg).slice(0, s.at.sg - s.from.sg), ...waIds(s.from.wa).slice(0, s.at.wa - s.from.wa)].filter((id) => !s.recorded.has(id))).size,
  );
  const alerts = staffAlerts();
  const alertDupes = alerts.length - new Set(alerts).size;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);

  console.log(
    `bench:faults [${WHICH}] ${SHOPPERS} shoppers, ${KILLS} kills wanted, ${TICKS} concurrent ticks of batch ${BATCH}, stand-ins answer after 0-${2 * DELAY} ms, provider events ${EVENTS ? `on (${eventsPosted} posted)` : "off"}, seed ${arg("seed", "1")} (${secs} s)`,
  );
  console.log(
    `  deliveries sent       ${delivered} (${Object.entries(statuses)
      .sort()
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ")})`,
  );
  console.log(
    `  rows expected/stored  checkouts ${SHOPPERS}/${[...storedTokens].filter((t) => tokens.includes(t)).length}, orders ${ordered}/${orders}, poison ${poison} delivered / ${poisonStored} stored`,
  );
  console.log(`  kills                 ${kills} kill -9 mid-batch, ${restarts} restarts, ${tickCalls} tick calls (${rounds} rounds before completion)`);
  console.log(`  messages expected     ${expectedIds.size} (ledger: email and WhatsApp rows sent or still open; ${open} still open)`);
  console.log(
    `  messages sent         ${[...expectedIds].filter((id) => times.has(id)).length} distinct, ${ids.length} received in all (${unknown} not in the ledger)`,
  );
  console.log(
    `  in flight at kills    ${inFlight.reduce((a, b) => a + b, 0)} in all, at most ${Math.max(0, ...inFlight)} at one kill (received by a stand-in, answer not recorded when the process died)`,
  );
  const extraOf = (list: string[]) => {
    const m = new Map<string, number>();
    for (const id of list) m.set(id, (m.get(id) ?? 0) + 1);
    return [...m.values()].reduce((a, n) => a + n - 1, 0);
  };
  console.log(
    `  duplicates            ${duplicates} message ids received twice or more (${extraSends} extra sends: email ${extraOf(sgIds())}, WhatsApp ${extraOf(waIds())}; each one was in flight at a kill)`,
  );
  console.log(`  duplicates of recorded sends ${recordedDuplicates} (must be 0)`);
  console.log(`  lost                  ${lost} (expected but never received)`);
  console.log(
    `  staff alerts          ${alerts.length} (${alertDupes} repeated); ticks that answered (killed ones not counted): failed ${tickTotals.failed}, recordedApart ${tickTotals.recordedApart}, alreadyAccepted ${tickTotals.alreadyAccepted}`,
  );
  const ok = recordedDuplicates === 0 && lost === 0 && poisonStored === 0 && open === 0 && extraSends <= inFlight.reduce((a, b) => a + b, 0);
  console.log(ok ? "  OK: 0 lost, 0 duplicates of recorded sends, no poison stored" : "  PROBLEM: see the figures above");
  return ok ? 0 : 1;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (e) => {
    console.error(e);
    await cleanup();
    process.exit(1);
  });
