// Money end to end, through the signed webhook routes and the admin loaders: the shopper's currency for what the
// shopper sees, the shop's for every merchant figure, never the two added together. Zero- and three-decimal
// currencies (JPY, KWD) keep their precision from the payload to the Overview and the email.
import { refreshShopMetrics } from "../../app/models/metric-days.server";
import type { OverviewData } from "../../app/models/overview.server";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { renderRecoveryEmail } from "../../app/lib/email-template";
import { withNumbers } from "../../app/models/int64-columns.server";
import { forgetLearnedCurrencies, learnShopCurrency } from "../../app/models/shop-currency.server";
import { forgetShopCache } from "../../app/models/shops.server";
import * as overview from "../../app/routes/app._index";
import * as pipeline from "../../app/routes/app.pipeline";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import { adminRequest, call } from "../helpers/admin";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { checkoutPayload, orderPayload } from "../helpers/factories";
import { DAY_MS, MINUTE_MS, minutesFrom } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

// Inside the Overview's 30-day window (the admin loaders count back from the real clock).
const T0 = new Date(Math.floor((Date.now() - 2 * DAY_MS) / MINUTE_MS) * MINUTE_MS);
const at = minutesFrom(T0);

beforeEach(async () => {
  await resetDatabase();
  forgetLearnedCurrencies();
  await seedShop();
  // As a real install starts: the shop's currency is not known until Shopify tells us.
  await db.shop.update({ where: { domain: TEST_SHOP }, data: { currency: null } });
  forgetShopCache(TEST_SHOP);
  await seedOfflineSession();
});

/** A checkout through checkouts/create, one email sent for it, then the order placed from it through orders/create. */
async function recover(checkout: ReturnType<typeof checkoutPayload>, order: Parameters<typeof orderPayload>[0]) {
  expect((await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkout))).json.outcome).toBe("created");
  const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: checkout.token } } });
  await db.message.create({ data: { shop: TEST_SHOP, checkoutId: c.id, stepId: "s1", stepIndex: 0, channel: "email", status: "sent", sentAt: at(80) } });
  const o = orderPayload({ checkoutToken: checkout.token, createdAt: at(120), ...order });
  expect((await callAction(ordersCreate, signedWebhook("orders/create", o))).json.outcome).toBe("created");
  // As the models hand rows to the app: 64-bit columns as numbers (exact: app/lib/money.ts bounds every amount).
  return {
    checkout: withNumbers(await db.checkout.findUniqueOrThrow({ where: { id: c.id } })),
    order: withNumbers(await db.order.findUniqueOrThrow({ where: { shop_orderId: { shop: TEST_SHOP, orderId: String(o.id) } } })),
  };
}

async function overviewFigures() {
  await refreshShopMetrics(TEST_SHOP, new Date()); // what the tick does before the merchant looks
  const res = await call(overview.loader, await adminRequest("/app?days=30"));
  expect(res.status).toBe(200);
  return res.json as { currency: string; data: OverviewData };
}

describe("a shop in USD, a shopper in EUR", () => {
  it("keeps the shopper's EUR for the cart, the shop's USD for the order, revenue and Overview", async () => {
    const checkout = checkoutPayload({ currency: "EUR", shopCurrency: "USD", createdAt: T0, items: [{ title: "Wool Coat", price: "99.95" }] });
    const { checkout: c, order } = await recover(checkout, { total: "108.40", currency: "USD", presentmentCurrency: "EUR", presentmentTotal: "99.95" });
    // The cart as the shopper saw it; its USD value is not known (no rate is guessed).
    expect(c).toMatchObject({ currency: "EUR", totalMinor: 9995, shopCurrency: "USD", shopTotalMinor: null });
    // The order: shop money, and what the shopper paid beside it.
    expect(order).toMatchObject({ currency: "USD", totalMinor: 10840, presentmentCurrency: "EUR", presentmentTotalMinor: 9995 });
    // Recovered revenue is the order's shop money, not the EUR figure.
    expect(c).toMatchObject({ status: "recovered", recoveredRevenueMinor: 10840 });
    // The webhook told us the shop's currency.
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).currency).toBe("USD");

    // Money from before a change of the shop's currency (CAD then): never added to the USD figures.
    await db.order.create({ data: { shop: TEST_SHOP, orderId: "old-cad", currency: "CAD", totalMinor: 50_000, recovered: true, shopifyCreatedAt: at(10) } });
    await db.checkout.create({
      data: {
        shop: TEST_SHOP,
        token: "old-cad",
        currency: "CAD",
        totalMinor: 50_000,
        shopCurrency: "CAD",
        shopTotalMinor: 50_000,
        shopifyCreatedAt: T0,
        shopifyUpdatedAt: T0,
        abandonedAt: at(20),
        recoveredAt: at(60),
        recoveredRevenueMinor: 50_000,
        status: "recovered",
        stage: "recovered",
      },
    });

    const o = await overviewFigures();
    expect(o.currency).toBe("USD");
    expect(o.data.totals.revenueMinor).toBe(10840);
    expect(o.data.aov).toMatchObject({ recoveredOrders: 1, recoveredAvgMinor: 10840, otherOrders: 0 });
    // Both carts count as abandoned; the USD value bands hold neither: the EUR cart's USD value is unknown, and the
    // CAD cart's value is in CAD. No CAD revenue is added to USD.
    expect(o.data.totals.checkouts).toBe(2);
    const banded = (o.data.dims.band ?? []).filter((b) => b.key !== "unknown");
    expect(banded.reduce((n, b) => n + b.checkouts, 0)).toBe(0);
    expect(banded.reduce((n, b) => n + b.revenueMinor, 0)).toBe(0);
  });

  it("the board labels the EUR cart with its currency and leaves it out of a USD value filter", async () => {
    // The shop's currency as the profile load stores it (tests/integration/shop-profile.test.ts covers that load).
    await db.shop.update({ where: { domain: TEST_SHOP }, data: { currency: "USD" } });
    forgetShopCache(TEST_SHOP);
    const eur = checkoutPayload({ currency: "EUR", shopCurrency: "USD", createdAt: at(-3000), items: [{ title: "Wool Coat", price: "99.95" }] });
    const usd = checkoutPayload({ currency: "USD", createdAt: at(-3000), items: [{ title: "Wool Coat", price: "99.95" }] });
    for (const p of [eur, usd]) await callAction(checkoutsCreate, signedWebhook("checkouts/create", p));
    const board = async (q: string) => {
      const res = await call(pipeline.loader, await adminRequest(`/app/pipeline${q}`));
      expect(res.status).toBe(200);
      return (res.json.columns as Array<{ cards: Array<{ totalMinor: number; currency: string; shopTotalMinor: number | null }> }>).flatMap((col) => col.cards);
    };
    const all = await board("");
    expect(all.map((k) => [k.currency, k.totalMinor, k.shopTotalMinor]).sort()).toEqual([
      ["EUR", 9995, null],
      ["USD", 9995, 9995],
    ]);
    // 50 USD and up: the USD cart; the EUR one has no known USD value and is not compared by its EUR figure.
    expect((await board("?min=50")).map((k) => k.currency)).toEqual(["USD"]);
  });
});

