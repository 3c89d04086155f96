// The recovery engine end to end with an injected clock, on a real SQLite file and a real PostgreSQL server:
// checkouts arrive as signed webhooks, ticks run at the moments work is due, the outbox records what was sent.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db, dbProvider } from "../../app/db.server";
import { hashAddress } from "../../app/lib/suppression";
import { claimDueCheckouts, newMessageId } from "../../app/models/recovery.server";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { makeOutbox, runUntil, tick } from "../helpers/engine";
import { installShop } from "../helpers/install";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../helpers/standins/admin-graphql";
import type { CheckoutPayloadOptions } from "../helpers/factories";
import { T0, at } from "../helpers/time";
import { deliverCheckout, deliverOrder } from "../helpers/webhooks";

const NO_QUIET = { quietHours: { enabled: false, start: "21:00", end: "08:00", timezone: null } };
const END = at(3 * 24 * 60);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function shopWith(settings: Record<string, any> = {}) {
  await seedShop(TEST_SHOP, { ...NO_QUIET, ...settings } as never);
}

// Shops whose profile matters (time zone) are installed through afterAuth against the Admin GraphQL stand-in.
let admin: AdminGraphqlStandin;
beforeAll(async () => {
  admin = await startAdminGraphqlStandin();
});
afterAll(() => admin.close());

const newCheckout = (o: CheckoutPayloadOptions = {}) => deliverCheckout({ createdAt: T0, ...o });
const order = (token: string, when: Date, total = "96.00") => deliverOrder({ checkoutToken: token, createdAt: when, total });

async function sentMessages(checkoutId: string) {
  return db.message.findMany({ where: { checkoutId, status: "sent" }, orderBy: [{ sentAt: "asc" }, { channel: "asc" }] });
}

beforeEach(async () => {
  await resetDatabase();
});

