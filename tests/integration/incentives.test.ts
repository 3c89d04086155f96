// Incentives against a local Admin GraphQL stand-in, on a real SQLite file and a real PostgreSQL server.
// The stand-in checks every mutation's document and variables; the transport reads the shop's real offline session
// (seeded as an install would leave it). No test waits for real: every wait goes through a recording `sleep`.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import {
  createIncentiveIssuer,
  expireIncentives,
  getIncentivesPage,
  issueIncentive,
  issueManualCode,
  STALE_PENDING_MS,
  type IncentiveDeps,
} from "../../app/incentives/service.server";
import { InputError } from "../../app/lib/errors";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";
import type { IncentiveIssuer as EngineIncentiveIssuer, StepView } from "../../app/recovery/types";
import { AdminGraphqlError, adminGraphqlFor, throttleWaitMs } from "../../app/shopify/admin-graphql.server";
import { DiscountCodeBasicCreate } from "../../app/shopify/graphql/discount-code-basic-create";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import { OTHER_SHOP, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { orderPayload } from "../helpers/factories";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../helpers/standins/admin-graphql";
import { hoursFrom } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

const NOW = new Date("2026-11-20T14:00:00Z");
const hours = hoursFrom(NOW);
const days = (d: number) => hours(d * 24);

let standin: AdminGraphqlStandin;
let sleeps: number[];

const sleep = async (ms: number) => {
  sleeps.push(ms);
};
function deps(extra: Partial<IncentiveDeps> = {}): IncentiveDeps {
  return { admin: (shop) => adminGraphqlFor(shop, { baseUrl: standin.shopBaseUrl, sleep }), sleep, ...extra };
}

const STEP = { id: "s3", label: "Second attempt", offsetMinutes: 240, channels: ["email"], enabled: true, carriesIncentive: true };

let seq = 0;
async function seedCheckout(
  o: { shop?: string; customerKey?: string | null; subtotalMinor?: number; totalMinor?: number; discountCodes?: string[]; status?: string } = {},
) {
  seq += 1;
  const token = `tok-inc-${process.pid}-${seq}`;
  return db.checkout.create({
    data: {
      shop: o.shop ?? TEST_SHOP,
      token,
      email: `shopper${seq}@example.com`,
      customerKey: o.customerKey === undefined ? `email:shopper${seq}@example.com` : o.customerKey,
      subtotalMinor: o.subtotalMinor ?? 9600,
      totalMinor: o.totalMinor ?? o.subtotalMinor ?? 9600,
      discountCodes: JSON.stringify(o.discountCodes ?? []),
      abandonedCheckoutUrl: `https://test-shop.myshopify.com/checkouts/${token}/recover?key=abc`,
      shopifyCreatedAt: hours(-5),
      shopifyUpdatedAt: hours(-5),
      abandonedAt: hours(-4.5),
      status: o.status ?? "abandoned",
    },
  });
}

/** A partial settings document as stored JSON (parseSettings fills the rest with defaults). */
const incentiveSettings = (over: Record<string, unknown> = {}) => ({ incentive: { enabled: true, ...over } }) as unknown as Parameters<typeof seedShop>[1];

beforeAll(async () => {
  standin = await startAdminGraphqlStandin();
});
afterAll(async () => {
  await standin.close();
});
beforeEach(async () => {
  await resetDatabase();
  standin.reset();
  sleeps = [];
  await seedShop(TEST_SHOP, incentiveSettings());
  await seedOfflineSession(TEST_SHOP);
});

describe("automatic codes: creation through the Admin API", () => {
  it("creates a unique percentage code with usage limit 1, once per customer, start/end times and combinations", async () => {
    const c = await seedCheckout();
    const view = await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW });
    expect(view).not.toBeNull();
    expect(view!.code).toMatch(/^BACK-[A-HJ-NP-Z2-9]{10}$/);
    expect(view!.description).toBe("10% off");
    expect(view!.endsAt.toISOString()).toBe(hours(48).toISOString());
    expect(view!.applyUrl).toBe(`https://${TEST_SHOP}/discount/${view!.code}?redirect=${encodeURIComponent(`/checkouts/${c.token}/recover?key=abc`)}`);

    expect(standin.problems).toEqual([]);
    const [call] = standin.callsOf("DiscountCodeBasicCreate");
    expect(call.shop).toBe(TEST_SHOP);
    expect(call.path).toBe(`/${TEST_SHOP}/admin/api/2026-10/graphql.json`);
    expect(call.token).toBe("shpat_test_token");
    expect(call.variables.basicCodeDiscount).toEqual({
      title: `Checkout recovery ${view!.code}`,
      code: view!.code,
      startsAt: NOW.toISOString(),
      endsAt: hours(48).toISOString(),
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { all: "ALL" },
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
      minimumRequirement: null,
      customerGets: { items: { all: true }, value: { percentage: 0.1 } },
    });

    const row = await db.incentive.findFirstOrThrow({ where: { checkoutId: c.id } });
    expect(row).toMatchObject({
      status: "active",
      slot: "s3",
      source: "automatic",
      kind: "percentage",
      percentOff: 10,
      code: view!.code,
      customerKey: c.customerKey,
    });
    expect(row.shopifyDiscountId).toBe(standin.discounts.get(view!.code)!.id);
  });

  it("makes a fixed-amount code in the shop's currency, with the minimum subtotal and the merchant's combinations", async () => {
    await seedShop(
      TEST_SHOP,
      incentiveSettings({
        type: "fixed_amount",
        amountOffMinor: 750,
        minSubtotalMinor: 5000,
        codePrefix: "SAVE",
        combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
      }),
    );
    const c = await seedCheckout();
    const view = await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW });
    expect(view!.code).toMatch(/^SAVE-/);
    expect(view!.description).toBe("$7.50 off");
    const input = standin.callsOf("DiscountCodeBasicCreate")[0].variables.basicCodeDiscount as Record<string, unknown>;
    expect(input.customerGets).toEqual({ items: { all: true }, value: { discountAmount: { amount: "7.50", appliesOnEachItem: false } } });
    expect(input.minimumRequirement).toEqual({ subtotal: { greaterThanOrEqualToSubtotal: "50.00" } });
    expect(input.combinesWith).toEqual({ orderDiscounts: true, productDiscounts: true, shippingDiscounts: false });
    expect(standin.problems).toEqual([]);
    expect(await db.incentive.findFirstOrThrow({ where: { checkoutId: c.id } })).toMatchObject({
      kind: "fixed_amount",
      amountOffMinor: 750n,
      currency: "USD",
      status: "active",
    });
  });

  it("makes a free-shipping code with discountCodeFreeShippingCreate (never combined with another shipping discount)", async () => {
    await seedShop(TEST_SHOP, incentiveSettings({ type: "free_shipping" }));
    const c = await seedCheckout();
    const view = await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW });
    expect(view!.description).toBe("Free shipping");
    expect(standin.callsOf("DiscountCodeBasicCreate")).toHaveLength(0);
    const [call] = standin.callsOf("DiscountCodeFreeShippingCreate");
    expect(call.variables.freeShippingCodeDiscount).toMatchObject({
      code: view!.code,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      destination: { all: true },
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false },
    });
    expect(standin.problems).toEqual([]);
  });

  it("records userErrors as a failure without retrying, and the step sends without an incentive", async () => {
    standin.script("DiscountCodeBasicCreate", {
      kind: "userErrors",
      userErrors: [{ field: ["basicCodeDiscount", "endsAt"], code: "INVALID", message: "Ends at needs to be after starts_at" }],
    });
    const c = await seedCheckout();
    const issuer = createIncentiveIssuer(deps());
    expect(await issuer.issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW })).toBeNull();
    expect(standin.callsOf("DiscountCodeBasicCreate")).toHaveLength(1);
    const row = await db.incentive.findFirstOrThrow({ where: { checkoutId: c.id } });
    expect(row.status).toBe("failed");
    expect(row.error).toContain("INVALID (basicCodeDiscount.endsAt): Ends at needs to be after starts_at");
    // A retry of the same step does not hammer Shopify again.
    expect(await issuer.issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: hours(0.1) })).toBeNull();
    expect(standin.callsOf("DiscountCodeBasicCreate")).toHaveLength(1);
  });

  it("waits out THROTTLED answers at the restore rate, then succeeds", async () => {
    standin.script(
      "DiscountCodeBasicCreate",
      { kind: "throttled", requestedQueryCost: 10, currentlyAvailable: 0, restoreRate: 100 },
      { kind: "throttled", requestedQueryCost: 10, currentlyAvailable: 5, restoreRate: 50 },
    );
    const c = await seedCheckout();
    const view = await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW });
    expect(view).not.toBeNull();
    expect(standin.callsOf("DiscountCodeBasicCreate").map((x) => x.answered)).toEqual(["throttled", "throttled", "success"]);
    expect(sleeps).toEqual([100, 100]); // (10 - 0) / 100 s, then (10 - 5) / 50 s
    expect((await db.incentive.findFirstOrThrow({ where: { checkoutId: c.id } })).status).toBe("active");
  });

  it("honours Retry-After on HTTP 429, and gives up (recorded) after bounded throttle retries", async () => {
    standin.script("DiscountCodeBasicCreate", { kind: "throttled", status: 429, retryAfter: "2.0" });
    const first = await seedCheckout();
    expect(await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: first.id }, step: STEP, now: NOW })).not.toBeNull();
    expect(sleeps).toEqual([2000]);

    sleeps = [];
    standin.script("DiscountCodeBasicCreate", ...Array.from({ length: 5 }, () => ({ kind: "throttled" as const })));
    const second = await seedCheckout();
    expect(await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: second.id }, step: STEP, now: NOW })).toBeNull();
    expect(sleeps).toHaveLength(4);
    const row = await db.incentive.findFirstOrThrow({ where: { checkoutId: second.id } });
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^throttled: /);
  });

  it("retries a network failure (socket destroyed), and records one that persists", async () => {
    standin.script("DiscountCodeBasicCreate", { kind: "network" });
    const a = await seedCheckout();
    expect(await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: a.id }, step: STEP, now: NOW })).not.toBeNull();
    expect(standin.callsOf("DiscountCodeBasicCreate").map((x) => x.answered)).toEqual(["network", "success"]);
    expect(sleeps).toEqual([500]);

    standin.reset();
    sleeps = [];
    standin.script("DiscountCodeBasicCreate", { kind: "network" }, { kind: "network" }, { kind: "network" });
    const b = await seedCheckout();
    expect(await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: b.id }, step: STEP, now: NOW })).toBeNull();
    expect(standin.callsOf("DiscountCodeBasicCreate")).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
    const row = await db.incentive.findFirstOrThrow({ where: { checkoutId: b.id } });
    expect(row).toMatchObject({ status: "failed" });
    expect(row.error).toMatch(/^network: /);
  });

  it("after a lost response, the retry's 'code taken' is resolved by looking the code up: one discount, active", async () => {
    standin.script("DiscountCodeBasicCreate", { kind: "lostResponse" });
    const c = await seedCheckout();
    const view = await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW });
    expect(view).not.toBeNull();
    expect(standin.calls.map((x) => x.operationName)).toEqual(["DiscountCodeBasicCreate", "DiscountCodeBasicCreate", "CodeDiscountNodeByCode"]);
    expect(standin.discounts.size).toBe(1);
    const row = await db.incentive.findFirstOrThrow({ where: { checkoutId: c.id } });
    expect(row).toMatchObject({ status: "active", shopifyDiscountId: standin.discounts.get(view!.code)!.id });
    expect(standin.problems).toEqual([]);
  });

  it("records a failure when the shop has no offline session (uninstalled): no call is made", async () => {
    await seedShop(OTHER_SHOP, incentiveSettings());
    const c = await seedCheckout({ shop: OTHER_SHOP });
    expect(await createIncentiveIssuer(deps()).issue({ shop: OTHER_SHOP, checkout: { id: c.id }, step: STEP, now: NOW })).toBeNull();
    expect(standin.calls).toHaveLength(0);
    const row = await db.incentive.findFirstOrThrow({ where: { checkoutId: c.id } });
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/^no_session: /);
  });

  it("takes its base URL from SHOPIFY_ADMIN_API_BASE_URL when set (a plain base, without {shop})", async () => {
    process.env.SHOPIFY_ADMIN_API_BASE_URL = standin.baseUrl;
    try {
      const c = await seedCheckout();
      const view = await createIncentiveIssuer({ sleep }).issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW });
      expect(view).not.toBeNull();
      const calls = standin.callsOf("DiscountCodeBasicCreate");
      expect(calls.map((x) => x.path)).toEqual(["/admin/api/2026-10/graphql.json"]);
      expect(standin.problems).toEqual([]);
    } finally {
      delete process.env.SHOPIFY_ADMIN_API_BASE_URL;
    }
  });
});

