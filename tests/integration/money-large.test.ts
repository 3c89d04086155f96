// Money of every size (issue 15), end to end through the signed webhook routes, the engine and the admin loaders, on
// a real SQLite file and a real PostgreSQL server: an order of 22,400,000.00 UZS (2,240,000,000 minor units, past a
// 32-bit integer) and IDR/VND/IRR-scale totals are stored exactly, stop recovery, and show exactly as recovered
// revenue, in the Overview and in the email the shopper got; zero- and three-decimal currencies (JPY, KWD) the same at
// sizes past 2^31. An amount beyond the bound (10^15 minor units, app/lib/money.ts) is answered 422 naming the field,
// with nothing written.
import { refreshShopMetrics } from "../../app/models/metric-days.server";
import type { OverviewData } from "../../app/models/overview.server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmailSender } from "../../app/channels/email.server";
import { outboxChannels, OutboxStaffNotifier } from "../../app/channels/outbox.server";
import { db } from "../../app/db.server";
import { linkSigningKey } from "../../app/lib/crypto.server";
import { MAX_MINOR_UNITS } from "../../app/lib/money";
import { runTick } from "../../app/recovery/engine.server";
import { forgetLearnedCurrencies } from "../../app/models/shop-currency.server";
import { forgetShopCache } from "../../app/models/shops.server";
import { isSuppressed } from "../../app/models/suppressions.server";
import * as overview from "../../app/routes/app._index";
import * as detail from "../../app/routes/app.checkouts.$id";
import * as pipeline from "../../app/routes/app.pipeline";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import { adminRequest, call } from "../helpers/admin";
import { APP_URL, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { checkoutPayload, orderPayload } from "../helpers/factories";
import { startSendGridStandIn, type SendGridStandIn } from "../helpers/standins/sendgrid";
import { addDays, addHours, addMinutes } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

// Inside the Overview's 30-day window (the admin loaders count back from the real clock), at noon UTC two days ago,
// so the first step falls outside the default quiet hours.
const today = new Date();
const T0 = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 2, 12, 0));

let sg: SendGridStandIn;
beforeAll(async () => {
  sg = await startSendGridStandIn("SG.money-large");
});
afterAll(async () => {
  await sg.close();
});

async function shopIn(currency: string) {
  await resetDatabase();
  forgetLearnedCurrencies();
  await seedShop();
  await db.shop.update({ where: { domain: TEST_SHOP }, data: { currency } });
  forgetShopCache(TEST_SHOP);
  await seedOfflineSession();
  sg.captured.length = 0;
  sg.queue.length = 0;
}

/** The engine's first step for every due checkout, with the real email channel (SendGrid stand-in over HTTP). */
async function sendFirstStep(): Promise<Date> {
  const due = await db.checkout.findFirstOrThrow({ where: { nextDueAt: { not: null } }, select: { nextDueAt: true } });
  const at = due.nextDueAt!;
  const env = { ...process.env, SENDGRID_API_KEY: sg.apiKey, SENDGRID_FROM_EMAIL: "hello@test-shop.example" };
  const email = createEmailSender({
    apiKey: sg.apiKey,
    baseUrl: sg.url,
    defaultFromEmail: "hello@test-shop.example",
    appUrl: APP_URL,
    linkKey: linkSigningKey(),
    isSuppressed,
    env,
  });
  const r = await runTick({
    now: at,
    owner: "money-large",
    channels: { ...outboxChannels(), email },
    staffNotifier: new OutboxStaffNotifier(),
    budgetMs: 30_000,
  });
  expect(r.sent.email).toBe(1);
  return at;
}

/** Everything one mail the stand-in received says (subject, text and HTML). */
function mailText(): string {
  expect(sg.captured).toHaveLength(1);
  return JSON.stringify(sg.captured[0].body);
}

