// Issue 15, item 3: dates that cannot poison the schedule, on a real SQLite file and a real PostgreSQL server.
// Times out of range are refused (or clamped) at every ingest path, including records read back by reconciliation
// (which also get webhookAction's payload guard); every writer of a due time writes one text form on SQLite; a row
// whose due time is far ahead or malformed is never claimed, and a tick claims each due row at most once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db, dbProvider } from "../../app/db.server";
import { InputError } from "../../app/lib/errors";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";
import { parseCheckout, parseOrder } from "../../app/lib/shopify-payloads";
import { ingestCheckoutBatchSql } from "../../app/models/checkout-ingest-sql.server";
import { ingestCheckout, type IngestCheckoutArgs } from "../../app/models/checkouts.server";
import { advanceCheckouts, claimDueCheckouts } from "../../app/models/recovery.server";
import { reconcileShop } from "../../app/recovery/reconcile.server";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import { adminGraphqlFor } from "../../app/shopify/admin-graphql.server";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { makeOutbox, seedDueCheckouts, tick } from "../helpers/engine";
import { checkoutPayload, orderPayload } from "../helpers/factories";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../helpers/standins/admin-graphql";
import { abandonedCheckoutNode, modelOrders, type OrdersModel } from "../helpers/standins/admin-graphql-orders";
import { T0, at } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

const NO_QUIET = { quietHours: { enabled: false, start: "21:00", end: "08:00", timezone: null } };
const sql = () => ({ db, provider: dbProvider });
const p = (n: number) => (dbProvider === "postgresql" ? `$${n}` : "?");

let standin: AdminGraphqlStandin;
let shopify: OrdersModel;

beforeAll(async () => {
  standin = await startAdminGraphqlStandin();
  shopify = modelOrders(standin);
});
afterAll(async () => {
  await standin.close();
});
beforeEach(async () => {
  await resetDatabase();
  standin.reset();
  shopify.clear();
  await seedShop(TEST_SHOP, NO_QUIET as never);
});

function args(payload: ReturnType<typeof checkoutPayload>, eventId: string, now = at(5)): IngestCheckoutArgs {
  return { shop: TEST_SHOP, eventId, topic: "checkouts/update", record: parseCheckout(payload), settings: DEFAULT_SETTINGS, now };
}

/** The stored text (SQLite: with its storage type) of a checkout's due time and lease. */
async function storedTimes(id: string) {
  const col = (c: string) => (dbProvider === "postgresql" ? `${c}::text` : `typeof(${c}) || ':' || CAST(${c} AS TEXT)`);
  const rows = await db.$queryRawUnsafe<Array<{ due: string | null; lease: string | null }>>(
    `SELECT ${col("next_due_at")} AS due, ${col("lease_until")} AS lease FROM checkout WHERE id = ${p(1)}`,
    id,
  );
  return rows[0];
}

describe("times out of range are refused at ingest, or clamped where refusing would lose an order", () => {
  it("a checkouts/create in year 9999 or 1970 is answered 422 naming the field, and nothing is written", async () => {
    const far = checkoutPayload({ createdAt: T0, updatedAt: new Date("9999-12-31T23:59:59Z") });
    const res = await callAction(checkoutsCreate, signedWebhook("checkouts/create", far));
    expect(res).toEqual({ status: 422, json: { error: "invalid payload: updated_at: more than a year ahead" } });
    const old = checkoutPayload({ createdAt: new Date("1970-01-01T00:00:00Z"), updatedAt: T0 });
    expect((await callAction(checkoutsCreate, signedWebhook("checkouts/create", old))).json).toEqual({
      error: "invalid payload: created_at: before 2000-01-01",
    });
    expect(await db.checkout.count()).toBe(0);
    expect(await db.webhookEvent.count()).toBe(0);
  });

  it("both ingest paths refuse the same record (the batch hands it back, the one-by-one path throws a 422) and write nothing", async () => {
    const bad = args(checkoutPayload({ createdAt: T0, updatedAt: new Date("3000-01-01T00:00:00Z") }), "ev-bad");
    const good = args(checkoutPayload({ createdAt: T0 }), "ev-good");
    expect(await ingestCheckoutBatchSql([bad, good])).toEqual([null, "created"]);
    const refused = await ingestCheckout(bad).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InputError);
    expect(refused).toMatchObject({ status: 422, reason: "invalid payload: updated_at: more than a year ahead" });
    expect(await db.checkout.count()).toBe(1);
    expect(await db.webhookEvent.findMany({ select: { eventId: true } })).toEqual([{ eventId: "ev-good" }]);
  });

  it("a completed_at out of range is clamped to now on both paths: the checkout is completed, never reminded", async () => {
    const now = at(5);
    const viaBatch = args(checkoutPayload({ createdAt: T0, completedAt: new Date("9999-01-01T00:00:00Z") }), "ev-c1", now);
    const viaPrisma = args(checkoutPayload({ createdAt: T0, completedAt: new Date("1969-07-20T20:17:00Z") }), "ev-c2", now);
    expect(await ingestCheckoutBatchSql([viaBatch])).toEqual(["created"]);
    expect(await ingestCheckout(viaPrisma)).toBe("created");
    for (const a of [viaBatch, viaPrisma]) {
      const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: a.record.token } } });
      expect(c).toMatchObject({ status: "completed", nextDueAt: null, completedAt: now });
    }
  });

  it("an order created in year 9999 is stored at the time it arrived and still completes its checkout (never refused)", async () => {
    const checkout = checkoutPayload({ createdAt: T0 });
    expect((await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkout))).status).toBe(200);
    const before = Date.now();
    const order = orderPayload({ checkoutToken: checkout.token, createdAt: new Date("9999-06-01T00:00:00Z") });
    const res = await callAction(ordersCreate, signedWebhook("orders/create", order));
    expect(res.status).toBe(200);
    const stored = await db.order.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(stored.shopifyCreatedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(stored.shopifyCreatedAt.getTime()).toBeLessThanOrEqual(Date.now());
    const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: checkout.token } } });
    expect(c.nextDueAt).toBeNull();
    expect(c.completedAt?.getTime()).toBe(stored.shopifyCreatedAt.getTime());
    // parseOrder itself keeps what Shopify said: the clamp is the ingest's decision.
    expect(parseOrder(order).shopifyCreatedAt.getUTCFullYear()).toBe(9999);
  });
});

