// Seeds the e2e database: the shop and its offline session (as OAuth / token exchange leaves them).
import { createDb } from "../../app/db.server";
import { E2E_SHOP } from "./env";

const { db, ready } = createDb(process.env.DATABASE_URL);
await ready;
await db.shop.upsert({ where: { domain: E2E_SHOP }, create: { domain: E2E_SHOP, name: "Test Shop", currency: "USD", timezone: "UTC" }, update: {} });
await db.session.upsert({
  where: { id: `offline_${E2E_SHOP}` },
  create: { id: `offline_${E2E_SHOP}`, shop: E2E_SHOP, state: "seeded", isOnline: false, scope: "read_orders,write_discounts,read_customers", accessToken: "shpat_e2e" },
  update: {},
});
await db.$disconnect();
