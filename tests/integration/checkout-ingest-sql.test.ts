// The raw-SQL batch ingestion (app/models/checkout-ingest-sql.server.ts) writes exactly the rows ingestCheckout (Prisma)
// writes: the same checkout read back through Prisma field by field (dates, booleans, JSON text), the same stored
// date encoding, the same ledger rows, and the same outcomes, on SQLite and PostgreSQL.
import pg from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { db, dbProvider } from "../../app/db.server";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";
import { parseCheckout } from "../../app/lib/shopify-payloads";
import { ingestCheckoutGrouped } from "../../app/models/checkout-batch.server";
import { ingestCheckoutBatchSql } from "../../app/models/checkout-ingest-sql.server";
import { ingestCheckout, type IngestCheckoutArgs } from "../../app/models/checkouts.server";
import { ingestOrder } from "../../app/models/orders.server";
import { parseOrder } from "../../app/lib/shopify-payloads";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { checkoutPayload, orderPayload } from "../helpers/factories";
import { minutesFrom } from "../helpers/time";

const T0 = new Date("2026-11-20T10:00:00.123Z");
const minutes = minutesFrom(T0);

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
});

function args(token: string, eventId: string, o: Parameters<typeof checkoutPayload>[0] = {}): IngestCheckoutArgs {
  const record = parseCheckout(
    checkoutPayload({ token, createdAt: T0, email: "Shopper@Example.com", customerId: 777, phone: "+14155550100", acceptsSms: true, ...o }),
  );
  return { shop: TEST_SHOP, eventId, topic: "checkouts/update", record, settings: DEFAULT_SETTINGS, now: new Date() };
}

/** A checkout as Prisma reads it, without what differs by design between two rows (id, token, row times). */
async function view(token: string) {
  const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token } } });
  const { id, token: _t, createdAt, updatedAt, cartToken, abandonedCheckoutUrl, ...rest } = c;
  expect(typeof id).toBe("string");
  expect(createdAt).toBeInstanceOf(Date);
  expect(updatedAt.getTime()).toBeGreaterThanOrEqual(createdAt.getTime());
  void _t;
  return { ...rest, cartToken: cartToken?.replace(token, "T"), abandonedCheckoutUrl: abandonedCheckoutUrl?.replace(token, "T") };
}

/** The stored text of the date columns (the encoding Prisma wrote, or we did). */
async function rawDates(token: string) {
  const cast = dbProvider === "postgresql" ? (c: string) => `${c}::text` : (c: string) => `typeof(${c}) || ':' || CAST(${c} AS TEXT)`;
  const cols = ["shopify_created_at", "shopify_updated_at", "completed_at", "abandoned_at", "next_due_at"];
  const rows = await db.$queryRawUnsafe<Array<Record<string, string | null>>>(
    `SELECT ${cols.map((c) => `${cast(c)} AS ${c}`).join(", ")}, ${dbProvider === "postgresql" ? "is_test::text" : "typeof(is_test) || ':' || is_test"} AS is_test FROM checkout WHERE shop = $1 AND token = $2`.replace(
      /\$(\d)/g,
      dbProvider === "postgresql" ? "$$$1" : "?",
    ),
    TEST_SHOP,
    token,
  );
  return rows[0];
}

/**
 * Runs `during` while another connection holds an uncommitted transaction that ran `statements`, and commits that
 * transaction once something waits on its locks (PostgreSQL). The outcome of `during`, settled.
 */
async function whileAnotherTransactionHolds<T>(statements: Array<[string, unknown[]?]>, during: () => Promise<T>): Promise<{ value: T } | { error: string }> {
  const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
  try {
    await other.query("BEGIN");
    for (const [sql, params] of statements) await other.query(sql, params);
    const settled = during().then(
      (value) => ({ value }),
      (e: Error) => ({ error: e.message }),
    );
    // Asked on another connection: inside a transaction, pg_stat_activity answers from a snapshot taken once.
    const waiting = async () =>
      (
        await db.$queryRawUnsafe<Array<{ n: number }>>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
        )
      )[0].n > 0;
    // Polled with a timer turn in between, so that a batch (which starts on a timer) gets to run.
    for (let i = 0; i < 2000 && !(await waiting()); i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(await waiting()).toBe(true);
    await other.query("COMMIT");
    return await settled;
  } finally {
    await other.end();
  }
}