describe("one text form for every due time, and no malformed or far-future row is ever claimed", () => {
  it("next_due_at and lease_until written by Prisma, the batch ingest, the engine's statements and the claim are stored alike", async () => {
    const due = at(60);
    // 1. the batch ingest (raw SQL); 2. Prisma (the one-by-one ingest); both compute the same due time.
    const a = args(checkoutPayload({ createdAt: T0 }), "ev-a");
    const b = args(checkoutPayload({ createdAt: T0 }), "ev-b");
    expect(await ingestCheckoutBatchSql([a])).toEqual(["created"]);
    expect(await ingestCheckout(b)).toBe("created");
    const [ca, cb] = await Promise.all([a, b].map((x) => db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: x.record.token } } })));
    expect(ca.nextDueAt?.getTime()).toBe(cb.nextDueAt?.getTime());
    expect((await storedTimes(ca.id)).due).toBe((await storedTimes(cb.id)).due);
    // 3. Prisma's update and 4. the engine's bulk statement write the same instant the same way.
    await db.checkout.update({ where: { id: ca.id }, data: { nextDueAt: due, leaseOwner: "t", leaseUntil: due } });
    await db.checkout.update({ where: { id: cb.id }, data: { leaseOwner: "t" } });
    await advanceCheckouts(sql(), {
      owner: "t",
      now: at(1),
      shopOf: new Map(),
      actor: "test",
      rows: [{ id: cb.id, nextStepIndex: 0, nextDueAt: due, status: "open", priority: "normal", priorityScore: 0, stopReason: null }],
    });
    const byPrisma = await storedTimes(ca.id);
    const byEngine = await storedTimes(cb.id);
    expect(byEngine.due).toBe(byPrisma.due);
    // 5. the claim's lease against Prisma's.
    const claimed = await claimDueCheckouts(sql(), { owner: "claimer", now: due, leaseUntil: due, limit: 10 });
    expect(claimed).toEqual([cb.id]); // ca still holds its live lease (until `due`, not before it)
    expect((await storedTimes(cb.id)).lease).toBe(byPrisma.lease);
    if (dbProvider === "sqlite") expect(byPrisma.due).toBe(`text:${due.toISOString().replace("Z", "+00:00")}`);
    else expect(byPrisma.due).toBe("2026-11-20 11:00:00");
  });

  it("a checkout due in year 9999 is never claimed; on SQLite neither is a due time in any other text form", async () => {
    await seedDueCheckouts({ count: 3, dueAt: at(60), prefix: "bad" });
    await db.checkout.update({ where: { id: "bad_0" }, data: { nextDueAt: new Date("9999-12-31T23:59:59Z") } });
    if (dbProvider === "sqlite") {
      // What a year past 9999 looked like (toISOString) and other forms no writer of ours makes.
      await db.$executeRawUnsafe(`UPDATE checkout SET next_due_at = '+010000-01-01T00:00:00.000+00:00' WHERE id = 'bad_1'`);
      await db.$executeRawUnsafe(`UPDATE checkout SET next_due_at = ${at(0).getTime()} WHERE id = 'bad_2'`);
    } else {
      await db.checkout.deleteMany({ where: { id: { in: ["bad_1", "bad_2"] } } });
    }
    expect(await claimDueCheckouts(sql(), { owner: "x", now: at(120), leaseUntil: at(125), limit: 100 })).toEqual([]);
    const outbox = makeOutbox();
    const res = await tick(outbox, at(24 * 60), { purge: false });
    expect(res).toMatchObject({ claimed: 0, stillDue: 0 });
    expect(outbox.channels.email.count).toBe(0);
    expect(await db.message.count()).toBe(0);
  });

  it("the engine refuses to write a due time past year 9999 (SQLite's text would sort before today; Prisma cannot read it on PostgreSQL)", async () => {
    await seedDueCheckouts({ count: 1, dueAt: at(60), prefix: "y" });
    await db.checkout.update({ where: { id: "y_0" }, data: { leaseOwner: "t" } });
    const row = {
      id: "y_0",
      nextStepIndex: 1,
      nextDueAt: new Date(Date.UTC(10000, 0, 1)),
      status: "open",
      priority: "normal",
      priorityScore: 0,
      stopReason: null,
    };
    const write = advanceCheckouts(sql(), { owner: "t", now: at(61), shopOf: new Map(), actor: "test", rows: [row] });
    await expect(write).rejects.toThrow(/out of range/);
    const c = await db.checkout.findUniqueOrThrow({ where: { id: "y_0" } });
    expect(c.nextDueAt?.getTime()).toBe(at(60).getTime());
  });

  it("a tick claims each due row once even when its claim loop runs several rounds and the rows' next steps are due at once", async () => {
    // Three checkouts due now whose steps all go unsent (no address: each channel is skipped, so each next step is
    // due at once, not a step gap later). Batches of one: the claim loop runs round after round.
    await seedDueCheckouts({ count: 3, dueAt: at(60), prefix: "late" });
    await db.checkout.updateMany({ data: { email: null, customerKey: null } });
    const outbox = makeOutbox();
    const steps = async () => {
      const rows = await db.message.findMany({ select: { checkoutId: true, stepId: true }, orderBy: [{ checkoutId: "asc" }, { stepId: "asc" }] });
      return [...new Set(rows.map((m) => `${m.checkoutId}:${m.stepId}`))];
    };
    const first = await tick(outbox, at(6 * 60), { batchSize: 1, purge: false });
    expect(first).toMatchObject({ claimed: 3, batches: 3, stillDue: 3 });
    expect(await steps()).toEqual(["late_0:s1", "late_1:s1", "late_2:s1"]);
    // The next tick takes the next step of each, once.
    const second = await tick(outbox, at(6 * 60 + 1), { batchSize: 1, purge: false });
    expect(second).toMatchObject({ claimed: 3, batches: 3 });
    expect((await steps()).filter((s) => s.endsWith(":s2"))).toEqual(["late_0:s2", "late_1:s2", "late_2:s2"]);
    expect((await steps()).some((s) => s.endsWith(":s3"))).toBe(false);
    expect(outbox.channels.email.count).toBe(0);
  });
});