describe("the engine's contract (app/recovery/types.ts IncentiveIssuer)", () => {
  it("accepts the ShopView, CheckoutView and StepView the engine passes", async () => {
    const c = await seedCheckout();
    const issuer: EngineIncentiveIssuer = createIncentiveIssuer(deps());
    const settings = { ...DEFAULT_SETTINGS, incentive: { ...DEFAULT_SETTINGS.incentive, enabled: true, percentOff: 15 } };
    const step: StepView = { ...DEFAULT_SETTINGS.cadence.steps[2], index: 2, isFinal: false };
    const view = await issuer.issue({
      shop: {
        domain: TEST_SHOP,
        name: "Test Shop",
        email: null,
        currency: "USD",
        timezone: "UTC",
        primaryDomain: null,
        contactEmail: null,
        primaryLocale: null,
        billingAddress: null,
        settings,
      },
      checkout: {
        id: c.id,
        token: c.token,
        cartToken: null,
        email: c.email,
        phone: null,
        firstName: null,
        lastName: null,
        locale: null,
        currency: "USD",
        subtotalMinor: Number(c.subtotalMinor),
        totalMinor: Number(c.totalMinor),
        lineItems: [],
        abandonedCheckoutUrl: c.abandonedCheckoutUrl,
        emailConsent: true,
        smsConsent: false,
      },
      step,
      now: NOW,
    });
    expect(view?.description).toBe("15% off"); // the settings the engine passed, not a second read
    expect((await db.incentive.findFirstOrThrow({ where: { checkoutId: c.id } })).slot).toBe("s3");
  });
});