describe("the shop's currency from webhooks", () => {
  it("is stored once while unknown, and never overwrites the one Shopify's profile gave", async () => {
    const view = { domain: TEST_SHOP, currency: null };
    expect(await learnShopCurrency(view, "USD")).toBe(true);
    // The same process again (a cached shop view that still says null): no second write.
    expect(await learnShopCurrency(view, "EUR")).toBe(false);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).currency).toBe("USD");

    await db.shop.update({ where: { domain: TEST_SHOP }, data: { currency: "CAD" } });
    forgetShopCache(TEST_SHOP);
    forgetLearnedCurrencies();
    await callAction(checkoutsCreate, signedWebhook("checkouts/create", checkoutPayload({ currency: "USD", createdAt: T0 })));
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).currency).toBe("CAD");
    // Another process that had not seen the profile's currency: the conditional write changes nothing.
    expect(await learnShopCurrency({ domain: TEST_SHOP, currency: null }, "USD")).toBe(false);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).currency).toBe("CAD");
  });
});

describe("zero- and three-decimal currencies", () => {
  const cases = [
    { currency: "JPY", price: "1200", total: "3600", minor: 3600, shown: "¥3,600", wrong: "36.00" },
    {
      currency: "KWD",
      price: "12.345",
      total: "37.035",
      minor: 37035,
      shown: "KWD\u00a037.035" /* Intl puts a no-break space after the code */,
      wrong: "370.35",
    },
  ];
  for (const k of cases) {
    it(`${k.currency}: parse, ingest, revenue, Overview and the email keep the currency's precision`, async () => {
      const checkout = checkoutPayload({ currency: k.currency, createdAt: T0, items: [{ title: "Tea set", price: k.price, quantity: 3 }] });
      const { checkout: c, order } = await recover(checkout, { total: k.total, currency: k.currency });
      expect(c).toMatchObject({
        currency: k.currency,
        subtotalMinor: k.minor,
        totalMinor: k.minor,
        shopCurrency: k.currency,
        shopTotalMinor: k.minor,
        recoveredRevenueMinor: k.minor,
      });
      expect(order).toMatchObject({ currency: k.currency, totalMinor: k.minor, presentmentTotalMinor: k.minor });
      const o = await overviewFigures();
      expect(o.currency).toBe(k.currency);
      expect(o.data.totals.revenueMinor).toBe(k.minor);
      // The email the shopper gets shows the stored cart in its own currency and precision.
      const email = renderRecoveryEmail({
        brand: { shopName: "Test Shop", logoUrl: null, accentColor: "#008060", postalAddress: null },
        firstName: c.firstName,
        locale: c.locale,
        currency: c.currency,
        items: JSON.parse(c.lineItems),
        subtotalMinor: c.subtotalMinor,
        totalMinor: c.totalMinor,
        step: { index: 0, isFinal: false },
        incentive: null,
        links: { recover: "https://example.com/r", unsubscribe: "https://example.com/u", openPixel: null },
      });
      expect(email.text).toContain(`Total: ${k.shown}`);
      expect(email.text).not.toContain(k.wrong);
    });
  }
});