describe("raw-SQL checkout batch ingestion", () => {
  it("writes the shop money, customer tags and WhatsApp consent as ingestCheckout does", async () => {
    const withConsent = (token: string, eventId: string, o: Parameters<typeof checkoutPayload>[0], state: string) => {
      const a = args(token, eventId, o);
      const p = checkoutPayload({ token, createdAt: T0, email: "Shopper@Example.com", customerId: 777, ...o });
      const record = parseCheckout({ ...p, customer: { ...p.customer!, whats_app_marketing_consent: { state } } });
      return { ...a, record };
    };
    // A EUR cart in a USD shop: shop value unknown; tags lower case; consent given.
    const foreign = { currency: "EUR", shopCurrency: "USD", tags: "VIP, Wholesale" };
    expect(await ingestCheckout(withConsent("tokA", "ev-a1", foreign, "subscribed"))).toBe("created");
    expect(await ingestCheckoutBatchSql([withConsent("tokB", "ev-b1", foreign, "subscribed")])).toEqual(["created"]);
    const a = await view("tokA");
    expect(await view("tokB")).toEqual(a);
    expect(a).toMatchObject({ currency: "EUR", shopCurrency: "USD", shopTotalMinor: null, customerTags: '["vip","wholesale"]', whatsappConsent: true });
    // Updated to the shop's currency, consent withdrawn: both paths write every new column.
    const local = { currency: "USD", updatedAt: minutes(30), tags: "" };
    expect(await ingestCheckout(withConsent("tokA", "ev-a2", local, "unsubscribed"))).toBe("updated");
    expect(await ingestCheckoutBatchSql([withConsent("tokB", "ev-b2", local, "unsubscribed")])).toEqual(["updated"]);
    const a2 = await view("tokA");
    expect(await view("tokB")).toEqual(a2);
    expect(a2).toMatchObject({ currency: "USD", shopCurrency: "USD", shopTotalMinor: a2.totalMinor, customerTags: "[]", whatsappConsent: false });
  });

  it("writes amounts and quantities past 2^31 into the 64-bit columns, as ingestCheckout does (issue 15)", async () => {
    // 22,400,000.00 UZS (2,240,000,000 minor units of subtotal and total), and a quantity sum past 2^31 too.
    const big = { currency: "UZS", items: [{ title: "Carpet", price: "22400000.00", quantity: 1 }] };
    const many = (token: string, eventId: string) => {
      const a = args(token, eventId, big);
      return { ...a, record: { ...a.record, lineItemCount: 3_000_000_000 } };
    };
    expect(await ingestCheckout(many("tokA", "ev-a1"))).toBe("created");
    expect(await ingestCheckoutBatchSql([many("tokB", "ev-b1")])).toEqual(["created"]);
    const a = await view("tokA");
    expect(await view("tokB")).toEqual(a);
    expect(a).toMatchObject({ subtotalMinor: 2_240_000_000n, totalMinor: 2_240_000_000n, shopTotalMinor: 2_240_000_000n, lineItemCount: 3_000_000_000n });
  });

  it("creates and updates rows identical to ingestCheckout's, read back through Prisma", async () => {
    // Created by each path, from the same payload.
    const outA = await ingestCheckout(args("tokA", "ev-a1"));
    const outB = await ingestCheckoutBatchSql([args("tokB", "ev-b1")]);
    expect(outA).toBe("created");
    expect(outB).toEqual(["created"]);
    expect(await view("tokB")).toEqual(await view("tokA"));
    expect(await rawDates("tokB")).toEqual(await rawDates("tokA"));
    expect(await rawDates("tokB")).toMatchObject(
      dbProvider === "postgresql"
        ? { shopify_created_at: "2026-11-20 10:00:00.123", completed_at: null, is_test: "false" }
        : { shopify_created_at: "text:2026-11-20T10:00:00.123+00:00", completed_at: null, is_test: "integer:0" },
    );

    // A later update, a stale one, a completion.
    const upd = { updatedAt: minutes(30), items: [{ title: "Wool Coat", quantity: 3, price: "120.00" }], acceptsMarketing: false };
    expect(await ingestCheckout(args("tokA", "ev-a2", upd))).toBe("updated");
    expect(await ingestCheckoutBatchSql([args("tokB", "ev-b2", upd)])).toEqual(["updated"]);
    expect(await view("tokB")).toEqual(await view("tokA"));

    expect(await ingestCheckout(args("tokA", "ev-a3", { updatedAt: minutes(20) }))).toBe("stale");
    expect(await ingestCheckoutBatchSql([args("tokB", "ev-b3", { updatedAt: minutes(20) })])).toEqual(["stale"]);
    expect(await view("tokB")).toEqual(await view("tokA"));

    // A step already sent: the timeline keeps its position (ingestCheckoutIn spreads the existing state).
    await db.checkout.updateMany({
      where: { token: { in: ["tokA", "tokB"] } },
      data: { nextStepIndex: 1, status: "abandoned", leaseOwner: "w1", leaseUntil: minutes(31) },
    });
    expect(await ingestCheckout(args("tokA", "ev-a4", { updatedAt: minutes(45) }))).toBe("updated");
    expect(await ingestCheckoutBatchSql([args("tokB", "ev-b4", { updatedAt: minutes(45) })])).toEqual(["updated"]);
    expect(await view("tokB")).toEqual(await view("tokA"));

    const done = { updatedAt: minutes(60), completedAt: minutes(59) };
    expect(await ingestCheckout(args("tokA", "ev-a5", done))).toBe("updated");
    expect(await ingestCheckoutBatchSql([args("tokB", "ev-b5", done)])).toEqual(["updated"]);
    const a = await view("tokA");
    expect(await view("tokB")).toEqual(a);
    expect(a.status).toBe("completed");
    expect(a.completedAt?.toISOString()).toBe(minutes(59).toISOString());
    expect(a.leaseOwner).toBeNull();
    expect(await rawDates("tokB")).toEqual(await rawDates("tokA"));

    // The ledger rows match too.
    const ledger = await db.webhookEvent.findMany({ where: { shop: TEST_SHOP }, orderBy: { eventId: "asc" } });
    const byPath = (p: string) =>
      ledger.filter((e) => e.eventId.startsWith(p)).map((e) => ({ topic: e.topic, outcome: e.outcome, at: e.receivedAt instanceof Date }));
    expect(byPath("ev-b")).toEqual(byPath("ev-a"));
    expect(byPath("ev-b").map((e) => e.outcome)).toEqual(["processed", "processed", "stale", "processed", "processed"]);
  });

  it('answers a repeat "duplicate" and leaves an order-first checkout to the caller, writing nothing for either', async () => {
    await ingestCheckout(args("tokSeen", "ev-seen"));
    await ingestOrder({
      shop: TEST_SHOP,
      eventId: "ev-order",
      topic: "orders/create",
      record: parseOrder(orderPayload({ checkoutToken: "tokOrdered", createdAt: minutes(40) })),
    });
    const before = await db.checkout.count();
    const out = await ingestCheckoutBatchSql([args("tokSeen", "ev-seen", { updatedAt: minutes(5) }), args("tokOrdered", "ev-o1"), args("tokNew", "ev-new")]);
    expect(out).toEqual(["duplicate", null, "created"]);
    expect(await db.checkout.count()).toBe(before + 1);
    expect(await db.webhookEvent.findUnique({ where: { eventId: "ev-o1" } })).toBeNull();
    const seen = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: "tokSeen" } } });
    expect(seen.shopifyUpdatedAt.toISOString()).toBe(T0.toISOString());
  });
  it("writes a mixed batch (creates, updates, a stale one, a completion, a kept and a cleared lease) as the one-by-one path does", async () => {
    // Twins: tokens "A*" through ingestCheckout one at a time, "B*" as one batch; then compare each pair.
    for (const p of ["A", "B"]) {
      for (const n of [1, 2, 3, 4]) expect(await ingestCheckout(args(`${p}${n}`, `ev-${p}${n}-0`))).toBe("created");
    }
    // Steps already sent and leases held on 2 and 3 (3 completes below and must lose its lease, 2 keeps it).
    await db.checkout.updateMany({
      where: { token: { in: ["A2", "B2", "A3", "B3"] } },
      data: { nextStepIndex: 1, status: "abandoned", leaseOwner: "w1", leaseUntil: minutes(31) },
    });
    const plan = (p: string) => [
      args(`${p}1`, `ev-${p}1-1`, { updatedAt: minutes(30), items: [{ title: "Wool Coat", quantity: 3, price: "120.00" }] }),
      args(`${p}2`, `ev-${p}2-1`, { updatedAt: minutes(45) }),
      args(`${p}3`, `ev-${p}3-1`, { updatedAt: minutes(60), completedAt: minutes(59) }),
      args(`${p}4`, `ev-${p}4-1`, { updatedAt: minutes(-5) }), // older than what is held
      args(`${p}5`, `ev-${p}5-1`, { email: "new@example.com" }),
      args(`${p}6`, `ev-${p}6-1`, { phone: "+14155550199", acceptsSms: false }),
    ];
    const one: unknown[] = [];
    for (const a of plan("A")) one.push(await ingestCheckout(a));
    const batched = await ingestCheckoutBatchSql(plan("B"));
    expect(batched).toEqual(one);
    expect(batched).toEqual(["updated", "updated", "updated", "stale", "created", "created"]);
    for (const n of [1, 2, 3, 4, 5, 6]) {
      expect(await view(`B${n}`)).toEqual(await view(`A${n}`));
      expect(await rawDates(`B${n}`)).toEqual(await rawDates(`A${n}`));
    }
    expect((await view("B2")).leaseOwner).toBe("w1");
    expect((await view("B3")).leaseOwner).toBeNull();
    expect((await view("B1")).lineItemCount).toBe(3n); // a 64-bit column: Prisma reads a bigint
  });
  it("after a step was sent, an update still moves shopify_updated_at, so an older delivery after it is stale (both paths)", async () => {
    expect(await ingestCheckout(args("tokS1", "ev-s1-0"))).toBe("created");
    expect(await ingestCheckoutBatchSql([args("tokS2", "ev-s2-0")])).toEqual(["created"]);
    await db.checkout.updateMany({ where: { token: { in: ["tokS1", "tokS2"] } }, data: { nextStepIndex: 1, status: "abandoned" } });
    expect(await ingestCheckout(args("tokS1", "ev-s1-1", { updatedAt: minutes(30) }))).toBe("updated");
    expect(await ingestCheckoutBatchSql([args("tokS2", "ev-s2-1", { updatedAt: minutes(30) })])).toEqual(["updated"]);
    for (const token of ["tokS1", "tokS2"]) {
      const row = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token } } });
      expect(row.shopifyUpdatedAt.toISOString()).toBe(minutes(30).toISOString());
      expect(row.nextStepIndex).toBe(1); // the sequence kept its place
    }
    expect(await ingestCheckout(args("tokS1", "ev-s1-2", { updatedAt: minutes(20) }))).toBe("stale");
    expect(await ingestCheckoutBatchSql([args("tokS2", "ev-s2-2", { updatedAt: minutes(20) })])).toEqual(["stale"]);
  });

  it.skipIf(dbProvider !== "postgresql")("does not write over a row another process changed after the batch read it (PostgreSQL)", async () => {
    expect(await ingestCheckout(args("tokR", "ev-r0"))).toBe("created");
    // Another process (the tick sending step 0, say) changes the row and has not committed yet: the batch reads the
    // old version, computes from it, and its UPDATE waits for this row lock.
    const outcome = await whileAnotherTransactionHolds(
      [["UPDATE checkout SET next_step_index = 1, status = 'abandoned' WHERE shop = $1 AND token = $2", [TEST_SHOP, "tokR"]]],
      () => ingestCheckoutGrouped(args("tokR", "ev-r1", { updatedAt: minutes(30) })),
    );
    // The batch found the row changed and did not write it; the delivery ran again alone, from the row as it is now.
    expect(outcome).toEqual({ value: "updated" });
    const row = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: "tokR" } } });
    expect(row.nextStepIndex).toBe(1);
    expect(row.status).toBe("abandoned");
    expect(row.shopifyUpdatedAt.toISOString()).toBe(minutes(30).toISOString());
    expect(await db.webhookEvent.count({ where: { eventId: "ev-r1" } })).toBe(1);
  });

  it.skipIf(dbProvider !== "postgresql")(
    "leaves only the checkouts changed or created meanwhile to the caller and writes the rest of the batch (PostgreSQL)",
    async () => {
      expect(await ingestCheckout(args("tokC", "ev-c0"))).toBe("created");
      expect(await ingestCheckout(args("tokK", "ev-k0"))).toBe("created");
      const out = await whileAnotherTransactionHolds(
        [
          ["UPDATE checkout SET next_step_index = 1, status = 'abandoned' WHERE shop = $1 AND token = $2", [TEST_SHOP, "tokC"]],
          // And creates tokZ (a copy of tokK's row), which the batch is about to create too.
          ["CREATE TEMP TABLE z AS SELECT * FROM checkout WHERE shop = $1 AND token = 'tokK'", [TEST_SHOP]],
          ["UPDATE z SET id = 'other-z', token = 'tokZ'"],
          ["INSERT INTO checkout SELECT * FROM z"],
        ],
        () =>
          ingestCheckoutBatchSql([
            args("tokC", "ev-c1", { updatedAt: minutes(30) }),
            args("tokK", "ev-k1", { updatedAt: minutes(30) }),
            args("tokN", "ev-n1"),
            args("tokZ", "ev-z1"),
          ]),
      );
      // tokC changed and tokZ was created after the read: not written, not recorded, left to the caller. The others are
      // written.
      expect(out).toEqual({ value: [null, "updated", "created", null] });
      expect(await db.webhookEvent.findUnique({ where: { eventId: "ev-z1" } })).toBeNull();
      expect((await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: "tokZ" } } })).id).toBe("other-z");
      const changed = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: "tokC" } } });
      expect(changed.shopifyUpdatedAt.toISOString()).toBe(T0.toISOString());
      expect(changed.nextStepIndex).toBe(1);
      expect(await db.webhookEvent.findUnique({ where: { eventId: "ev-c1" } })).toBeNull();
      const kept = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: "tokK" } } });
      expect(kept.shopifyUpdatedAt.toISOString()).toBe(minutes(30).toISOString());
      expect((await db.webhookEvent.findMany({ where: { eventId: { in: ["ev-k1", "ev-n1"] } }, orderBy: { eventId: "asc" } })).map((e) => e.outcome)).toEqual([
        "processed",
        "processed",
      ]);
      expect(await db.checkout.count({ where: { token: "tokN" } })).toBe(1);
    },
  );

  it.skipIf(dbProvider !== "postgresql")(
    "fails whole, writing nothing, when another process records one of its event ids after the read (PostgreSQL)",
    async () => {
      // Recorded by another process between the batch's read and its write: a row inserted by a concurrent transaction
      // that commits while the batch's write waits on the unique index.
      const out = await whileAnotherTransactionHolds(
        [
          [
            "INSERT INTO webhook_event (id, shop, event_id, topic, received_at, outcome) VALUES ('x1', $1, 'ev-d1', 'checkouts/update', now(), 'processed')",
            [TEST_SHOP],
          ],
        ],
        () => ingestCheckoutBatchSql([args("tokD", "ev-d1"), args("tokE", "ev-e1")]),
      );
      expect(out).toEqual({ error: expect.stringContaining("webhook_event") });
      expect(await db.checkout.count({ where: { token: { in: ["tokD", "tokE"] } } })).toBe(0);
      expect(await db.webhookEvent.count({ where: { eventId: "ev-e1" } })).toBe(0);
    },
  );

  it("still sees existing checkouts, repeats and waiting orders once the read is prepared (after a connection's first 256 batches)", async () => {
    for (let i = 0; i < 260; i++) expect(await ingestCheckoutBatchSql([args(`tokP${i}`, `ev-p${i}`)])).toEqual(["created"]);
    await ingestOrder({
      shop: TEST_SHOP,
      eventId: "ev-order-p",
      topic: "orders/create",
      record: parseOrder(orderPayload({ checkoutToken: "tokPO", createdAt: minutes(40) })),
    });
    const out = await ingestCheckoutBatchSql([
      args("tokP7", "ev-p7-1", { updatedAt: minutes(30) }),
      args("tokP8", "ev-p8"),
      args("tokPO", "ev-po"),
      args("tokP9", "ev-p9-1", { updatedAt: minutes(-1) }),
    ]);
    expect(out).toEqual(["updated", "duplicate", null, "stale"]);
    const row = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: "tokP7" } } });
    expect(row.shopifyUpdatedAt.toISOString()).toBe(minutes(30).toISOString());
    expect(await db.checkout.count({ where: { token: { startsWith: "tokP" } } })).toBe(260);
  });
});