describe("transport", () => {
  it("does not retry a 401 and names it", async () => {
    const client = adminGraphqlFor(TEST_SHOP, { baseUrl: standin.shopBaseUrl, sleep, loadAccessToken: async () => "wrong-token" });
    const err = await client.request(DiscountCodeBasicCreate, { basicCodeDiscount: {} as never }).catch((e) => e);
    expect(err).toBeInstanceOf(AdminGraphqlError);
    expect(err).toMatchObject({ kind: "http", detail: { status: 401 } });
    expect(standin.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("computes the throttle wait from the cost extension", () => {
    expect(throttleWaitMs({ requestedQueryCost: 110, throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 10, restoreRate: 50 } })).toBe(2000);
    expect(throttleWaitMs(undefined)).toBe(1000);
  });
});

describe("who qualifies", () => {
  const issue = (checkoutId: string, now = NOW, step: { id: string; carriesIncentive?: boolean } = STEP) =>
    issueIncentive({ shop: TEST_SHOP, checkout: { id: checkoutId }, step, now }, deps());

  it("nobody while incentives are off", async () => {
    await seedShop(TEST_SHOP, incentiveSettings({ enabled: false }));
    const c = await seedCheckout();
    expect(await issue(c.id)).toEqual({ kind: "skipped", reason: "disabled" });
    expect(standin.calls).toHaveLength(0);
    expect(await db.incentive.count()).toBe(0);
  });

  it("not a step that does not carry the incentive", async () => {
    const c = await seedCheckout();
    expect(await issue(c.id, NOW, { id: "s1", carriesIncentive: false })).toEqual({ kind: "skipped", reason: "step_does_not_carry_incentive" });
  });

  it("not carts that already use a discount (unless the merchant allows it)", async () => {
    const c = await seedCheckout({ discountCodes: ["WELCOME10"] });
    expect(await issue(c.id)).toEqual({ kind: "skipped", reason: "cart_has_discount" });
    await seedShop(TEST_SHOP, incentiveSettings({ skipIfCartHasDiscount: false }));
    expect((await issue(c.id)).kind).toBe("issued");
  });

  it("only above the minimum cart value and the minimum subtotal", async () => {
    await seedShop(TEST_SHOP, incentiveSettings({ minCartValueMinor: 10_000 }));
    const small = await seedCheckout({ subtotalMinor: 9_999 });
    expect(await issue(small.id)).toEqual({ kind: "skipped", reason: "below_min_cart_value" });
    await seedShop(TEST_SHOP, incentiveSettings({ minSubtotalMinor: 10_000 }));
    expect(await issue(small.id)).toEqual({ kind: "skipped", reason: "below_min_subtotal" });
    const big = await seedCheckout({ subtotalMinor: 10_000 });
    expect((await issue(big.id)).kind).toBe("issued");
    expect(standin.calls).toHaveLength(1);
  });

  it("not twice to the same customer within N days (failed attempts do not count)", async () => {
    const first = await seedCheckout({ customerKey: "email:ada@example.com" });
    expect((await issue(first.id)).kind).toBe("issued");
    const second = await seedCheckout({ customerKey: "email:ada@example.com" });
    expect(await issue(second.id, days(29))).toEqual({ kind: "skipped", reason: "recently_given_to_customer" });
    expect((await issue(second.id, days(31))).kind).toBe("issued");

    standin.script("DiscountCodeBasicCreate", { kind: "userErrors", userErrors: [{ field: null, code: "INVALID", message: "nope" }] });
    const grace = await seedCheckout({ customerKey: "email:grace@example.com" });
    expect((await issue(grace.id)).kind).toBe("failed");
    const graceAgain = await seedCheckout({ customerKey: "email:grace@example.com" });
    expect((await issue(graceAgain.id, hours(1))).kind).toBe("issued");
  });

  it("not on a checkout of another shop", async () => {
    await seedShop(OTHER_SHOP, incentiveSettings());
    const theirs = await seedCheckout({ shop: OTHER_SHOP });
    expect(await issue(theirs.id)).toEqual({ kind: "skipped", reason: "checkout_not_found" });
  });
});

describe("idempotency: one code per checkout step", () => {
  it("a repeated call returns the same code without calling Shopify again", async () => {
    const c = await seedCheckout();
    const issuer = createIncentiveIssuer(deps());
    const a = await issuer.issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW });
    const b = await issuer.issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: hours(0.2) });
    expect(b).toEqual(a);
    expect(standin.callsOf("DiscountCodeBasicCreate")).toHaveLength(1);
  });

  it("two concurrent ticks: exactly one Shopify call, both get the same code", async () => {
    const c = await seedCheckout();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Shopify answers only once the other tick has found the pending row and started waiting for it.
    standin.script("DiscountCodeBasicCreate", { kind: "success", waitFor: gate });
    const waitingSleep = async (ms: number) => {
      sleeps.push(ms);
      release();
      await new Promise((r) => setImmediate(r));
    };
    const d = deps({ sleep: waitingSleep, pollIntervalMs: 10, pollAttempts: 500 });
    const [a, b] = await Promise.all([
      createIncentiveIssuer(d).issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW }),
      createIncentiveIssuer(d).issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: NOW }),
    ]);
    expect(a).not.toBeNull();
    expect(b).toEqual(a);
    expect(standin.callsOf("DiscountCodeBasicCreate")).toHaveLength(1);
    expect(await db.incentive.count({ where: { checkoutId: c.id } })).toBe(1);
    expect(sleeps.length).toBeGreaterThan(0); // the loser did wait for the winner
  });

  it("a pending row left by a crashed process is taken over after a while, with the same code", async () => {
    const c = await seedCheckout();
    const stale = await db.incentive.create({
      data: {
        shop: TEST_SHOP,
        checkoutId: c.id,
        slot: "s3",
        kind: "percentage",
        percentOff: 10,
        code: "BACK-CRASHED234",
        startsAt: NOW,
        endsAt: hours(48),
        createdAt: NOW,
        updatedAt: NOW,
      },
    });
    const later = new Date(NOW.getTime() + STALE_PENDING_MS + 1000);
    const view = await createIncentiveIssuer(deps()).issue({ shop: TEST_SHOP, checkout: { id: c.id }, step: STEP, now: later });
    expect(view?.code).toBe("BACK-CRASHED234");
    expect((await db.incentive.findUniqueOrThrow({ where: { id: stale.id } })).status).toBe("active");
    expect(standin.callsOf("DiscountCodeBasicCreate")).toHaveLength(1);
  });
});

