// Seeds the e2e database as a real install leaves it: the shop row with the profile afterAuth stores (Shopify's
// documented example shop, mapped by the same code as a real ShopProfile answer) and the offline session.
import { createDb } from "../../app/db.server";
import { profileFromGraphql } from "../../app/lib/shop-profile";
import { documentedShop } from "../helpers/standins/shop-profile";
import { E2E_SHOP } from "./env";

const { db, ready } = createDb(process.env.DATABASE_URL);
await ready;
const now = new Date();
const profile = { ...profileFromGraphql(documentedShop(E2E_SHOP)), profileSyncedAt: now, profileAttemptAt: now };
await db.shop.upsert({ where: { domain: E2E_SHOP }, create: { domain: E2E_SHOP, ...profile }, update: {} });
await db.session.upsert({
  where: { id: `offline_${E2E_SHOP}` },
  create: {
    id: `offline_${E2E_SHOP}`,
    shop: E2E_SHOP,
    state: "seeded",
    isOnline: false,
    scope: "read_orders,write_discounts,read_customers",
    accessToken: "shpat_e2e",
  },
  update: {},
});
await db.$disconnect();
