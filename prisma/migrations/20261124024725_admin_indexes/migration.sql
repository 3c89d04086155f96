-- CreateIndex
CREATE INDEX "checkout_recovered_cover_idx" ON "checkout"("shop", "recovered_at", "recovered_revenue_minor", "abandoned_at");

-- CreateIndex
CREATE INDEX "checkout_abandoned_cover_idx" ON "checkout"("shop", "abandoned_at", "is_test", "returning_customer", "total_minor", "recovered_at", "recovered_revenue_minor");

-- CreateIndex
CREATE INDEX "checkout_board_idx" ON "checkout"("shop", "stage", "priority_score", "abandoned_at", "completed_at", "is_test");

-- CreateIndex
CREATE INDEX "shop_order_shop_email_idx" ON "shop_order"("shop", "email");

-- CreateIndex
CREATE INDEX "shop_order_overview_idx" ON "shop_order"("shop", "shopify_created_at", "is_test", "recovered", "total_minor", "attributed_step_id", "attributed_channel");

-- CreateIndex
CREATE INDEX "message_overview_idx" ON "message"("shop", "created_at", "sent_at", "channel", "step_id", "opened_at", "clicked_at");

-- CreateIndex
CREATE INDEX "incentive_shop_created_at_status_idx" ON "incentive"("shop", "created_at", "status");

-- CreateIndex
CREATE INDEX "suppression_shop_created_at_reason_idx" ON "suppression"("shop", "created_at", "reason");

