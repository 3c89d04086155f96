// Linking web-push subscriptions to checkouts by cart token, whichever arrives first; on SQLite and PostgreSQL.
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import {
  deletePushSubscription,
  findPushSubscriptions,
  linkSubscriptionsToCheckout,
  markPushSubscriptionUsed,
  pruneStaleSubscriptions,
  savePushSubscription,
  subscriptionsForCheckout,
  unsubscribePushSubscription,
} from "../../app/models/push-subscriptions.server";
import { OTHER_SHOP, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { T0, at as minutes } from "../helpers/time";

const P256DH = "B".repeat(87);
const AUTH = "A".repeat(22);

function sub(n: string, extra: Partial<Parameters<typeof savePushSubscription>[0]> = {}) {
  return savePushSubscription({ shop: TEST_SHOP, endpoint: `https://fcm.googleapis.com/fcm/send/${n}`, p256dh: P256DH, auth: AUTH, now: T0, ...extra });
}

async function checkout(token: string, cartToken: string | null, o: { shop?: string; customerId?: string; updatedAt?: Date } = {}) {
  return db.checkout.create({
    data: { shop: o.shop ?? TEST_SHOP, token, cartToken, customerId: o.customerId, shopifyCreatedAt: T0, shopifyUpdatedAt: o.updatedAt ?? T0 },
  });
}

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
  await seedShop(OTHER_SHOP);
});

describe("linking a subscription and a checkout by cart token", () => {
  it("subscription first: the checkout that arrives later finds it and the link is recorded", async () => {
    const { outcome } = await sub("s1", { cartToken: "cart-1?key=secret123" });
    expect(outcome).toBe("created");
    const row = await db.pushSubscription.findUniqueOrThrow({ where: { endpoint: "https://fcm.googleapis.com/fcm/send/s1" } });
    expect(row.cartToken).toBe("cart-1"); // the ?key= part of /cart.js tokens is not in webhooks
    expect(row.checkoutToken).toBeNull();

    await checkout("chk-1", "cart-1");
    const found = await subscriptionsForCheckout({ shop: TEST_SHOP, token: "chk-1", cartToken: "cart-1" });
    expect(found.map((s) => s.endpoint)).toEqual(["https://fcm.googleapis.com/fcm/send/s1"]);
    const linked = await db.pushSubscription.findUniqueOrThrow({ where: { id: row.id } });
    expect(linked.checkoutToken).toBe("chk-1");
  });

  it("checkout first: the subscription is linked on arrival (newest checkout of the cart)", async () => {
    await checkout("chk-old", "cart-2", { updatedAt: minutes(0) });
    await checkout("chk-new", "cart-2", { updatedAt: minutes(30) });
    const { subscription } = await sub("s2", { cartToken: "cart-2" });
    expect(subscription.checkoutToken).toBe("chk-new");
    // Found by its checkout token alone, even without the cart token.
    const found = await subscriptionsForCheckout({ shop: TEST_SHOP, token: "chk-new" });
    expect(found).toHaveLength(1);
  });

  it("links nothing across shops and nothing without a cart token", async () => {
    await checkout("chk-x", "cart-3", { shop: OTHER_SHOP });
    const { subscription } = await sub("s3", { cartToken: "cart-3" });
    expect(subscription.checkoutToken).toBeNull();
    expect(await subscriptionsForCheckout({ shop: OTHER_SHOP, token: "chk-x", cartToken: "cart-3" })).toEqual([]);
    await sub("s4");
    expect(await linkSubscriptionsToCheckout({ shop: TEST_SHOP, token: "chk-y", cartToken: null })).toBe(0);
  });

  it("finds a logged-in customer's subscriptions from other devices, and does not steal another checkout's link", async () => {
    await checkout("chk-a", "cart-a");
    await sub("phone", { cartToken: "cart-a", customerId: "gid://shopify/Customer/77" });
    await sub("laptop", { cartToken: "cart-b", customerId: 77 });
    await sub("stranger", { cartToken: "cart-c" });
    const found = await subscriptionsForCheckout({ shop: TEST_SHOP, token: "chk-b", cartToken: "cart-b", customerId: "77" });
    expect(found.map((s) => s.endpoint.split("/").pop()).sort()).toEqual(["laptop", "phone"]);
    const phone = await db.pushSubscription.findUniqueOrThrow({ where: { endpoint: "https://fcm.googleapis.com/fcm/send/phone" } });
    expect(phone.checkoutToken).toBe("chk-a");
    expect(phone.customerId).toBe("77");
  });
});

