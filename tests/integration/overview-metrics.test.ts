// The Overview's figures from daily metrics, on SQLite and PostgreSQL, on known data: each definition (abandoned =
// entered the cadence, recovered = credited to a shopper message, same cohort), staff alerts never credited nor
// counted as messages, cohort edges in the shop's time zone, the holdout comparison, and the stored aggregates equal
// to a full recomputation after late, out-of-order and repeated writes.
import { beforeEach, describe, expect, it } from "vitest";
import type { Prisma } from "@prisma/client";
import { db } from "../../app/db.server";
import { refreshShopMetrics, verifyShopMetrics } from "../../app/models/metric-days.server";
import { forgetShopCache } from "../../app/models/shops.server";
import { seedAdminCheckout } from "../helpers/admin-seed";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { getOverview } from "../../app/models/overview.server";
import { overviewAt, row } from "../helpers/overview";
import { addHours } from "../helpers/time";

const NOW = new Date();
const hoursAgo = (h: number) => addHours(NOW, -h);
const checkout = (data: Partial<Prisma.CheckoutUncheckedCreateInput> = {}) => seedAdminCheckout(data, { now: NOW });
const msg = (checkoutId: string, stepId: string, channel: string, extra: Partial<Prisma.MessageUncheckedCreateInput> = {}) =>
  db.message.create({
    data: { shop: TEST_SHOP, checkoutId, stepId, stepIndex: 0, channel, status: "sent", sentAt: hoursAgo(40), createdAt: hoursAgo(40), ...extra },
  });

async function recovered(c: { id: string; token: string }, messageId: string, minor: number, at: Date, credited = true) {
  await db.order.create({
    data: { shop: TEST_SHOP, orderId: `o-${c.id}`, checkoutToken: c.token, totalMinor: minor, currency: "USD", shopifyCreatedAt: at, recovered: credited },
  });
  await db.checkout.update({
    where: { id: c.id },
    data: { status: "recovered", completedAt: at, recoveredAt: at, recoveredRevenueMinor: minor, attributedMessageId: messageId, orderId: `o-${c.id}` },
  });
}

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
  await db.shop.update({ where: { domain: TEST_SHOP }, data: { currency: "USD", timezone: "UTC" } });
  forgetShopCache(TEST_SHOP);
});