describe("manual codes (the pipeline's quick action)", () => {
  it("makes a one-time percentage code through the same path, audited", async () => {
    const c = await seedCheckout({ discountCodes: ["ALREADY"] }); // staff decide: the automatic rules do not apply
    const res = await issueManualCode({ shop: TEST_SHOP, checkoutId: c.id, percentOff: 15, actor: "staff:Jane", now: NOW }, deps());
    expect(res.code).toMatch(/^BACK-/);
    expect(res.endsAt.toISOString()).toBe(hours(48).toISOString());
    expect(res.applyUrl).toBe(`https://${TEST_SHOP}/discount/${res.code}?redirect=${encodeURIComponent(`/checkouts/${c.token}/recover?key=abc`)}`);
    const input = standin.callsOf("DiscountCodeBasicCreate")[0].variables.basicCodeDiscount as Record<string, unknown>;
    expect(input).toMatchObject({
      code: res.code,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customerGets: { items: { all: true }, value: { percentage: 0.15 } },
    });
    expect(standin.problems).toEqual([]);
    expect(await db.incentive.findFirstOrThrow({ where: { code: res.code } })).toMatchObject({
      source: "manual",
      slot: "manual:1",
      percentOff: 15,
      status: "active",
    });
    const entry = await db.auditLog.findFirstOrThrow({ where: { action: "incentive_manual" } });
    expect(entry).toMatchObject({ shop: TEST_SHOP, checkoutId: c.id, actor: "staff:Jane", toValue: res.code });

    const again = await issueManualCode({ shop: TEST_SHOP, checkoutId: c.id, percentOff: 20, actor: "staff:Jane", now: hours(1) }, deps());
    expect(again.code).not.toBe(res.code);
    expect(await db.incentive.findFirstOrThrow({ where: { code: again.code } })).toMatchObject({ slot: "manual:2", percentOff: 20 });
  });

  it("refuses other percentages and other shops' checkouts, calling nothing", async () => {
    const c = await seedCheckout();
    await expect(issueManualCode({ shop: TEST_SHOP, checkoutId: c.id, percentOff: 12, actor: "staff:Jane", now: NOW }, deps())).rejects.toMatchObject({
      status: 422,
    });
    await expect(issueManualCode({ shop: OTHER_SHOP, checkoutId: c.id, percentOff: 10, actor: "staff:Jane", now: NOW }, deps())).rejects.toBeInstanceOf(
      InputError,
    );
    expect(standin.calls).toHaveLength(0);
  });

  it("reports Shopify's refusal (502) and records it", async () => {
    standin.script("DiscountCodeBasicCreate", { kind: "userErrors", userErrors: [{ field: ["basicCodeDiscount"], code: "INVALID", message: "bad" }] });
    const c = await seedCheckout();
    await expect(issueManualCode({ shop: TEST_SHOP, checkoutId: c.id, percentOff: 10, actor: "staff:Jane", now: NOW }, deps())).rejects.toMatchObject({
      status: 502,
    });
    expect(await db.incentive.findFirstOrThrow({ where: { checkoutId: c.id } })).toMatchObject({ status: "failed", source: "manual" });
    const entry = await db.auditLog.findFirstOrThrow({ where: { action: "incentive_manual" } });
    expect(JSON.parse(entry.detail!)).toMatchObject({ status: "failed" });
  });
});

