-- DropIndex
DROP INDEX "message_overview_idx";

-- AlterTable
ALTER TABLE "shop" ADD COLUMN     "metrics_as_of" TIMESTAMP(3),
ADD COLUMN     "metrics_basis" TEXT,
ADD COLUMN     "metrics_lease_until" TIMESTAMP(3),
ADD COLUMN     "metrics_watermark" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "checkout" ADD COLUMN     "holdout" BOOLEAN;

-- AlterTable
ALTER TABLE "shop_order" ADD COLUMN     "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

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
    "converted_revenue_sq" DOUBLE PRECISION NOT NULL DEFAULT 0,
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
    "touch_minutes" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "metric_day_pkey" PRIMARY KEY ("shop","day","dim","key")
);

-- CreateIndex
CREATE INDEX "metric_day_shop_dim_day_idx" ON "metric_day"("shop", "dim", "day");

-- CreateIndex
CREATE INDEX "checkout_metrics_watermark_idx" ON "checkout"("shop", "updated_at", "abandoned_at");

-- CreateIndex
CREATE INDEX "shop_order_metrics_watermark_idx" ON "shop_order"("shop", "updated_at", "shopify_created_at");

-- CreateIndex
CREATE INDEX "message_metrics_watermark_idx" ON "message"("shop", "updated_at", "checkout_id");

-- AddForeignKey
ALTER TABLE "metric_day" ADD CONSTRAINT "metric_day_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