describe("findPushSubscriptions (the push channel's view)", () => {
  it("links the cart's subscription to the checkout found later, newest first, at most five, with the keys", async () => {
    for (let i = 0; i < 7; i++) await sub(`d${i}`, { cartToken: "cart-many", now: minutes(i) });
    const found = await findPushSubscriptions({ shop: TEST_SHOP, checkoutToken: "chk-many", cartToken: "cart-many?key=k" });
    expect(found.map((s) => s.endpoint.split("/").pop())).toEqual(["d6", "d5", "d4", "d3", "d2"]);
    expect(found[0]).toEqual({ id: expect.any(String), endpoint: "https://fcm.googleapis.com/fcm/send/d6", p256dh: P256DH, auth: AUTH });
    expect(await db.pushSubscription.count({ where: { checkoutToken: "chk-many" } })).toBe(7);
  });
});

describe("subscription lifecycle", () => {
  it("upserts by endpoint: a re-subscribe updates keys and keeps what it does not repeat", async () => {
    await checkout("chk-1", "cart-1");
    await sub("s1", { cartToken: "cart-1", customerId: "5" });
    const again = await sub("s1", { p256dh: "C".repeat(87), now: minutes(5) });
    expect(again.outcome).toBe("updated");
    expect(again.subscription).toMatchObject({ p256dh: "C".repeat(87), cartToken: "cart-1", customerId: "5", checkoutToken: "chk-1" });
    expect(await db.pushSubscription.count()).toBe(1);
    // A new cart on the same device: relinked to the new cart, old checkout link dropped.
    const moved = await sub("s1", { cartToken: "cart-9", now: minutes(10) });
    expect(moved.subscription).toMatchObject({ cartToken: "cart-9", checkoutToken: null });
  });

  it("pushsubscriptionchange: the new endpoint replaces the old one and inherits its cart, customer and checkout", async () => {
    await checkout("chk-1", "cart-1");
    await sub("old", { cartToken: "cart-1", customerId: "9" });
    const res = await sub("new", { oldEndpoint: "https://fcm.googleapis.com/fcm/send/old", now: minutes(60) });
    expect(res.outcome).toBe("replaced");
    expect(res.subscription).toMatchObject({ cartToken: "cart-1", customerId: "9", checkoutToken: "chk-1" });
    expect(await db.pushSubscription.count()).toBe(1);
  });

  it("removes unsubscribed and expired subscriptions", async () => {
    await sub("a");
    await sub("b");
    await sub("c");
    expect(await unsubscribePushSubscription({ shop: OTHER_SHOP, endpoint: "https://fcm.googleapis.com/fcm/send/a" })).toBe(false);
    expect(await unsubscribePushSubscription({ shop: TEST_SHOP, endpoint: "https://fcm.googleapis.com/fcm/send/a" })).toBe(true);
    const b = await db.pushSubscription.findUniqueOrThrow({ where: { endpoint: "https://fcm.googleapis.com/fcm/send/b" } });
    await deletePushSubscription(b.id); // the push service answered 410
    const c = await db.pushSubscription.findUniqueOrThrow({ where: { endpoint: "https://fcm.googleapis.com/fcm/send/c" } });
    await markPushSubscriptionUsed(c.id, minutes(100));
    await sub("d", { now: minutes(0) });
    // d was last refreshed at T0; c had a successful push at +100 min.
    expect(await pruneStaleSubscriptions({ before: minutes(50) })).toBe(1);
    expect((await db.pushSubscription.findMany()).map((s) => s.endpoint.split("/").pop())).toEqual(["c"]);
  });
});
