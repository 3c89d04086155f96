// The Incentives page's loader and action, called with genuinely signed session tokens (as the embedded admin sends
// them), on a real SQLite file and a real PostgreSQL server.
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { parseSettings } from "../../app/lib/settings";
import * as page from "../../app/routes/app.incentives";
import { adminRequest, call } from "../helpers/admin";
import { APP_URL, OTHER_SHOP, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";

async function load(shop = TEST_SHOP) {
  const res = await call(page.loader, await adminRequest("/app/incentives", { shop }));
  return { status: res.status, body: res.json };
}

async function submit(fields: Record<string, string>, shop = TEST_SHOP) {
  const res = await call(page.action, await adminRequest("/app/incentives", { shop, form: fields }));
  return { status: res.status, body: res.json };
}

const VALID = {
  enabled: "on",
  type: "fixed_amount",
  percentOff: "10",
  amountOff: "7.50",
  stepId: "s4",
  minSubtotal: "40",
  expiryHours: "24",
  codePrefix: "save",
  notTwiceWithinDays: "14",
  minCartValue: "20.00",
  combinesOrder: "on",
};

async function seedCode(shop: string, code: string) {
  const checkout = await db.checkout.create({
    data: { shop, token: `tok-${code}`, shopifyCreatedAt: new Date("2026-11-20T10:00:00Z"), shopifyUpdatedAt: new Date("2026-11-20T10:00:00Z") },
  });
  await db.incentive.create({
    data: {
      shop,
      checkoutId: checkout.id,
      slot: "s3",
      kind: "percentage",
      percentOff: 10,
      code,
      status: "active",
      shopifyDiscountId: "gid://shopify/DiscountCodeNode/1",
      startsAt: new Date("2026-11-20T14:00:00Z"),
      endsAt: new Date("2026-11-22T14:00:00Z"),
    },
  });
}

beforeEach(async () => {
  await resetDatabase();
  await seedShop(TEST_SHOP);
  await seedOfflineSession(TEST_SHOP);
});

describe("loader", () => {
  it("shows the shop's incentive settings (the 4 h step by default), stats and recent codes", async () => {
    await seedCode(TEST_SHOP, "BACK-MINE234567");
    const { status, body } = await load();
    expect(status).toBe(200);
    expect(body.values).toEqual({
      enabled: false,
      type: "percentage",
      percentOff: "10",
      amountOff: "5.00",
      stepId: "s3",
      minSubtotal: "0.00",
      expiryHours: "48",
      codePrefix: "BACK",
      notTwiceWithinDays: "30",
      skipIfCartHasDiscount: true,
      minCartValue: "0.00",
      combinesOrder: false,
      combinesProduct: false,
      combinesShipping: true,
    });
    expect(body.steps.map((s: { id: string }) => s.id)).toEqual(["s1", "s2", "s3", "s4", "s5"]);
    expect(body.stats).toMatchObject({ issued: 1, used: 0, expired: 0, active: 1 });
    expect(body.recent).toEqual([expect.objectContaining({ code: "BACK-MINE234567", status: "active", description: "10% off", source: "automatic" })]);
  });

  it("another shop's session sees none of this shop's codes", async () => {
    await seedCode(TEST_SHOP, "BACK-MINE234567");
    await seedShop(OTHER_SHOP);
    await seedOfflineSession(OTHER_SHOP);
    await seedCode(OTHER_SHOP, "BACK-THEIRS2345");
    const { status, body } = await load(OTHER_SHOP);
    expect(status).toBe(200);
    expect(body.recent.map((r: { code: string }) => r.code)).toEqual(["BACK-THEIRS2345"]);
    expect(body.stats.issued).toBe(1);
  });

  it("refuses a request without a valid session token", async () => {
    const request = new Request(`${APP_URL}/app/incentives`, { headers: { authorization: "Bearer not-a-token" } });
    const res = await call(page.loader, request);
    expect(res.status).toBe(401);
  });
});

describe("action", () => {
  it("saves valid settings into the shop's document (audited), moving the incentive to the chosen step", async () => {
    const before = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const { status, body } = await submit(VALID);
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, errors: {} });
    const after = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(after.settingsVersion).toBe(before.settingsVersion + 1);
    const s = parseSettings(after.settings);
    expect(s.incentive).toEqual({
      enabled: true,
      type: "fixed_amount",
      percentOff: 10,
      amountOffMinor: 750,
      minSubtotalMinor: 4000,
      expiryHours: 24,
      codePrefix: "SAVE",
      notTwiceWithinDays: 14,
      skipIfCartHasDiscount: false,
      minCartValueMinor: 2000,
      combinesWith: { orderDiscounts: true, productDiscounts: false, shippingDiscounts: false },
    });
    expect(s.cadence.steps.filter((st) => st.carriesIncentive).map((st) => st.id)).toEqual(["s4"]);
    const entry = await db.auditLog.findFirstOrThrow({ where: { shop: TEST_SHOP, action: "settings_update" } });
    expect(entry.actor).toMatch(/^staff:/);
    // The page shows what was saved.
    expect((await load()).body.values).toMatchObject({ enabled: true, type: "fixed_amount", amountOff: "7.50", stepId: "s4", codePrefix: "SAVE" });
  });

  it("refuses invalid values with an error at each field, and saves nothing", async () => {
    const before = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const { status, body } = await submit({
      ...VALID,
      type: "percentage",
      percentOff: "95",
      expiryHours: "two days",
      codePrefix: "no spaces!",
      stepId: "s9",
      minSubtotal: "-3",
    });
    expect(status).toBe(422);
    expect(body.ok).toBe(false);
    expect(Object.keys(body.errors).sort()).toEqual(["codePrefix", "expiryHours", "minSubtotal", "percentOff", "stepId"]);
    expect(body.errors.percentOff).toMatch(/90/);
    expect(body.errors.expiryHours).toBe("enter a whole number");
    expect(body.errors.codePrefix).toMatch(/A-Z, 0-9/);
    const after = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(after.settings).toBe(before.settings);
    expect(after.settingsVersion).toBe(before.settingsVersion);
    expect(await db.auditLog.count({ where: { action: "settings_update" } })).toBe(0);
  });

  it("refuses a single out-of-range value (expiry beyond 30 days)", async () => {
    const { status, body } = await submit({ ...VALID, expiryHours: String(24 * 31) });
    expect(status).toBe(422);
    expect(body.errors).toEqual({ expiryHours: expect.any(String) });
  });

  it("changes only the session's shop", async () => {
    await seedShop(OTHER_SHOP);
    await seedOfflineSession(OTHER_SHOP);
    const mine = (await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).settings;
    expect((await submit(VALID, OTHER_SHOP)).status).toBe(200);
    expect((await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).settings).toBe(mine);
    expect(parseSettings((await db.shop.findUniqueOrThrow({ where: { domain: OTHER_SHOP } })).settings).incentive.enabled).toBe(true);
  });
});
