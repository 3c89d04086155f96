// Daily metrics against the real flow, on SQLite and PostgreSQL: signed webhooks (out of order, repeated), the engine's
// ticks and orders, refreshes in between; after each, the stored aggregates equal a full recomputation and the
// figures equal counts taken straight from the rows. And the holdout: one group per shopper across devices, recorded
// once (a restart or a change of the setting moves nobody), no shopper message for the held out, handoffs kept.
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { contactInHoldout } from "../../app/lib/holdout.server";
import { refreshShopMetrics, verifyShopMetrics } from "../../app/models/metric-days.server";
import { forgetShopCache } from "../../app/models/shops.server";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as checkoutsUpdate from "../../app/routes/webhooks.checkouts.update";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { makeOutbox, runUntil, tick } from "../helpers/engine";
import { checkoutPayload, orderPayload } from "../helpers/factories";
import { overviewAt, row } from "../helpers/overview";
import { T0, addHours, at } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

async function deliver(route: { action: unknown }, topic: string, payload: unknown, eventId?: string) {
  const res = await callAction(route as never, signedWebhook(topic, payload, eventId ? { eventId } : {}));
  expect(res.status).toBe(200);
}

async function setShop(settings: Record<string, unknown>) {
  await db.shop.update({ where: { domain: TEST_SHOP }, data: { settings: JSON.stringify(settings), timezone: "America/New_York", currency: "USD" } });
  forgetShopCache(TEST_SHOP);
}

/** The period's figures counted straight from the rows, independently of the aggregation code. */
async function countedFromRows() {
  const cohort = await db.checkout.findMany({ where: { shop: TEST_SHOP, isTest: false, abandonedAt: { not: null } }, include: { messages: true } });
  const abandoned = cohort.filter((c) => !(c.completedAt && c.completedAt <= c.abandonedAt!));
  const shopperSent = abandoned.flatMap((c) => c.messages.filter((m) => m.sentAt && m.channel !== "staff_alert"));
  const recovered = abandoned.filter((c) => c.recoveredAt && shopperSent.some((m) => m.id === c.attributedMessageId));
  return {
    checkouts: abandoned.length,
    recovered: recovered.length,
    sent: shopperSent.length,
    revenueMinor: recovered.reduce((s, c) => s + Number(c.recoveredRevenueMinor), 0),
  };
}

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
  await seedOfflineSession();
});

