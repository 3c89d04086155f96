// A checkout as the admin pages show it: stored as ingest stores a cart in the shop's currency (the shop value is the
// total), abandoned a day ago, one line item. For the admin loader, action and page tests.
import type { Prisma } from "@prisma/client";
import { db } from "../../app/db.server";
import { TEST_SHOP } from "./constants";
import { addHours } from "./time";

let seq = 0;

export async function seedAdminCheckout(data: Partial<Prisma.CheckoutUncheckedCreateInput> = {}, o: { now?: Date; variantTitle?: string } = {}) {
  seq += 1;
  const hoursAgo = (h: number) => addHours(o.now ?? new Date(), -h);
  return db.checkout.create({
    data: {
      shop: TEST_SHOP,
      token: `tok-admin-${seq}-${Math.random().toString(36).slice(2, 8)}`,
      email: `shopper${seq}@example.com`,
      firstName: "Ada",
      lastName: "Lovelace",
      phone: "+15550100000",
      customerKey: `email:shopper${seq}@example.com`,
      lineItems: JSON.stringify([{ title: "Linen Shirt", ...(o.variantTitle ? { variantTitle: o.variantTitle } : {}), quantity: 2, priceMinor: 2500 }]),
      lineItemCount: 2,
      totalMinor: 5000,
      subtotalMinor: 5000,
      shopifyCreatedAt: hoursAgo(30),
      shopifyUpdatedAt: hoursAgo(30),
      abandonedAt: hoursAgo(29),
      status: "abandoned",
      currency: "USD",
      shopCurrency: "USD",
      shopTotalMinor: data.totalMinor ?? 5000,
      ...data,
    },
  });
}