describe("cadence", () => {
  it("a new shopper who never returns gets every step on time, and ends Lost", async () => {
    await shopWith(); // the default cap (4 reminders a day) fits the default cadence
    const { payload, checkout } = await newCheckout({ phone: "+1 555 010 2030", acceptsSms: true });
    await db.pushSubscription.create({
      data: { shop: TEST_SHOP, endpoint: "https://push.example.net/sub/1", p256dh: "k", auth: "a", cartToken: payload.cart_token },
    });
    const outbox = makeOutbox();
    await runUntil(outbox, END);

    const sent = await sentMessages(checkout.id);
    const got = sent.map((m) => `${m.stepId}:${m.channel}@${(m.sentAt!.getTime() - T0.getTime()) / 60_000}`);
    // Abandoned at +20 min (quiet period); steps at +60, +90, +240, +1440, +2400 minutes after that.
    expect(got).toEqual([
      "s1:email@80",
      "s1:push@80",
      "s2:whatsapp@110",
      "s3:email@260",
      "s3:push@260",
      "s4:email@1460",
      "s4:push@1460",
      "s5:email@2420",
      "s5:push@2420",
    ]);
    expect(outbox.channels.email.count + outbox.channels.push.count + outbox.channels.whatsapp.count).toBe(9);
    expect(sent.every((m) => m.attempts === 1 && m.providerId?.startsWith("outbox-"))).toBe(true);

    const after = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(after).toMatchObject({ stage: "lost", status: "expired", stopReason: "window_passed", nextDueAt: null, leaseOwner: null });
    expect(after.firstContactedAt?.toISOString()).toBe(at(80).toISOString());
    const stages = await db.auditLog.findMany({ where: { checkoutId: checkout.id, action: "stage_change" }, orderBy: { createdAt: "asc" } });
    expect(stages.map((s) => `${s.fromValue}->${s.toValue} by ${s.actor}`).sort()).toEqual([
      "abandoned->contacted by system:engine",
      "contacted->lost by system:engine",
    ]);
  });

  it("a shopper who buys before the first reminder gets nothing", async () => {
    await shopWith();
    const { payload, checkout } = await newCheckout();
    const outbox = makeOutbox();
    await tick(outbox, at(30)); // nothing due yet
    await order(payload.token, at(45));
    await runUntil(outbox, END);
    expect(await db.message.count({ where: { checkoutId: checkout.id } })).toBe(0);
    expect(outbox.channels.email.entries).toHaveLength(0);
    const after = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(after).toMatchObject({ status: "completed", nextDueAt: null, stage: "abandoned" });
  });

  it("a shopper who buys between steps gets nothing more, and the order is credited as a recovery", async () => {
    await shopWith();
    const { payload, checkout } = await newCheckout();
    const outbox = makeOutbox();
    await tick(outbox, at(80));
    expect(outbox.channels.email.entries).toHaveLength(1);
    await order(payload.token, at(150));
    await runUntil(outbox, END);
    expect(outbox.channels.email.entries).toHaveLength(1);
    const after = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(after).toMatchObject({ status: "recovered", stage: "recovered", nextDueAt: null, recoveredRevenueMinor: 9600n });
  });

  it("stops at once when the order comes while the checkout is claimed", async () => {
    await shopWith();
    const a = await newCheckout();
    const b = await newCheckout();
    // The order for B lands while the tick is sending A's message (B already claimed in the same batch).
    const outbox = makeOutbox({
      answer: async (m) => {
        if (m.checkout.id === a.checkout.id && m.channel === "email") await order(b.payload.token, at(81));
        return { kind: "sent", providerId: `p-${m.messageId}` };
      },
    });
    // Make A go first in the batch.
    await db.checkout.update({ where: { id: a.checkout.id }, data: { nextDueAt: at(79) } });
    const r = await tick(outbox, at(80), { sendConcurrency: 1 });
    expect(r.claimed).toBe(2);
    expect(await db.message.count({ where: { checkoutId: a.checkout.id, status: "sent" } })).toBe(1);
    expect(await db.message.count({ where: { checkoutId: b.checkout.id, status: "sent" } })).toBe(0);
    expect(await db.message.findFirst({ where: { checkoutId: b.checkout.id, channel: "email" } })).toMatchObject({
      status: "skipped",
      skipReason: "order_completed",
    });
    expect(r.skipped.order_completed).toBe(1);
    const bAfter = await db.checkout.findUniqueOrThrow({ where: { id: b.checkout.id } });
    expect(bAfter).toMatchObject({ status: "completed", nextDueAt: null, stopReason: "order_completed" });
  });

  it("retries a channel that asks to, with backoff, and records each attempt", async () => {
    await shopWith();
    const { checkout } = await newCheckout();
    let calls = 0;
    const outbox = makeOutbox({
      answer: (m) => (m.channel === "email" && ++calls === 1 ? { kind: "retry", at: at(81), reason: "429 rate limited" } : { kind: "sent", providerId: "ok" }),
    });
    const r1 = await tick(outbox, at(80));
    expect(r1.retried).toBe(1);
    const pending = await db.message.findFirstOrThrow({ where: { checkoutId: checkout.id, channel: "email" } });
    expect(pending).toMatchObject({ status: "pending", attempts: 1, lastError: "429 rate limited" });
    expect(pending.nextAttemptAt?.toISOString()).toBe(at(82).toISOString()); // backoff (2 min) beats the provider's time
    const c1 = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(c1.nextStepIndex).toBe(0);
    expect(c1.nextDueAt?.toISOString()).toBe(at(82).toISOString());
    await tick(outbox, at(82));
    const done = await db.message.findFirstOrThrow({ where: { checkoutId: checkout.id, channel: "email" } });
    expect(done).toMatchObject({ status: "sent", attempts: 2, id: pending.id });
    expect((await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).nextStepIndex).toBe(1);
  });
});

