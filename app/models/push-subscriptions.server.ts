// Browser push subscriptions: saved by the storefront through the app proxy (app/routes/proxy.subscribe.tsx), found
// for a checkout by the push channel, removed when the shopper unsubscribes or the push service says they are gone.
//
// A subscription and a checkout that share a cart token are joined whichever arrives first:
// - checkout first: `savePushSubscription` looks the checkout up by cart token and records its token at once;
// - subscription first: the checkout arrives later; `subscriptionsForCheckout` / `findPushSubscriptions` (the push
//   channel, at send time) find the subscription by cart token and record the checkout token on it.
import type { PushSubscription } from "@prisma/client";
import { db } from "../db.server";
import { normalizeCartToken, normalizeCustomerId } from "../lib/push-subscription";

export type { PushSubscription };

// ---- For the push channel (app/channels/push.server.ts) ------------------------------------------------------------

export interface StoredPushSubscription {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * The newest subscriptions (at most 5, by registration time) that should hear about this checkout; links the cart's
 * on the way. Also finds the same logged-in customer's other devices when `customerId` is given.
 */
export async function findPushSubscriptions(args: {
  shop: string;
  checkoutToken: string;
  cartToken: string | null;
  customerId?: string | null;
}): Promise<StoredPushSubscription[]> {
  const rows = await subscriptionsForCheckout({ shop: args.shop, token: args.checkoutToken, cartToken: args.cartToken, customerId: args.customerId });
  return rows
    .reverse()
    .slice(0, 5)
    .map(({ id, endpoint, p256dh, auth }) => ({ id, endpoint, p256dh, auth }));
}

/** The push service answered 404/410: the subscription has expired. */
export async function deletePushSubscription(id: string): Promise<void> {
  await db.pushSubscription.deleteMany({ where: { id } });
}

/** A push was accepted by the push service. */
export async function markPushSubscriptionUsed(id: string, now: Date): Promise<void> {
  await db.pushSubscription.updateMany({ where: { id }, data: { lastSuccessAt: now } });
}

export const pushSubscriptionStore = {
  find: findPushSubscriptions,
  remove: deletePushSubscription,
  touch: markPushSubscriptionUsed,
};
export type PushSubscriptionStore = typeof pushSubscriptionStore;

// ---- For the storefront (app proxy) --------------------------------------------------------------------------------

export interface SavePushSubscriptionInput {
  shop: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  cartToken?: string | null;
  customerId?: string | number | null;
  userAgent?: string | null;
  /** `pushsubscriptionchange`: the endpoint this one replaces (deleted; its cart, customer and checkout carry over). */
  oldEndpoint?: string | null;
  now: Date;
}

export type SaveOutcome = "created" | "updated" | "replaced";

/** The newest checkout of the shop for a cart token, if any. */
async function checkoutTokenForCart(shop: string, cartToken: string | null): Promise<string | null> {
  if (!cartToken) return null;
  const checkout = await db.checkout.findFirst({
    where: { shop, cartToken },
    orderBy: { shopifyUpdatedAt: "desc" },
    select: { token: true },
  });
  return checkout?.token ?? null;
}

/**
 * Upsert by endpoint (one browser registration = one row), then link it to the newest checkout with the same cart
 * token. An endpoint is unique across shops; a re-subscription from another shop moves it (the browser says so).
 */
export async function savePushSubscription(input: SavePushSubscriptionInput): Promise<{ outcome: SaveOutcome; subscription: PushSubscription }> {
  const { shop, endpoint, p256dh, auth, now } = input;
  let cartToken = normalizeCartToken(input.cartToken);
  let customerId = normalizeCustomerId(input.customerId);
  let carriedCheckout: string | null = null;
  let replaced = false;

  if (input.oldEndpoint && input.oldEndpoint !== endpoint) {
    const old = await db.pushSubscription.findFirst({ where: { shop, endpoint: input.oldEndpoint } });
    if (old) {
      cartToken ??= old.cartToken;
      customerId ??= old.customerId;
      carriedCheckout = old.checkoutToken;
      await db.pushSubscription.deleteMany({ where: { id: old.id } });
      replaced = true;
    }
  }

  const existing = await db.pushSubscription.findUnique({ where: { endpoint }, select: { cartToken: true, customerId: true, checkoutToken: true } });
  const cart = cartToken ?? existing?.cartToken ?? null; // a re-subscribe from a page without a cart keeps what was known
  const sameCart = existing !== null && cart === existing.cartToken;
  const checkoutToken = (await checkoutTokenForCart(shop, cart)) ?? carriedCheckout ?? (sameCart ? (existing?.checkoutToken ?? null) : null);
  const data = {
    shop,
    p256dh,
    auth,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
    cartToken: cart,
    customerId: customerId ?? existing?.customerId ?? null,
    checkoutToken,
    updatedAt: now,
  };
  const subscription = await db.pushSubscription.upsert({
    where: { endpoint },
    create: { endpoint, createdAt: now, ...data },
    update: data,
  });
  return { outcome: replaced ? "replaced" : existing ? "updated" : "created", subscription };
}

/** The shopper turned push off (the storefront says so). Scoped to the shop whose proxy signed the request. */
export async function unsubscribePushSubscription({ shop, endpoint }: { shop: string; endpoint: string }): Promise<boolean> {
  const { count } = await db.pushSubscription.deleteMany({ where: { shop, endpoint } });
  return count > 0;
}

/**
 * Join the unlinked subscriptions of a cart to its checkout (the checkout-arrives-later case). Subscriptions already
 * linked to another checkout are left alone. Returns how many were linked.
 */
export async function linkSubscriptionsToCheckout({ shop, token, cartToken }: { shop: string; token: string; cartToken: string | null }): Promise<number> {
  const cart = normalizeCartToken(cartToken);
  if (!cart) return 0;
  const { count } = await db.pushSubscription.updateMany({ where: { shop, cartToken: cart, checkoutToken: null }, data: { checkoutToken: token } });
  return count;
}

/**
 * Every subscription that should hear about this checkout: linked to it, on the same cart, or of the same logged-in
 * customer (their other devices). Links the cart's unlinked subscriptions on the way.
 */
export async function subscriptionsForCheckout({
  shop,
  token,
  cartToken,
  customerId,
}: {
  shop: string;
  token: string;
  cartToken?: string | null;
  customerId?: string | number | null;
}): Promise<PushSubscription[]> {
  const cart = normalizeCartToken(cartToken);
  const customer = normalizeCustomerId(customerId);
  if (cart) await linkSubscriptionsToCheckout({ shop, token, cartToken: cart });
  const or: Array<Record<string, string>> = [{ checkoutToken: token }];
  if (cart) or.push({ cartToken: cart });
  if (customer) or.push({ customerId: customer });
  return db.pushSubscription.findMany({ where: { shop, OR: or }, orderBy: { createdAt: "asc" } });
}

/**
 * Subscriptions neither refreshed by the storefront nor used for a successful push since `before`: the browser has
 * most likely dropped them. Deletes them and returns the count.
 */
export async function pruneStaleSubscriptions({ before }: { before: Date }): Promise<number> {
  const { count } = await db.pushSubscription.deleteMany({
    where: { updatedAt: { lt: before }, OR: [{ lastSuccessAt: null }, { lastSuccessAt: { lt: before } }] },
  });
  return count;
}
