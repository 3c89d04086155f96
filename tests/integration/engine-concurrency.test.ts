// Exactly once under concurrency: four ticks in parallel, each with its own database client (as four app instances
// would have), over 2,000 due checkouts; and a tick that dies mid-batch. PostgreSQL uses FOR UPDATE SKIP LOCKED;
// SQLite runs the same test through its single writer.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createDb, db, dbProvider, type DbHandle } from "../../app/db.server";
import { OutboxChannel, OutboxStaffNotifier } from "../../app/channels/outbox.server";
import type { ChannelSet } from "../../app/channels/types";
import { runTick } from "../../app/recovery/engine.server";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { seedDueCheckouts } from "../helpers/engine";

const DUE = new Date("2026-11-20T12:00:00Z");
const clients: DbHandle[] = [];

// PostgreSQL: a client per instance. SQLite is single-instance by design (one writer): the ticks share its client.
function client(): DbHandle {
  if (dbProvider === "sqlite") return { db, provider: dbProvider, ready: Promise.resolve() };
  const h = createDb(process.env.DATABASE_URL);
  clients.push(h);
  return h;
}

afterAll(async () => {
  for (const h of clients) if (h.db !== db) await h.db.$disconnect().catch(() => {});
});

beforeEach(async () => {
  await resetDatabase();
  await seedShop(TEST_SHOP, { quietHours: { enabled: false, start: "21:00", end: "08:00", timezone: null } } as never);
});

describe("exactly once under concurrency", () => {
  it("four ticks in parallel over 2,000 due checkouts send each due step exactly once", async () => {
    await seedDueCheckouts({ count: 2000, dueAt: DUE, prefix: "par" });
    const email = new OutboxChannel("email");
    const channels: ChannelSet = { email, push: new OutboxChannel("push"), whatsapp: new OutboxChannel("whatsapp") };
    const staff = new OutboxStaffNotifier();
    const handles = [client(), client(), client(), client()];
    await Promise.all(handles.map((h) => h.ready));
    const results = await Promise.all(
      handles.map((h, i) =>
        runTick({
          now: DUE,
          owner: `instance-${i}`,
          channels,
          staffNotifier: staff,
          db: h.db,
          provider: h.provider,
          batchSize: 100,
          budgetMs: 50_000,
          purge: false,
        }),
      ),
    );
    const claimed = results.map((r) => r.claimed);
    expect(claimed.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(results.reduce((a, r) => a + r.sent.email, 0)).toBe(2000);
    expect(email.count).toBe(2000);
    expect(new Set(email.entries.map((e) => e.checkoutId)).size).toBe(2000);
    expect(new Set(email.entries.map((e) => e.messageId)).size).toBe(2000);
    expect(await db.message.count({ where: { channel: "email", status: "sent" } })).toBe(2000);
    expect(await db.message.count({ where: { channel: "push", status: "skipped", skipReason: "no_address" } })).toBe(2000);
    expect(await db.checkout.count({ where: { nextStepIndex: 1, leaseOwner: null, stage: "contacted" } })).toBe(2000);
    expect(await db.auditLog.count({ where: { action: "stage_change", toValue: "contacted" } })).toBe(2000);
    console.log(`[${process.env.CR_TEST_DB}] claimed per instance: ${claimed.join(", ")}`);
  });

  it("a tick killed mid-batch loses nothing: its checkouts are sent by the next tick after the lease", async () => {
    await seedDueCheckouts({ count: 300, dueAt: DUE, prefix: "kill" });
    // The doomed instance claims a batch, writes its ledger rows, then hangs forever inside the provider call
    // (as if the process were gone): its sends are never recorded.
    let reached!: () => void;
    const hung = new Promise<void>((r) => (reached = r));
    const doomedEmail = new OutboxChannel("email", {
      answer: () => {
        reached();
        return new Promise(() => {});
      },
    });
    const h = client();
    await h.ready;
    void runTick({
      now: DUE,
      owner: "doomed",
      channels: { email: doomedEmail },
      staffNotifier: new OutboxStaffNotifier(),
      db: h.db,
      provider: h.provider,
      batchSize: 100,
      leaseMs: 300_000,
      purge: false,
    });
    await hung;
    const leased = await db.checkout.count({ where: { leaseOwner: "doomed" } });
    expect(leased).toBe(100);
    expect(await db.message.count({ where: { status: "sending", channel: "email" } })).toBe(100);

    const email = new OutboxChannel("email");
    const channels: ChannelSet = { email, push: new OutboxChannel("push") };
    const staff = new OutboxStaffNotifier();
    const before = await runTick({ now: DUE, owner: "survivor", channels, staffNotifier: staff, purge: false });
    expect(before.claimed).toBe(200); // the doomed batch is still leased
    expect(before.stillDue).toBe(100);
    const after = await runTick({ now: new Date(DUE.getTime() + 300_001), owner: "survivor", channels, staffNotifier: staff, purge: false });
    expect(after.claimed).toBe(100);
    expect(after.stillDue).toBe(0);
    expect(email.count).toBe(300);
    expect(new Set(email.entries.map((e) => e.checkoutId)).size).toBe(300);
    expect(await db.message.count({ where: { channel: "email", status: "sent" } })).toBe(300);
    expect(await db.message.count({ where: { channel: "email" } })).toBe(300); // the same ledger rows, no second row
  });
});