describe("expiry", () => {
  it("deactivates expired unused codes through the API; leaves used and live codes alone", async () => {
    const issuer = createIncentiveIssuer(deps());
    const expired = await seedCheckout();
    const used = await seedCheckout();
    const live = await seedCheckout();
    const e = await issuer.issue({ shop: TEST_SHOP, checkout: { id: expired.id }, step: STEP, now: NOW });
    const u = await issuer.issue({ shop: TEST_SHOP, checkout: { id: used.id }, step: STEP, now: NOW });
    await issuer.issue({ shop: TEST_SHOP, checkout: { id: live.id }, step: STEP, now: hours(10) });
    await db.incentive.updateMany({ where: { code: u!.code }, data: { status: "used", usedAt: hours(2) } });

    const res = await expireIncentives({ now: hours(49) }, deps());
    expect(res).toEqual({ deactivated: 1, expired: 0, retryLater: 0 });
    const [call] = standin.callsOf("DiscountCodeDeactivate");
    expect(call.variables).toEqual({ id: standin.discounts.get(e!.code)!.id });
    expect(standin.discounts.get(e!.code)!.status).toBe("EXPIRED");
    expect(standin.problems).toEqual([]);
    const statuses = Object.fromEntries((await db.incentive.findMany()).map((r) => [r.checkoutId, r.status]));
    expect(statuses).toEqual({ [expired.id]: "deactivated", [used.id]: "used", [live.id]: "active" });
    // Nothing left to do on the next run.
    expect(await expireIncentives({ now: hours(50) }, deps())).toEqual({ deactivated: 0, expired: 0, retryLater: 0 });
  });

  it("marks expired what has nothing to deactivate; keeps for the next run what failed on the network", async () => {
    const issuer = createIncentiveIssuer(deps());
    const gone = await seedCheckout();
    const flaky = await seedCheckout();
    const g = await issuer.issue({ shop: TEST_SHOP, checkout: { id: gone.id }, step: STEP, now: NOW });
    await issuer.issue({ shop: TEST_SHOP, checkout: { id: flaky.id }, step: STEP, now: hours(1) });
    standin.discounts.delete(g!.code); // staff deleted it in the admin
    const noId = await seedCheckout();
    await db.incentive.create({
      data: {
        shop: TEST_SHOP,
        checkoutId: noId.id,
        slot: "s3",
        kind: "percentage",
        percentOff: 10,
        code: "BACK-NOID23456",
        status: "pending",
        startsAt: NOW,
        endsAt: hours(48),
        createdAt: NOW,
        updatedAt: NOW,
      },
    });
    standin.script("DiscountCodeDeactivate", { kind: "success" }, { kind: "network" }, { kind: "network" }, { kind: "network" });

    const res = await expireIncentives({ shop: TEST_SHOP, now: hours(60) }, deps());
    expect(res).toEqual({ deactivated: 0, expired: 2, retryLater: 1 });
    expect((await db.incentive.findFirstOrThrow({ where: { checkoutId: gone.id } })).status).toBe("expired");
    expect((await db.incentive.findFirstOrThrow({ where: { checkoutId: noId.id } })).status).toBe("expired");
    expect((await db.incentive.findFirstOrThrow({ where: { checkoutId: flaky.id } })).status).toBe("active");
    expect(await expireIncentives({ shop: TEST_SHOP, now: hours(61) }, deps())).toEqual({ deactivated: 1, expired: 0, retryLater: 0 });
  });
});