describe("scoring and handoff", () => {
  it("a high-value cart goes to the human queue and alerts staff once; automation continues", async () => {
    await shopWith({ handoff: { staffAlertEmail: "team@example.com" } });
    const { checkout } = await newCheckout({ items: [{ title: "Leather Sofa", price: "1200.00" }] });
    const outbox = makeOutbox();
    await tick(outbox, at(80));
    await tick(outbox, at(110));
    const after = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(after.handoff).toBe(true);
    expect(after.handoffReason).toBe("high_value");
    expect(["urgent", "high"]).toContain(after.priority);
    expect(outbox.staff.alerts).toHaveLength(1);
    expect(outbox.staff.alerts[0]).toMatchObject({ checkoutId: checkout.id, reason: "high_value" });
    expect(outbox.staff.alerts[0].adminUrl).toContain(checkout.id);
    expect(await db.message.findFirst({ where: { checkoutId: checkout.id, channel: "staff_alert" } })).toMatchObject({
      status: "sent",
      recipient: "team@example.com",
    });
    expect(await db.auditLog.count({ where: { checkoutId: checkout.id, action: "handoff", actor: "system:engine" } })).toBe(1);
    expect(await db.message.count({ where: { checkoutId: checkout.id, channel: "email", status: "sent" } })).toBe(1);
  });

  it("a returning customer is scored against the shop's average order and routed to a person; automation stops when the shop says so", async () => {
    await shopWith({ handoff: { continueAutomation: false } });
    await db.shop.update({ where: { domain: TEST_SHOP }, data: { orderCount: 10, orderRevenueMinor: 50_000n } }); // average $50
    const { checkout } = await newCheckout({ ordersCount: 4 }); // $96 cart, ~1.9x the average
    const outbox = makeOutbox();
    const r = await tick(outbox, at(80));
    const after = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(after).toMatchObject({
      handoff: true,
      handoffReason: "returning_customer",
      priority: "urgent",
      status: "stopped",
      stopReason: "handed_off",
      nextDueAt: null,
    });
    expect(after.priorityScore).toBeGreaterThanOrEqual(60);
    expect(outbox.staff.alerts).toHaveLength(1);
    expect(outbox.channels.email.count).toBe(0);
    expect(r.skipped.handed_off).toBe(1);
  });

  it("a first-time shopper with an ordinary cart is not handed off and scores low or medium", async () => {
    await shopWith();
    await db.shop.update({ where: { domain: TEST_SHOP }, data: { orderCount: 10, orderRevenueMinor: 200_000n } }); // average $200
    const { checkout } = await newCheckout();
    await tick(makeOutbox(), at(80));
    const after = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(after.handoff).toBe(false);
    expect(["low", "medium"]).toContain(after.priority);
  });
});