const cases = [
  // Uzbek som, 2 decimals: the order from the issue.
  { currency: "UZS", amount: "22400000.00", minor: 2_240_000_000, shown: "UZS\u00a022,400,000.00" },
  // Indonesian rupiah (0 decimals in CLDR): 150,000,000 IDR, and a total past 2^31.
  { currency: "IDR", amount: "150000000.00", minor: 150_000_000, shown: "IDR\u00a0150,000,000" },
  { currency: "IDR", amount: "4500000000", minor: 4_500_000_000, shown: "IDR\u00a04,500,000,000" },
  { currency: "VND", amount: "5000000000", minor: 5_000_000_000, shown: "₫5,000,000,000" },
  { currency: "IRR", amount: "3000000000", minor: 3_000_000_000, shown: "IRR\u00a03,000,000,000" },
  // Zero and three decimals, past 2^31 minor units.
  { currency: "JPY", amount: "3000000000", minor: 3_000_000_000, shown: "¥3,000,000,000" },
  { currency: "KWD", amount: "2500000.125", minor: 2_500_000_125, shown: "KWD\u00a02,500,000.125" },
];

describe("large amounts, stored and shown exactly", () => {
  for (const k of cases) {
    it(`${k.amount} ${k.currency}: ingest, email, order, stopped recovery, revenue, Overview, board and detail`, async () => {
      await shopIn(k.currency);
      const cp = checkoutPayload({ currency: k.currency, createdAt: T0, items: [{ title: "Carpet", price: k.amount, quantity: 1 }] });
      const created = await callAction(checkoutsCreate, signedWebhook("checkouts/create", cp));
      expect(created).toMatchObject({ status: 200, json: { outcome: "created" } });

      // Stored as the exact integer (the column is 64-bit: Prisma reads a bigint).
      const stored = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: cp.token } } });
      expect([stored.subtotalMinor, stored.totalMinor, stored.shopTotalMinor]).toEqual([BigInt(k.minor), BigInt(k.minor), BigInt(k.minor)]);
      expect(stored.nextDueAt).not.toBeNull();

      // The engine sends the first email: the amount in the shopper's currency and precision.
      const sentAt = await sendFirstStep();
      expect(mailText()).toContain(`Total: ${k.shown}`);

      // The order: stored exactly, recovery stops, the revenue is the order's.
      const op = orderPayload({
        checkoutToken: cp.token,
        email: cp.email ?? undefined,
        total: k.amount,
        currency: k.currency,
        createdAt: addMinutes(sentAt, 30),
      });
      expect(await callAction(ordersCreate, signedWebhook("orders/create", op))).toMatchObject({ status: 200, json: { outcome: "created" } });
      const order = await db.order.findUniqueOrThrow({ where: { shop_orderId: { shop: TEST_SHOP, orderId: String(op.id) } } });
      expect([order.subtotalMinor, order.totalMinor, order.presentmentTotalMinor]).toEqual([BigInt(k.minor), BigInt(k.minor), BigInt(k.minor)]);
      const after = await db.checkout.findUniqueOrThrow({ where: { id: stored.id } });
      expect(after).toMatchObject({ status: "recovered", nextDueAt: null, stopReason: "order_completed", recoveredRevenueMinor: BigInt(k.minor) });
      expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).orderRevenueMinor).toBe(BigInt(k.minor));

      // Nothing further is sent to the shopper who paid.
      await runTick({ now: addDays(sentAt, 30), owner: "money-large", channels: outboxChannels(), staffNotifier: new OutboxStaffNotifier(), budgetMs: 30_000 });
      expect(await db.message.count({ where: { checkoutId: stored.id, channel: "email" } })).toBe(1);

      // The Overview's figures, exactly (PostgreSQL sums BIGINT as numeric; groupBy sums as bigint).
      await refreshShopMetrics(TEST_SHOP, new Date()); // as the tick does before the merchant looks
      const o = await call(overview.loader, await adminRequest("/app?days=30"));
      expect(o.status).toBe(200);
      const data = (o.json as { data: OverviewData }).data;
      expect(data.totals.revenueMinor).toBe(k.minor);
      expect(data.aov).toMatchObject({ recoveredOrders: 1, recoveredAvgMinor: k.minor });

      // The board and the detail page answer JSON with the exact numbers (a bigint would make json() throw).
      const board = await call(pipeline.loader, await adminRequest("/app/pipeline"));
      expect(board.status).toBe(200);
      const cards = (board.json.columns as Array<{ cards: Array<{ id: string; totalMinor: number; shopTotalMinor: number | null }> }>).flatMap((c) => c.cards);
      expect(cards.find((c) => c.id === stored.id)).toMatchObject({ totalMinor: k.minor, shopTotalMinor: k.minor });
      const page = await call(detail.loader, await adminRequest(`/app/checkouts/${stored.id}`), { id: stored.id });
      expect(page.status).toBe(200);
      expect(page.json).toMatchObject({
        checkout: { totalMinor: k.minor, subtotalMinor: k.minor, shopTotalMinor: k.minor },
        orders: [{ totalMinor: k.minor }],
      });
    });
  }
});

