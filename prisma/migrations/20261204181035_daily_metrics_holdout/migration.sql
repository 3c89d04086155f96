-- DropIndex
DROP INDEX "message_overview_idx";

-- AlterTable
ALTER TABLE "shop" ADD COLUMN "metrics_as_of" DATETIME;
ALTER TABLE "shop" ADD COLUMN "metrics_basis" TEXT;
ALTER TABLE "shop" ADD COLUMN "metrics_lease_until" DATETIME;
ALTER TABLE "shop" ADD COLUMN "metrics_watermark" DATETIME;

-- AlterTable
ALTER TABLE "checkout" ADD COLUMN "holdout" BOOLEAN;

-- CreateTable
CREATE TABLE "metric_day" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "dim" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "checkouts" INTEGER NOT NULL DEFAULT 0,
    "recovered" INTEGER NOT NULL DEFAULT 0,
    "revenue_minor" BIGINT NOT NULL DEFAULT 0,
    "converted" INTEGER NOT NULL DEFAULT 0,
    "converted_revenue_minor" BIGINT NOT NULL DEFAULT 0,
    "converted_revenue_sq" REAL NOT NULL DEFAULT 0,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "opened" INTEGER NOT NULL DEFAULT 0,
    "clicked" INTEGER NOT NULL DEFAULT 0,
    "opted_out" INTEGER NOT NULL DEFAULT 0,
    "discount_cost_minor" BIGINT NOT NULL DEFAULT 0,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "order_revenue_minor" BIGINT NOT NULL DEFAULT 0,
    "alerts" INTEGER NOT NULL DEFAULT 0,
    "handoffs" INTEGER NOT NULL DEFAULT 0,
    "touched" INTEGER NOT NULL DEFAULT 0,
    "touch_minutes" REAL NOT NULL DEFAULT 0,

    PRIMARY KEY ("shop", "day", "dim", "key"),
    CONSTRAINT "metric_day_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_shop_order" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "name" TEXT,
    "checkout_token" TEXT,
    "cart_token" TEXT,
    "customer_id" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "customer_key" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "subtotal_minor" BIGINT NOT NULL DEFAULT 0,
    "total_minor" BIGINT NOT NULL DEFAULT 0,
    "total_discounts_minor" BIGINT NOT NULL DEFAULT 0,
    "presentment_currency" TEXT,
    "presentment_total_minor" BIGINT,
    "source" TEXT NOT NULL DEFAULT 'webhook',
    "discount_codes" TEXT NOT NULL DEFAULT '[]',
    "is_test" BOOLEAN NOT NULL DEFAULT false,
    "recovered" BOOLEAN NOT NULL DEFAULT false,
    "attributed_step_id" TEXT,
    "attributed_channel" TEXT,
    "shopify_created_at" DATETIME NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "shop_order_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop" ("domain") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_shop_order" ("attributed_channel", "attributed_step_id", "cart_token", "checkout_token", "created_at", "currency", "customer_id", "customer_key", "discount_codes", "email", "id", "is_test", "name", "order_id", "phone", "presentment_currency", "presentment_total_minor", "recovered", "shop", "shopify_created_at", "source", "subtotal_minor", "total_discounts_minor", "total_minor") SELECT "attributed_channel", "attributed_step_id", "cart_token", "checkout_token", "created_at", "currency", "customer_id", "customer_key", "discount_codes", "email", "id", "is_test", "name", "order_id", "phone", "presentment_currency", "presentment_total_minor", "recovered", "shop", "shopify_created_at", "source", "subtotal_minor", "total_discounts_minor", "total_minor" FROM "shop_order";
DROP TABLE "shop_order";
ALTER TABLE "new_shop_order" RENAME TO "shop_order";
CREATE INDEX "shop_order_metrics_watermark_idx" ON "shop_order"("shop", "updated_at", "shopify_created_at");
CREATE INDEX "shop_order_shop_checkout_token_idx" ON "shop_order"("shop", "checkout_token");
CREATE INDEX "shop_order_shop_shopify_created_at_idx" ON "shop_order"("shop", "shopify_created_at");
CREATE INDEX "shop_order_shop_customer_id_idx" ON "shop_order"("shop", "customer_id");
CREATE INDEX "shop_order_shop_email_idx" ON "shop_order"("shop", "email");
CREATE INDEX "shop_order_shop_customer_key_idx" ON "shop_order"("shop", "customer_key");
CREATE INDEX "shop_order_overview_idx" ON "shop_order"("shop", "shopify_created_at", "is_test", "recovered", "total_minor", "currency", "attributed_step_id", "attributed_channel");
CREATE UNIQUE INDEX "shop_order_shop_order_id_key" ON "shop_order"("shop", "order_id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "metric_day_shop_dim_day_idx" ON "metric_day"("shop", "dim", "day");

-- CreateIndex
CREATE INDEX "checkout_metrics_watermark_idx" ON "checkout"("shop", "updated_at", "abandoned_at");

-- CreateIndex
CREATE INDEX "message_metrics_watermark_idx" ON "message"("shop", "updated_at", "checkout_id");