describe("exclusions", () => {
  it("an opted-out address gets nothing on that channel; the skip is recorded with its reason", async () => {
    await shopWith();
    const { payload, checkout } = await newCheckout({ email: "optout@example.com" });
    await db.pushSubscription.create({
      data: { shop: TEST_SHOP, endpoint: "https://push.example.net/sub/2", p256dh: "k", auth: "a", cartToken: payload.cart_token },
    });
    await db.suppression.create({ data: { shop: TEST_SHOP, channel: "email", address: hashAddress("optout@example.com"), reason: "unsubscribe" } });
    const outbox = makeOutbox();
    const r = await tick(outbox, at(80));
    expect(outbox.channels.email.count).toBe(0);
    expect(outbox.channels.push.count).toBe(1);
    expect(await db.message.findFirst({ where: { checkoutId: checkout.id, channel: "email" } })).toMatchObject({ status: "skipped", skipReason: "opted_out" });
    expect(r.skipped.opted_out).toBe(1);
  });

  it("email to non-subscribers only when the shop allows it; WhatsApp only with consent", async () => {
    await shopWith({ consent: { emailPolicy: "subscribers" } });
    const { checkout } = await newCheckout({ acceptsMarketing: false, phone: "+15550102030", acceptsSms: false });
    const outbox = makeOutbox();
    await tick(outbox, at(80));
    await tick(outbox, at(110));
    const rows = await db.message.findMany({ where: { checkoutId: checkout.id }, orderBy: { stepIndex: "asc" } });
    expect(rows.map((m) => `${m.stepId}:${m.channel}:${m.status}:${m.skipReason}`).sort()).toEqual([
      "s1:email:skipped:no_consent",
      "s1:push:skipped:no_address",
      "s2:whatsapp:skipped:no_consent",
    ]);
  });

  it("quiet hours in the shop's time zone: the step waits until they end and is then sent", async () => {
    // New York, quiet 21:00-08:00. Created 02:00Z = 21:00 New York; first step due 03:20Z = 22:20 local.
    await installShop(admin, { shop: { ianaTimezone: "America/New_York" } });
    const created = new Date("2026-11-20T02:00:00Z");
    const { checkout } = await newCheckout({ createdAt: created });
    const outbox = makeOutbox();
    const r = await tick(outbox, new Date("2026-11-20T03:20:00Z"));
    expect(r.deferred.quiet_hours).toBe(1);
    expect(outbox.channels.email.count).toBe(0);
    const waiting = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(waiting.nextDueAt?.toISOString()).toBe("2026-11-20T13:00:00.000Z"); // 08:00 EST
    expect(waiting.nextStepIndex).toBe(0);
    await tick(outbox, new Date("2026-11-20T13:00:00Z"));
    expect(outbox.channels.email.count).toBe(1);
    expect((await sentMessages(checkout.id))[0].sentAt?.toISOString()).toBe("2026-11-20T13:00:00.000Z");
    // The next step does not follow back to back.
    const next = await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } });
    expect(next.nextDueAt!.getTime()).toBeGreaterThanOrEqual(new Date("2026-11-20T13:15:00Z").getTime());
  });

  it("the frequency cap counts every checkout of the shopper; the channels over it are skipped", async () => {
    await shopWith({ frequencyCap: { maxMessages: 2, perHours: 24 } });
    const { checkout } = await newCheckout({ email: "cap@example.com", phone: "+15550102031", acceptsSms: true });
    const outbox = makeOutbox();
    await runUntil(outbox, at(300));
    const rows = await db.message.findMany({ where: { checkoutId: checkout.id, channel: { not: "push" } } });
    const byStep = Object.fromEntries(rows.map((m) => [`${m.stepId}:${m.channel}`, m.status === "skipped" ? m.skipReason : m.status]));
    expect(byStep).toEqual({ "s1:email": "sent", "s2:whatsapp": "sent", "s3:email": "frequency_cap" });
  });

  it("the frequency cap counts what the shopper's other checkouts were sent", async () => {
    await shopWith({ frequencyCap: { maxMessages: 1, perHours: 24 } });
    const first = await newCheckout({ email: "cap2@example.com" });
    const outbox = makeOutbox();
    await runUntil(outbox, at(150));
    expect((await sentMessages(first.checkout.id)).map((m) => `${m.stepId}:${m.channel}`)).toEqual(["s1:email"]);
    // A second checkout of the same shopper, worked in a batch without the first one: the cap still sees its send.
    const second = await newCheckout({ email: "cap2@example.com", createdAt: at(160) });
    await runUntil(outbox, at(400));
    const rows = await db.message.findMany({ where: { checkoutId: second.checkout.id, channel: "email" } });
    expect(rows.map((m) => `${m.stepId}:${m.status}:${m.skipReason}`)).toEqual(["s1:skipped:frequency_cap"]);
    expect(outbox.channels.email.count).toBe(1);
  });

  it("cross-device duplicates get one sequence: the newer checkout carries it", async () => {
    await shopWith();
    const older = await newCheckout({ email: "twin@example.com" });
    const newer = await newCheckout({ email: "twin@example.com", createdAt: at(10) });
    const outbox = makeOutbox();
    await runUntil(outbox, at(100));
    expect(await db.message.count({ where: { checkoutId: older.checkout.id, status: "sent" } })).toBe(0);
    expect(await db.message.count({ where: { checkoutId: newer.checkout.id, status: "sent" } })).toBe(1);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: older.checkout.id } })).toMatchObject({ stopReason: "duplicate_checkout", nextDueAt: null });
  });

  it("test checkouts and carts under the minimum value are excluded", async () => {
    await shopWith({ exclusions: { minCartValueMinor: 10_000 } });
    const { checkout } = await newCheckout();
    const r = await tick(makeOutbox(), at(80));
    expect(r.skipped.below_min_cart_value).toBe(1);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ status: "stopped", stopReason: "below_min_cart_value" });
  });

  it("a conversation in progress (Negotiating) pauses automation", async () => {
    await shopWith();
    const { checkout } = await newCheckout();
    await db.checkout.update({ where: { id: checkout.id }, data: { stage: "negotiating" } });
    const outbox = makeOutbox();
    const r = await tick(outbox, at(80));
    expect(r.deferred.negotiating).toBe(1);
    expect(outbox.channels.email.count).toBe(0);
    expect((await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).nextDueAt?.toISOString()).toBe(at(140).toISOString());
    // After the window: automation ends (the card stays with the person, not Lost), and nothing is left to re-claim.
    const late = await tick(outbox, at(3000));
    expect(late.skipped.window_passed).toBe(1);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ nextDueAt: null, stage: "negotiating", status: "stopped" });
    expect((await tick(outbox, at(3001))).claimed).toBe(0);
    expect(outbox.channels.email.count).toBe(0);
  });
});

