-- DropIndex
DROP INDEX "checkout_recovered_cover_idx";

-- DropIndex
DROP INDEX "checkout_abandoned_cover_idx";

-- DropIndex
DROP INDEX "shop_order_overview_idx";

-- CreateIndex
CREATE INDEX "checkout_recovered_cover_idx" ON "checkout"("shop", "recovered_at", "recovered_revenue_minor", "abandoned_at", "shop_currency");

-- CreateIndex
CREATE INDEX "checkout_abandoned_cover_idx" ON "checkout"("shop", "abandoned_at", "is_test", "returning_customer", "shop_total_minor", "shop_currency", "recovered_at", "recovered_revenue_minor");

-- CreateIndex
CREATE INDEX "shop_order_overview_idx" ON "shop_order"("shop", "shopify_created_at", "is_test", "recovered", "total_minor", "currency", "attributed_step_id", "attributed_channel");