describe("overview figures from daily metrics", () => {
  it("counts each figure by its definition, staff alerts apart, and agrees with a full recomputation", async () => {
    const a = await checkout({ totalMinor: 4000, abandonedAt: hoursAgo(48) });
    const b = await checkout({ totalMinor: 30000, returningCustomer: true, abandonedAt: hoursAgo(30), sourceName: "web", owner: "Grace" });
    const c = await checkout({ totalMinor: 7000, abandonedAt: hoursAgo(20), handoff: true });
    await checkout({ totalMinor: 12000, abandonedAt: hoursAgo(10) });
    await checkout({ totalMinor: 9999, abandonedAt: hoursAgo(24 * 20) }); // outside 7 days, inside 30
    await checkout({ isTest: true, abandonedAt: hoursAgo(5) }); // a test: never counted
    await checkout({ abandonedAt: hoursAgo(6), completedAt: hoursAgo(6.5), status: "completed" }); // paid inside the quiet period
    await checkout({ abandonedAt: hoursAgo(-1) }); // not abandoned yet
    const a1 = await msg(a.id, "s1", "email", { openedAt: hoursAgo(39), clickedAt: hoursAgo(39) });
    await msg(a.id, "s3", "email", { openedAt: hoursAgo(38), incentiveCode: "SAVE10" });
    const b1 = await msg(b.id, "s1", "email", { unsubscribedAt: hoursAgo(20) });
    await msg(a.id, "s1", "push", { clickedAt: hoursAgo(39) });
    await msg(b.id, "s1", "push");
    await msg(b.id, "s4", "email", { status: "pending", sentAt: null }); // not sent
    // c: handed to a person: a staff alert, then an order credited (wrongly, as before issue 14) to the alert.
    const alert = await msg(c.id, "handoff", "staff_alert", { sentAt: hoursAgo(19) });
    await db.checkoutNote.create({ data: { shop: TEST_SHOP, checkoutId: c.id, author: "Grace", body: "Called", createdAt: hoursAgo(18.5) } });
    await recovered(a, a1.id, 4000, hoursAgo(46));
    await recovered(b, b1.id, 30000, hoursAgo(0.5));
    await recovered(c, alert.id, 7000, hoursAgo(2), false);
    await db.incentive.create({
      data: {
        shop: TEST_SHOP,
        slot: "s3",
        kind: "percentage",
        code: "SAVE10",
        status: "used",
        startsAt: hoursAgo(40),
        endsAt: hoursAgo(-8),
        checkoutId: a.id,
        discountMinor: 400,
      },
    });
    await db.order.create({ data: { shop: TEST_SHOP, orderId: "other-1", totalMinor: 1000, currency: "USD", shopifyCreatedAt: hoursAgo(3) } });
    await db.order.create({ data: { shop: TEST_SHOP, orderId: "other-2", totalMinor: 5000, currency: "USD", shopifyCreatedAt: hoursAgo(3) } });

    const m = await overviewAt(NOW, 7);
    expect(m.totals).toMatchObject({ checkouts: 4, recovered: 2, revenueMinor: 34000, sent: 5, opened: 2, clicked: 2, optedOut: 1, discountCostMinor: 400 });
    // The alert is in the staff figures only: 1 handoff, 1 alert, touched 30 minutes after it.
    expect(row(m, "staff", "all")).toMatchObject({ alerts: 1, handoffs: 1, touched: 1, touchMinutes: 30 });
    expect(row(m, "channel", "staff_alert")).toBeUndefined();
    expect(row(m, "step", "handoff")).toBeUndefined();
    expect(row(m, "channel", "email")).toMatchObject({ sent: 3, opened: 2, clicked: 1, optedOut: 1, recovered: 2, revenueMinor: 34000 });
    expect(row(m, "step", "s1")).toMatchObject({ sent: 4, recovered: 2 });
    expect(row(m, "returning", "returning")).toMatchObject({ checkouts: 1, recovered: 1, revenueMinor: 30000 });
    expect(row(m, "band", "250_plus")).toMatchObject({ checkouts: 1, recovered: 1 });
    expect(row(m, "source", "web")).toMatchObject({ checkouts: 1 });
    expect(row(m, "owner", "Grace")).toMatchObject({ checkouts: 1 });
    expect(row(m, "outcome", "recovered")?.checkouts).toBe(2);
    expect(row(m, "outcome", "ordered_before_message")?.checkouts).toBe(1); // c: ordered after a staff alert only
    expect(row(m, "outcome", "in_window")?.checkouts).toBe(1);
    expect(row(m, "incentive", "with")).toMatchObject({ checkouts: 1, recovered: 1, discountCostMinor: 400 });
    expect(row(m, "step_incentive", "s3|with")).toMatchObject({ sent: 1, recovered: 0 });
    expect(row(m, "hours", "1_4")).toMatchObject({ recovered: 1, revenueMinor: 4000 });
    expect(row(m, "hours", "24_48")).toMatchObject({ recovered: 1, revenueMinor: 30000 });
    // Order value: recovered orders (a, b) average 17,000; the other orders (c's, other-1, other-2) in the period.
    expect(m.aov).toEqual({ recoveredOrders: 2, recoveredAvgMinor: 17000, otherOrders: 3, otherAvgMinor: 4333, differenceMinor: 12667 });
    expect(m.daily.reduce((s, d) => s + d.valueMinor, 0)).toBe(34000);
    expect((await overviewAt(NOW, 30)).totals.checkouts).toBe(5);
    expect(await verifyShopMetrics(TEST_SHOP)).toMatchObject({ mismatches: [] });
  });

  it("late and repeated writes reach old days: a click 20 days later, an owner change, a redaction; nothing else moves", async () => {
    const old = await checkout({ abandonedAt: hoursAgo(24 * 20) });
    const m1 = await msg(old.id, "s1", "email", { sentAt: hoursAgo(24 * 20 - 1) });
    await refreshShopMetrics(TEST_SHOP, NOW);
    expect(row(await overviewAt(NOW, 30), "channel", "email")).toMatchObject({ sent: 1, clicked: 0 });
    // Written now about a checkout of 20 days ago: outside the recent days every refresh rebuilds.
    await db.message.update({ where: { id: m1.id }, data: { clickedAt: NOW } });
    await db.message.update({ where: { id: m1.id }, data: { clickedAt: NOW } }); // a repeated event
    await db.checkout.update({ where: { id: old.id }, data: { owner: "Linus" } });
    const later = addHours(NOW, 0.2);
    const m = await overviewAt(later, 30);
    expect(row(m, "channel", "email")).toMatchObject({ sent: 1, clicked: 1 });
    expect(row(m, "owner", "Linus")?.checkouts).toBe(1);
    expect(await verifyShopMetrics(TEST_SHOP)).toMatchObject({ mismatches: [] });
    // A checkout whose timeline restarted moves to its new day; the old day no longer counts it.
    const moving = await checkout({ abandonedAt: hoursAgo(30) });
    await refreshShopMetrics(TEST_SHOP, later);
    await db.checkout.update({ where: { id: moving.id }, data: { abandonedAt: hoursAgo(2) } });
    await refreshShopMetrics(TEST_SHOP, addHours(later, 0.1));
    expect(await verifyShopMetrics(TEST_SHOP)).toMatchObject({ mismatches: [] });
  });

  it("counts days in the shop's time zone: the same instants fall on other days in Tokyo", async () => {
    // 2026-11-20 16:30 UTC is 2026-11-21 01:30 in Tokyo.
    const now = new Date("2026-11-25T12:00:00Z");
    await checkout({ abandonedAt: new Date("2026-11-20T16:30:00Z"), shopifyCreatedAt: new Date("2026-11-20T16:00:00Z") });
    await checkout({ abandonedAt: new Date("2026-11-20T14:30:00Z"), shopifyCreatedAt: new Date("2026-11-20T14:00:00Z") });
    const utc = await overviewAt(now, 7);
    expect(utc.daily.find((d) => d.day === "2026-11-20")?.checkouts).toBe(2);
    await db.shop.update({ where: { domain: TEST_SHOP }, data: { timezone: "Asia/Tokyo" } });
    const tokyo = await overviewAt(now, 7); // a new zone rebuilds every day
    expect(tokyo.timeZone).toBe("Asia/Tokyo");
    expect(tokyo.daily.find((d) => d.day === "2026-11-20")?.checkouts).toBe(1);
    expect(tokyo.daily.find((d) => d.day === "2026-11-21")?.checkouts).toBe(1);
    // The 7-day period ends on Tokyo's today (Nov 25 21:00 there) and starts 6 days before.
    expect([tokyo.from, tokyo.to]).toEqual(["2026-11-19", "2026-11-25"]);
  });

  it("compares messaged and held-out checkouts the same way: orders within the horizon, credited or not", async () => {
    await db.shop.update({ where: { domain: TEST_SHOP }, data: { settings: JSON.stringify({ holdout: { percent: 10 } }) } });
    for (let i = 0; i < 40; i++) {
      const c = await checkout({ abandonedAt: hoursAgo(60 + i), holdout: i < 10 });
      if (i % 2 === 0) {
        // Half of each group orders; the held-out ones without any message (not credited, still converted).
        const at = hoursAgo(50 + i);
        await db.order.create({
          data: { shop: TEST_SHOP, orderId: `ord-${i}`, checkoutToken: c.token, totalMinor: 5000, currency: "USD", shopifyCreatedAt: at },
        });
        await db.checkout.update({ where: { id: c.id }, data: { completedAt: at, status: "completed" } });
      }
    }
    const m = await overviewAt(NOW, 7);
    expect(m.holdout.percent).toBe(10);
    expect(m.holdout.heldOut).toMatchObject({ checkouts: 10, converted: 5, convertedRevenueMinor: 25000 });
    expect(m.holdout.messaged).toMatchObject({ checkouts: 30, converted: 15, convertedRevenueMinor: 75000 });
    expect(m.holdout.lift.difference).toBeCloseTo(0, 12);
    expect(m.holdout.lift.enoughData).toBe(false); // 10 held out: too few
    expect(m.holdout.lift.neededPerGroup).toBeGreaterThan(10);
    expect(m.totals.recovered).toBe(0); // nothing credited: no messages
  });

  it("a first rebuild that runs out of time shows the newest days, says older ones are coming, and finishes later", async () => {
    for (let d = 0; d < 12; d++) await checkout({ abandonedAt: hoursAgo(24 * d + 5) });
    const first = await refreshShopMetrics(TEST_SHOP, NOW, { budgetMs: 0 }); // one day, then out of time
    expect(first).toMatchObject({ full: true, days: 1, pending: true });
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const partial = await getOverview({ shop: TEST_SHOP, days: 30, now: NOW, timezone: shop.timezone, holdoutPercent: 0 });
    expect(partial).toMatchObject({ pending: true, totals: { checkouts: 1 } }); // the newest day, the rest to come
    // Budget 0: each refresh adds one older day after catching up the days already built.
    let refreshes = 0;
    for (let pending = true; pending && refreshes < 30; refreshes++) pending = (await refreshShopMetrics(TEST_SHOP, NOW, { budgetMs: 0 })).pending;
    expect(refreshes).toBeGreaterThanOrEqual(10);
    expect(refreshes).toBeLessThan(30);
    const done = await overviewAt(NOW, 30);
    expect(done.pending).toBe(false);
    expect(done.totals.checkouts).toBe(12);
    expect(await verifyShopMetrics(TEST_SHOP)).toMatchObject({ mismatches: [] });
  });
});