describe("crash safety and retention", () => {
  it("a tick killed after claiming and writing the ledger loses nothing once the lease runs out, and never repeats a recorded send", async () => {
    await shopWith();
    const { payload, checkout } = await newCheckout();
    await db.pushSubscription.create({
      data: { shop: TEST_SHOP, endpoint: "https://push.example.net/sub/3", p256dh: "k", auth: "a", cartToken: payload.cart_token },
    });
    // The dead tick: claimed, wrote both ledger rows, recorded push as sent, then vanished before email went out.
    const claimed = await claimDueCheckouts({ db, provider: dbProvider }, { owner: "dead", now: at(80), leaseUntil: at(85), limit: 10 });
    expect(claimed).toEqual([checkout.id]);
    const emailId = newMessageId();
    await db.message.createMany({
      data: [
        { id: emailId, shop: TEST_SHOP, checkoutId: checkout.id, stepId: "s1", stepIndex: 0, channel: "email", status: "sending", createdAt: at(80) },
        {
          id: newMessageId(),
          shop: TEST_SHOP,
          checkoutId: checkout.id,
          stepId: "s1",
          stepIndex: 0,
          channel: "push",
          status: "sent",
          sentAt: at(80),
          attempts: 1,
          createdAt: at(80),
        },
      ],
    });
    const outbox = makeOutbox();
    const during = await tick(outbox, at(84), { owner: "alive" });
    expect(during.claimed).toBe(0); // still leased by the dead tick
    const after = await tick(outbox, at(86), { owner: "alive" });
    expect(after.claimed).toBe(1);
    expect(outbox.channels.email.entries.map((e) => e.messageId)).toEqual([emailId]); // the same ledger row, sent once
    expect(outbox.channels.push.count).toBe(0); // the recorded success is not repeated
    expect(await db.message.count({ where: { checkoutId: checkout.id, stepId: "s1" } })).toBe(2);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: checkout.id } })).toMatchObject({ nextStepIndex: 1, leaseOwner: null, stage: "contacted" });
  });

  it("purges bodies and recipients past the shop's retention and keeps the rows for counts", async () => {
    await shopWith({ retentionDays: 5 });
    const { checkout } = await newCheckout();
    await db.message.create({
      data: {
        shop: TEST_SHOP,
        checkoutId: checkout.id,
        stepId: "s1",
        stepIndex: 0,
        channel: "email",
        status: "sent",
        recipient: "a@example.com",
        subject: "Hi",
        bodyText: "body",
        createdAt: at(0),
      },
    });
    await db.message.create({
      data: {
        shop: TEST_SHOP,
        checkoutId: checkout.id,
        stepId: "s2",
        stepIndex: 1,
        channel: "email",
        status: "sent",
        recipient: "a@example.com",
        subject: "Hi",
        bodyText: "body",
        createdAt: at(4 * 1440),
      },
    });
    const r = await tick(makeOutbox(), at(5 * 1440 + 10), { batchSize: 1 });
    expect(r.purged).toBe(1);
    const rows = await db.message.findMany({ where: { checkoutId: checkout.id, stepId: { in: ["s1", "s2"] } }, orderBy: { stepId: "asc" } });
    expect(rows[0]).toMatchObject({ bodyText: null, recipient: null, subject: null, status: "sent" });
    expect(rows[0].purgedAt).not.toBeNull();
    expect(rows[1]).toMatchObject({ bodyText: "body", purgedAt: null });
  });
});