describe("reconciliation applies the webhook's payload guard and date range before ingest", () => {
  it("a poisoned or far-future abandoned checkout read back is skipped and counted, the others are stored", async () => {
    await seedOfflineSession(TEST_SHOP);
    const admin = (shop: string) => adminGraphqlFor(shop, { baseUrl: standin.shopBaseUrl, sleep: async () => {} });
    const nul = abandonedCheckoutNode({ token: "tok-nul", shop: TEST_SHOP, createdAt: T0 });
    nul.lineItems.nodes[0].title = "Shirt\u0000";
    shopify.addAbandonedCheckout(TEST_SHOP, nul);
    shopify.addAbandonedCheckout(
      TEST_SHOP,
      abandonedCheckoutNode({ token: "tok-far", shop: TEST_SHOP, createdAt: T0, updatedAt: new Date("9999-01-01T00:00:00Z") }),
    );
    shopify.addAbandonedCheckout(TEST_SHOP, abandonedCheckoutNode({ token: "tok-ok", shop: TEST_SHOP, createdAt: T0 }));
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const r = await reconcileShop(shop, at(30), { admin });
    expect(r).toMatchObject({ checkouts: 1, refused: 2 });
    expect((await db.checkout.findMany({ select: { token: true } })).map((c) => c.token)).toEqual(["tok-ok"]);
  });
});