describe("daily metrics through the real flow", () => {
  it("agree with a full recomputation and with the rows after out-of-order and repeated deliveries, ticks and orders", async () => {
    await setShop({ quietHours: { enabled: false }, holdout: { percent: 0 } });
    const outbox = makeOutbox();
    const payloads = Array.from({ length: 12 }, (_, i) =>
      checkoutPayload({ email: `m${i}@example.com`, createdAt: addHours(T0, i * 3), sourceName: i % 2 ? "web" : "pos" }),
    );
    for (const p of payloads) await deliver(checkoutsCreate, "checkouts/create", p, `create-${p.token}`);
    // Repeated deliveries (same event id) and an update older than what we hold (stale): nothing changes.
    await deliver(checkoutsCreate, "checkouts/create", payloads[0], `create-${payloads[0].token}`);
    const newer = checkoutPayload({ token: payloads[1].token, email: "m1@example.com", createdAt: addHours(T0, 3), updatedAt: addHours(T0, 3.5) });
    const older = checkoutPayload({ token: payloads[1].token, email: "m1@example.com", createdAt: addHours(T0, 3), updatedAt: addHours(T0, 3.2) });
    await deliver(checkoutsUpdate, "checkouts/update", newer);
    await deliver(checkoutsUpdate, "checkouts/update", older);
    // An order before its checkout's first step (ordered before any message), and one arriving before its checkout.
    const early = orderPayload({ checkoutToken: payloads[2].token, id: 7002, total: "40.00", createdAt: addHours(T0, 6.5), email: "m2@example.com" });
    await deliver(ordersCreate, "orders/create", early);
    const check = async (now: Date) => {
      await refreshShopMetrics(TEST_SHOP, now);
      expect((await verifyShopMetrics(TEST_SHOP)).mismatches).toEqual([]);
    };
    await check(addHours(T0, 8));
    await runUntil(outbox, addHours(T0, 30));
    await check(addHours(T0, 30));
    // Orders after reminders: recovered; one delivered twice; one for a checkout the app never saw.
    for (const [i, id] of [
      [3, 7003],
      [5, 7005],
      [7, 7007],
    ] as const) {
      const o = orderPayload({ checkoutToken: payloads[i].token, id, total: "59.00", createdAt: addHours(T0, 31 + i), email: `m${i}@example.com` });
      await deliver(ordersCreate, "orders/create", o, `order-${id}`);
      if (i === 5) await deliver(ordersCreate, "orders/create", o, `order-${id}`);
    }
    await deliver(ordersCreate, "orders/create", orderPayload({ checkoutToken: "never-seen", id: 7999, total: "10.00", createdAt: addHours(T0, 40) }));
    await runUntil(outbox, addHours(T0, 24 * 4));
    const end = addHours(T0, 24 * 4);
    await check(end);
    const m = await overviewAt(end, 7);
    const rows = await countedFromRows();
    expect(m.totals).toMatchObject(rows);
    expect(rows).toMatchObject({ checkouts: 12, recovered: 3 }); // the early buyer counts: it ordered after it was abandoned
    expect(row(m, "outcome", "recovered")?.checkouts).toBe(3);
    expect(row(m, "outcome", "ordered_before_message")?.checkouts).toBe(1);
    expect(row(m, "source", "pos")?.checkouts).toBeGreaterThan(0);
    // Late engagement on a message of the first day, written days later: the old day follows.
    const first = await db.message.findFirstOrThrow({ where: { shop: TEST_SHOP, channel: "email", sentAt: { not: null } }, orderBy: { sentAt: "asc" } });
    await db.message.update({ where: { id: first.id }, data: { openedAt: addHours(end, 1), clickedAt: addHours(end, 1) } });
    await check(addHours(end, 2));
    expect((await overviewAt(addHours(end, 2), 7)).totals.clicked).toBe(m.totals.clicked + (first.clickedAt ? 0 : 1));
  });

  it("keeps one group per shopper across devices and restarts; held-out shoppers get no reminder but still reach a person", async () => {
    await setShop({ quietHours: { enabled: false }, holdout: { percent: 50 }, handoff: { highValueThresholdMinor: 20_000 } });
    const outbox = makeOutbox();
    const emails = Array.from({ length: 16 }, (_, i) => `h${i}@example.com`);
    // Each shopper on two devices: two checkouts, same email.
    for (const [i, email] of emails.entries()) {
      for (const d of [0, 1]) {
        const items = i === 0 && d === 1 ? [{ title: "Sofa", price: "900.00" }] : undefined;
        await deliver(checkoutsCreate, "checkouts/create", checkoutPayload({ email, createdAt: addHours(T0, d * 0.5), ...(items ? { items } : {}) }));
      }
    }
    await tick(outbox, at(90));
    await tick(outbox, at(130)); // the second device's first step
    const all = await db.checkout.findMany({ where: { shop: TEST_SHOP }, include: { messages: true } });
    const groups = new Map<string, Set<boolean | null>>();
    // The older device's checkout is stopped for the newer one (one sequence per shopper) before any group is
    // decided for it; whichever of them is decided is in the shopper's one group.
    for (const c of all) if (c.holdout !== null) groups.set(c.email!, (groups.get(c.email!) ?? new Set()).add(c.holdout));
    expect(groups.size).toBe(emails.length);
    for (const [email, g] of groups) {
      expect([...g]).toHaveLength(1);
      expect([...g][0]).toBe(contactInHoldout(TEST_SHOP, email, null, 50));
    }
    const held = all.filter((c) => c.holdout === true);
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(all.length);
    for (const c of held) {
      expect(c.messages.filter((m) => m.sentAt && m.channel !== "staff_alert")).toEqual([]);
      expect(c.messages.filter((m) => m.status === "skipped").every((m) => m.skipReason === "holdout")).toBe(true);
    }
    // The sofa shopper: handed to a person whatever the group; the alert says when they are held out.
    const sofa = all.find((c) => c.email === emails[0] && c.handoff);
    expect(sofa).toBeDefined();
    const alert = outbox.staff.alerts.find((s) => s.checkoutId === sofa!.id);
    expect(alert).toBeDefined();
    expect(alert!.summary.includes("holdout group")).toBe(sofa!.holdout === true);
    // The setting changes, the process restarts (a new owner ticks): recorded groups stay.
    await setShop({ quietHours: { enabled: false }, holdout: { percent: 0 } });
    await runUntil(outbox, addHours(T0, 50), { owner: "after-restart" });
    const after = await db.checkout.findMany({ where: { shop: TEST_SHOP }, select: { id: true, holdout: true } });
    expect(new Map(after.map((c) => [c.id, c.holdout]))).toEqual(new Map(all.map((c) => [c.id, c.holdout])));
    const m = await overviewAt(addHours(T0, 50), 7);
    expect(m.holdout.heldOut.checkouts).toBe(held.length);
    expect(m.holdout.messaged.checkouts).toBe(all.filter((c) => c.holdout === false).length);
    expect(m.totals.checkouts).toBe(all.length); // undecided checkouts (stopped for a newer one) count, in no group
  });
});
