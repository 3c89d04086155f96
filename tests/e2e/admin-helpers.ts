// Seeding for the admin page specs: rows with a unique tag, so each spec finds its own among the shared database.
import type { Prisma } from "@prisma/client";
import type { Db } from "../../app/db.server";

export function uniqueTag(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export async function seedCheckout(db: Db, data: Partial<Prisma.CheckoutUncheckedCreateInput> & { firstName: string }) {
  const now = Date.now();
  return db.checkout.create({
    data: {
      shop: process.env.E2E_SHOP!,
      token: `e2e-admin-${Math.random().toString(36).slice(2, 12)}`,
      lastName: "Tester",
      email: `${data.firstName.toLowerCase()}@example.com`,
      phone: "+15550102030",
      lineItems: JSON.stringify([{ title: "Linen Shirt", quantity: 2, priceMinor: 2950 }]),
      lineItemCount: 2,
      totalMinor: 5900,
      subtotalMinor: 5900,
      currency: "USD",
      // As ingest stores a cart in the shop's currency: the shop value is the total (board value filter, handoff).
      shopCurrency: "USD",
      shopTotalMinor: data.totalMinor ?? 5900,
      shopifyCreatedAt: new Date(now - 5 * 3600_000),
      shopifyUpdatedAt: new Date(now - 5 * 3600_000),
      abandonedAt: new Date(now - 4 * 3600_000),
      status: "abandoned",
      abandonedCheckoutUrl: "https://test-shop.myshopify.com/checkouts/abc/recover?key=k",
      ...data,
    },
  });
}
