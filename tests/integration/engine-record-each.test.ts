// Issue 15: a crash sends at most the messages in flight, and one bad row never affects another. Each provider answer
// is recorded as it comes (not after the batch); a row whose record a statement refuses is recorded apart and the rest
// of the batch completes; a row a dead owner left "sending" that the provider already reported is not sent again.
// Real SQLite file and real PostgreSQL; the "crash" is a tick whose provider call never returns (the process is gone
// as far as the database can tell), and the next tick runs after the lease with a fresh channel.
import { beforeEach, describe, expect, it } from "vitest";
import { OutboxChannel, OutboxStaffNotifier } from "../../app/channels/outbox.server";
import type { ChannelSet, OutboundMessage, SendResult } from "../../app/channels/types";
import { db } from "../../app/db.server";
import { recordProviderEvent } from "../../app/models/message-tracking.server";
import { runTick } from "../../app/recovery/engine.server";
import type { TickOptions } from "../../app/recovery/types";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { seedDueCheckouts } from "../helpers/engine";

const DUE = new Date("2026-11-20T12:00:00Z");
const LEASE = 300_000;
const AFTER_LEASE = new Date(DUE.getTime() + LEASE + 1);

beforeEach(async () => {
  await resetDatabase();
  await seedShop(TEST_SHOP, { quietHours: { enabled: false, start: "21:00", end: "08:00", timezone: null } } as never);
});

function run(channels: ChannelSet, now: Date, extra: Partial<TickOptions> = {}) {
  return runTick({
    now,
    owner: extra.owner ?? "tick",
    channels,
    staffNotifier: new OutboxStaffNotifier(),
    leaseMs: LEASE,
    purge: false,
    budgetMs: 30_000,
    ...extra,
  });
}

const never = () => new Promise<SendResult>(() => {});

/** A tick that "dies" after the answers for `answered` are in and recorded: the other sends never return. */
async function crashAfter(answered: (m: OutboundMessage) => boolean, extra: Partial<TickOptions> = {}) {
  const got: string[] = [];
  let expected = 0;
  let allRecorded!: () => void;
  const recorded = new Promise<void>((r) => (allRecorded = r));
  const seen = new Set<string>();
  const email = new OutboxChannel("email", {
    answer: (m) => {
      if (!answered(m)) return never();
      expected += 1;
      got.push(m.messageId);
      return { kind: "sent", providerId: `doomed-${m.messageId}`, recipient: m.checkout.email, subject: "s", bodyText: "b" };
    },
  });
  void run({ email }, DUE, {
    owner: "doomed",
    ...extra,
    hooks: {
      recorded: (ids) => {
        for (const id of ids) seen.add(id);
        if (expected > 0 && got.every((id) => seen.has(id))) allRecorded();
      },
    },
  });
  await recorded;
  return got;
}

describe("a crash sends at most the messages in flight", () => {
  it("an answer is recorded before the others come back: the next tick sends only the ones never answered", async () => {
    await seedDueCheckouts({ count: 6, dueAt: DUE, prefix: "crash" });
    // Three answered, three never (all six in one group of sends: sendConcurrency 64).
    const answered = await crashAfter((m) => Number(m.checkout.id.split("_")[1]) % 2 === 0);
    expect(answered).toHaveLength(3);
    // While the doomed tick still "runs": the answered ones are sent in the ledger, the others still sending.
    const rows = await db.message.findMany({ where: { channel: "email" }, select: { id: true, status: true, providerId: true } });
    expect(
      rows
        .filter((r) => r.status === "sent")
        .map((r) => r.id)
        .sort(),
    ).toEqual([...answered].sort());
    expect(rows.filter((r) => r.status === "sending")).toHaveLength(3);
    for (const r of rows.filter((x) => x.status === "sent")) expect(r.providerId).toBe(`doomed-${r.id}`);

    // The process is gone; after the lease another tick takes over.
    const email = new OutboxChannel("email");
    const res = await run({ email, push: new OutboxChannel("push") }, AFTER_LEASE, { owner: "survivor" });
    expect(res.claimed).toBe(6);
    expect(res.sent.email).toBe(3);
    expect(email.entries.map((e) => e.messageId).filter((id) => answered.includes(id))).toEqual([]);
    expect(await db.message.count({ where: { channel: "email", status: "sent" } })).toBe(6);
    expect(await db.message.count({ where: { channel: "email" } })).toBe(6);
    // Every checkout moved on to its next step exactly once, recorded as contacted.
    expect(await db.checkout.count({ where: { nextStepIndex: 1, leaseOwner: null, stage: "contacted" } })).toBe(6);
  });

  it("one send at a time: a crash after the first answer leaves it sent, and the restart sends only the second", async () => {
    await seedDueCheckouts({ count: 2, dueAt: DUE, prefix: "one" });
    const answered = await crashAfter((m) => m.checkout.id === "one_0", { sendConcurrency: 1 });
    expect(answered).toHaveLength(1);
    expect((await db.message.findUniqueOrThrow({ where: { id: answered[0] } })).status).toBe("sent");
    const email = new OutboxChannel("email");
    await run({ email }, AFTER_LEASE, { owner: "survivor" });
    expect(email.entries.map((e) => e.checkoutId)).toEqual(["one_1"]);
    expect(await db.message.count({ where: { channel: "email", status: "sent" } })).toBe(2);
  });

  it("a row left sending that the provider already reported (SendGrid event with our message id) is recorded, not sent again", async () => {
    await seedDueCheckouts({ count: 2, dueAt: DUE, prefix: "evt" });
    const doomed = new OutboxChannel("email", { answer: never });
    void run({ email: doomed }, DUE, { owner: "doomed" });
    await Promise.resolve();
    for (let i = 0; i < 50 && (await db.message.count({ where: { status: "sending" } })) < 2; i++) await new Promise((r) => setImmediate(r));
    const rows = await db.message.findMany({ where: { channel: "email", status: "sending" }, orderBy: { checkoutId: "asc" } });
    expect(rows).toHaveLength(2);
    // SendGrid took the first before the process died: its Event Webhook says so, with custom_args.message_id.
    await recordProviderEvent({ eventKey: "sg-evt-1", messageId: rows[0].id, type: "processed", occurredAt: DUE });
    const email = new OutboxChannel("email");
    const res = await run({ email }, AFTER_LEASE, { owner: "survivor" });
    expect(res.alreadyAccepted).toBe(1);
    expect(res.sent.email).toBe(1);
    expect(email.entries.map((e) => e.messageId)).toEqual([rows[1].id]);
    expect((await db.message.findUniqueOrThrow({ where: { id: rows[0].id } })).status).toBe("sent");
    expect(await db.checkout.count({ where: { nextStepIndex: 1, stage: "contacted" } })).toBe(2);
  });
});