describe("tracking and stats", () => {
  it("orders/create marks the code used; stats show use, cost and revenue with and without an incentive", async () => {
    const withCode = await seedCheckout();
    const without = await seedCheckout();
    const unused = await seedCheckout();
    const issuer = createIncentiveIssuer(deps());
    const view = await issuer.issue({ shop: TEST_SHOP, checkout: { id: withCode.id }, step: STEP, now: NOW });
    await issuer.issue({ shop: TEST_SHOP, checkout: { id: unused.id }, step: STEP, now: NOW });
    for (const c of [withCode, without]) {
      await db.message.create({ data: { shop: TEST_SHOP, checkoutId: c.id, stepId: "s3", stepIndex: 2, channel: "email", status: "sent", sentAt: NOW } });
    }
    const order = (token: string, total: string, codes: Array<{ code: string; amount: string }>) =>
      callAction(ordersCreate, signedWebhook("orders/create", orderPayload({ checkoutToken: token, total, createdAt: hours(1), discountCodes: codes })));
    await order(withCode.token, "86.40", [{ code: view!.code.toLowerCase(), amount: "9.60" }]);
    await order(without.token, "50.00", []);

    const row = await db.incentive.findFirstOrThrow({ where: { checkoutId: withCode.id } });
    expect(row).toMatchObject({ status: "used", discountMinor: 960n });
    const { stats, recent } = await getIncentivesPage({ shop: TEST_SHOP });
    expect(stats).toMatchObject({
      issued: 2,
      used: 1,
      useRate: 0.5,
      discountCostMinor: 960,
      recoveredWithIncentive: { count: 1, revenueMinor: 8640 },
      recoveredWithoutIncentive: { count: 1, revenueMinor: 5000 },
    });
    expect(recent).toHaveLength(2);
    expect((await getIncentivesPage({ shop: OTHER_SHOP })).recent).toHaveLength(0);
  });
});
