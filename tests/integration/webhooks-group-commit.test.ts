// checkouts/* webhooks arriving together share a transaction (app/models/checkout-batch.server.ts): every delivery is
// still answered with its own outcome, repeats still dedupe, and nothing is lost or doubled. No timing assertions.
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as checkoutsUpdate from "../../app/routes/webhooks.checkouts.update";
import * as ordersCreate from "../../app/routes/webhooks.orders.create";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { checkoutPayload, orderPayload } from "../helpers/factories";
import { T0, at as minutes } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
});

describe("checkouts/* delivered concurrently (group commit)", () => {
  it("stores each checkout once with its newest state, dedupes repeats, and answers every delivery", async () => {
    const tokens = Array.from({ length: 12 }, (_, i) => `tok-burst-${i}`);
    // An order already waiting for one of them: that checkout completes whichever batch it lands in.
    await callAction(ordersCreate, signedWebhook("orders/create", orderPayload({ checkoutToken: tokens[3], createdAt: minutes(40) })));
    const creates = tokens.map((token, i) => ({
      route: checkoutsCreate,
      req: () =>
        signedWebhook("checkouts/create", checkoutPayload({ token, createdAt: T0, items: [{ title: `Old ${i}`, price: "10.00" }] }), { eventId: `ev-c-${i}` }),
    }));
    const updates = tokens.map((token, i) => ({
      route: checkoutsUpdate,
      req: () =>
        signedWebhook("checkouts/update", checkoutPayload({ token, createdAt: T0, updatedAt: minutes(30), items: [{ title: `New ${i}`, price: "20.00" }] }), {
          eventId: `ev-u-${i}`,
        }),
    }));
    const repeats = [0, 1, 2, 5, 8].map((i) => creates[i]);
    const all = [...creates, ...updates, ...repeats];
    const results = await Promise.all(all.map((d) => callAction(d.route, d.req())));

    expect(results.every((r) => r.status === 200)).toBe(true);
    const outcomes = results.map((r) => String(r.json.outcome));
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(repeats.length);
    expect(outcomes.filter((o) => o === "created")).toHaveLength(tokens.length);
    // Each update either updated its checkout or (if it overtook the create) created it and made the create stale.
    expect(outcomes.filter((o) => o === "updated" || o === "stale")).toHaveLength(tokens.length);

    expect(await db.checkout.count()).toBe(tokens.length);
    expect(await db.webhookEvent.count({ where: { shop: TEST_SHOP, topic: { startsWith: "checkouts/" } } })).toBe(creates.length + updates.length);
    for (const [i, token] of tokens.entries()) {
      const c = await db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token } } });
      expect(JSON.parse(c.lineItems)[0].title).toBe(`New ${i}`);
      expect(c.totalMinor).toBe(2000n);
      if (i === 3) expect(c.completedAt?.toISOString()).toBe(minutes(40).toISOString());
      else expect(c.completedAt).toBeNull();
    }
  });
});