describe("one bad row never affects another", () => {
  it("a sent message whose record a statement refuses is recorded apart; the rest of the batch is sent, recorded and advanced; nothing is sent twice", async () => {
    await seedDueCheckouts({ count: 5, dueAt: DUE, prefix: "poison" });
    // The channel's answer for one checkout carries values neither database stores as given (NUL; a lone surrogate).
    const email = new OutboxChannel("email", {
      answer: (m) =>
        m.checkout.id === "poison_2"
          ? { kind: "sent", providerId: "p-\u0000-2", recipient: m.checkout.email, subject: "Your cart \uD83D", bodyHtml: "<p>\u0000</p>", bodyText: "ok" }
          : { kind: "sent", providerId: `p-${m.messageId}`, recipient: m.checkout.email, subject: "Your cart", bodyText: "ok" },
    });
    const res = await run({ email }, DUE);
    expect(res.claimed).toBe(5);
    expect(res.sent.email).toBe(5);
    expect(res.recordedApart).toBe(1);
    expect(res.failed).toBe(0);
    const rows = await db.message.findMany({ where: { channel: "email" }, orderBy: { checkoutId: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent", "sent", "sent"]);
    const bad = rows.find((r) => r.checkoutId === "poison_2")!;
    expect(bad.lastError).toMatch(/^sent; recorded apart: bound value: (nul_character|lone_surrogate) in string/);
    expect(bad.providerId).toBe("p-\uFFFD-2");
    expect(bad.subject).toBe("Your cart \uFFFD");
    expect(bad.bodyHtml).toBe("<p>\uFFFD</p>");
    expect(bad.sentAt?.getTime()).toBe(DUE.getTime());
    for (const r of rows.filter((x) => x.checkoutId !== "poison_2")) {
      expect(r.lastError).toBeNull();
      expect(r.providerId).toBe(`p-${r.id}`);
    }
    expect(await db.checkout.count({ where: { nextStepIndex: 1, leaseOwner: null, stage: "contacted" } })).toBe(5);

    // The next ticks (after the lease, and when the second step is due) send step 1 to nobody again.
    const again = new OutboxChannel("email");
    await run({ email: again }, AFTER_LEASE);
    expect(again.count).toBe(0);
    const next = await db.checkout.findFirstOrThrow({ where: { id: "poison_2" } });
    const second = await run({ email: again }, next.nextDueAt!); // the second step (push only by default) is worked
    expect(second.claimed).toBe(5);
    expect(again.count).toBe(0);
    expect(await db.message.count({ where: { checkoutId: "poison_2", stepIndex: 0, channel: "email" } })).toBe(1);
  });

  it("a failure whose reason a statement refuses is still recorded (made storable) and the others are sent", async () => {
    await seedDueCheckouts({ count: 3, dueAt: DUE, prefix: "reason" });
    const email = new OutboxChannel("email", {
      answer: (m) =>
        m.checkout.id === "reason_1" ? { kind: "failed", reason: "provider said \u0000\uDC00 no" } : { kind: "sent", providerId: "x", recipient: null },
    });
    const res = await run({ email }, DUE);
    expect(res.sent.email).toBe(2);
    expect(res.failed).toBe(1);
    const failed = await db.message.findFirstOrThrow({ where: { checkoutId: "reason_1", channel: "email" } });
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toBe("provider said \uFFFD\uFFFD no");
  });
});