describe("amounts beyond the bound, and bad amounts, are refused whole", () => {
  beforeEach(async () => {
    await shopIn("UZS");
  });

  async function refusedCheckout(payload: unknown, field: string) {
    const res = await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload));
    expect(res.status).toBe(422);
    expect(String(res.json.error)).toContain(field);
    // Nothing partial: no checkout, no ledger entry (Shopify's retry is refused the same way).
    expect(await db.checkout.count()).toBe(0);
    expect(await db.webhookEvent.count()).toBe(0);
  }

  it("a total past 10^15 minor units (5 * 10^15, still below 2^53: 50,000,000,000,000.00 UZS)", async () => {
    const p = checkoutPayload({ currency: "UZS", createdAt: T0 });
    await refusedCheckout({ ...p, total_price: "50000000000000.00" }, "total_price: amount beyond");
    // The bound itself is accepted: 10,000,000,000,000.00 UZS.
    const atBound = (MAX_MINOR_UNITS / 100).toFixed(2);
    const ok = await callAction(checkoutsCreate, signedWebhook("checkouts/create", { ...p, subtotal_price: atBound, total_price: atBound }));
    expect(ok.status).toBe(200);
    expect((await db.checkout.findFirstOrThrow()).totalMinor).toBe(BigInt(MAX_MINOR_UNITS));
  });

  it("a line price that is not an amount, a quantity past 10^6, a subtotal the line items push past the bound", async () => {
    const p = checkoutPayload({ currency: "UZS", createdAt: T0 });
    const items = p.line_items as Array<Record<string, unknown>>;
    await refusedCheckout({ ...p, line_items: [{ ...items[0], price: "12,50" }] }, "line_items.0.price: not an amount");
    await refusedCheckout({ ...p, line_items: [{ ...items[0], quantity: 2_000_000 }] }, "line_items.0.quantity");
    const { subtotal_price: _s, ...noSubtotal } = p;
    await refusedCheckout({ ...noSubtotal, line_items: [{ ...items[0], price: "2000000000000.00", quantity: 10 }] }, "line_items: amount beyond");
  });

  it("an order past the bound: 422, no order, no revenue, the checkout untouched", async () => {
    const cp = checkoutPayload({ currency: "UZS", createdAt: T0 });
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", cp));
    const before = await db.checkout.findFirstOrThrow();
    const op = orderPayload({ checkoutToken: cp.token, total: "50000000000000.00", currency: "UZS", createdAt: addHours(T0, 1) });
    const res = await callAction(ordersCreate, signedWebhook("orders/create", op));
    expect(res.status).toBe(422);
    expect(String(res.json.error)).toContain("subtotal_price_set.shop_money.amount: amount beyond");
    expect(await db.order.count()).toBe(0);
    expect(await db.webhookEvent.count()).toBe(1); // the checkout's delivery only
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).orderRevenueMinor).toBe(0n);
    expect(await db.checkout.findFirstOrThrow()).toMatchObject({ status: before.status, orderId: null, nextDueAt: before.nextDueAt });
  });
});
