-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" BOOLEAN NOT NULL DEFAULT false,
    "scope" TEXT,
    "expires" TIMESTAMP(3),
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" BOOLEAN NOT NULL DEFAULT false,
    "locale" TEXT,
    "collaborator" BOOLEAN DEFAULT false,
    "emailVerified" BOOLEAN DEFAULT false,
    "refreshToken" TEXT,
    "refreshTokenExpires" TIMESTAMP(3),

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shop" (
    "domain" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "email" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "primaryDomain" TEXT,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "settings_version" INTEGER NOT NULL DEFAULT 0,
    "order_count" INTEGER NOT NULL DEFAULT 0,
    "order_revenue_minor" BIGINT NOT NULL DEFAULT 0,
    "installed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalled_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "shop_pkey" PRIMARY KEY ("domain")
);

-- CreateTable
CREATE TABLE "shop_secret" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "shop_secret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_setting" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_setting_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "checkout" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "cart_token" TEXT,
    "customer_id" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "first_name" TEXT,
    "last_name" TEXT,
    "customer_key" TEXT,
    "email_consent" BOOLEAN NOT NULL DEFAULT false,
    "sms_consent" BOOLEAN NOT NULL DEFAULT false,
    "returning_customer" BOOLEAN NOT NULL DEFAULT false,
    "customer_orders_count" INTEGER NOT NULL DEFAULT 0,
    "locale" TEXT,
    "line_items" TEXT NOT NULL DEFAULT '[]',
    "line_item_count" INTEGER NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "subtotal_minor" INTEGER NOT NULL DEFAULT 0,
    "total_minor" INTEGER NOT NULL DEFAULT 0,
    "discount_codes" TEXT NOT NULL DEFAULT '[]',
    "abandoned_checkout_url" TEXT,
    "source_name" TEXT,
    "is_test" BOOLEAN NOT NULL DEFAULT false,
    "is_staff" BOOLEAN NOT NULL DEFAULT false,
    "failed_payment" BOOLEAN NOT NULL DEFAULT false,
    "shopify_created_at" TIMESTAMP(3) NOT NULL,
    "shopify_updated_at" TIMESTAMP(3) NOT NULL,
    "completed_at" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'open',
    "abandoned_at" TIMESTAMP(3),
    "next_step_index" INTEGER NOT NULL DEFAULT 0,
    "next_due_at" TIMESTAMP(3),
    "lease_owner" TEXT,
    "lease_until" TIMESTAMP(3),
    "stop_reason" TEXT,
    "stage" TEXT NOT NULL DEFAULT 'abandoned',
    "priority" TEXT NOT NULL DEFAULT 'low',
    "priority_score" INTEGER NOT NULL DEFAULT 0,
    "handoff" BOOLEAN NOT NULL DEFAULT false,
    "handoff_reason" TEXT,
    "owner" TEXT,
    "follow_up_at" TIMESTAMP(3),
    "follow_up_note" TEXT,
    "first_contacted_at" TIMESTAMP(3),
    "stage_changed_at" TIMESTAMP(3),
    "order_id" TEXT,
    "recovered_at" TIMESTAMP(3),
    "recovered_revenue_minor" INTEGER,
    "attributed_message_id" TEXT,
    "redacted_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "checkout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shop_order" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "name" TEXT,
    "checkout_token" TEXT,
    "cart_token" TEXT,
    "customer_id" TEXT,
    "email" TEXT,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "subtotal_minor" INTEGER NOT NULL DEFAULT 0,
    "total_minor" INTEGER NOT NULL DEFAULT 0,
    "total_discounts_minor" INTEGER NOT NULL DEFAULT 0,
    "discount_codes" TEXT NOT NULL DEFAULT '[]',
    "is_test" BOOLEAN NOT NULL DEFAULT false,
    "recovered" BOOLEAN NOT NULL DEFAULT false,
    "attributed_step_id" TEXT,
    "attributed_channel" TEXT,
    "shopify_created_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shop_order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_event" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL DEFAULT 'processed',

    CONSTRAINT "webhook_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "checkout_id" TEXT NOT NULL,
    "step_id" TEXT NOT NULL,
    "step_index" INTEGER NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "skip_reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3),
    "last_error" TEXT,
    "provider_id" TEXT,
    "recipient" TEXT,
    "subject" TEXT,
    "body_html" TEXT,
    "body_text" TEXT,
    "incentive_code" TEXT,
    "sent_at" TIMESTAMP(3),
    "delivered_at" TIMESTAMP(3),
    "opened_at" TIMESTAMP(3),
    "clicked_at" TIMESTAMP(3),
    "bounced_at" TIMESTAMP(3),
    "failed_at" TIMESTAMP(3),
    "unsubscribed_at" TIMESTAMP(3),
    "purged_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message_event" (
    "id" TEXT NOT NULL,
    "message_id" TEXT,
    "event_key" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "detail" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "push_subscription" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "cart_token" TEXT,
    "customer_id" TEXT,
    "checkout_token" TEXT,
    "user_agent" TEXT,
    "last_success_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "push_subscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incentive" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "checkout_id" TEXT,
    "slot" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'automatic',
    "kind" TEXT NOT NULL,
    "percent_off" INTEGER,
    "amount_off_minor" INTEGER,
    "currency" TEXT,
    "code" TEXT NOT NULL,
    "shopify_discount_id" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "error" TEXT,
    "customer_key" TEXT,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3) NOT NULL,
    "used_at" TIMESTAMP(3),
    "used_order_id" TEXT,
    "discount_minor" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "incentive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suppression" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suppression_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversation_entry" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "checkout_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "classification" TEXT,
    "provider_message_id" TEXT,
    "author" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checkout_note" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "checkout_id" TEXT NOT NULL,
    "author" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkout_note_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "checkout_id" TEXT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "from_value" TEXT,
    "to_value" TEXT,
    "detail" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "data_request" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "request_id" TEXT,
    "customer_id" TEXT,
    "email" TEXT,
    "phone" TEXT,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "data_request_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "session_shop_idx" ON "session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "shop_secret_shop_name_key" ON "shop_secret"("shop", "name");

-- CreateIndex
CREATE INDEX "checkout_next_due_at_idx" ON "checkout"("next_due_at");

-- CreateIndex
CREATE INDEX "checkout_shop_stage_priority_idx" ON "checkout"("shop", "stage", "priority");

-- CreateIndex
CREATE INDEX "checkout_shop_created_at_idx" ON "checkout"("shop", "created_at");

-- CreateIndex
CREATE INDEX "checkout_shop_abandoned_at_idx" ON "checkout"("shop", "abandoned_at");

-- CreateIndex
CREATE INDEX "checkout_shop_cart_token_idx" ON "checkout"("shop", "cart_token");

-- CreateIndex
CREATE INDEX "checkout_shop_customer_key_idx" ON "checkout"("shop", "customer_key");

-- CreateIndex
CREATE INDEX "checkout_shop_customer_id_idx" ON "checkout"("shop", "customer_id");

-- CreateIndex
CREATE INDEX "checkout_shop_follow_up_at_idx" ON "checkout"("shop", "follow_up_at");

-- CreateIndex
CREATE UNIQUE INDEX "checkout_shop_token_key" ON "checkout"("shop", "token");

-- CreateIndex
CREATE INDEX "shop_order_shop_checkout_token_idx" ON "shop_order"("shop", "checkout_token");

-- CreateIndex
CREATE INDEX "shop_order_shop_shopify_created_at_idx" ON "shop_order"("shop", "shopify_created_at");

-- CreateIndex
CREATE INDEX "shop_order_shop_customer_id_idx" ON "shop_order"("shop", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "shop_order_shop_order_id_key" ON "shop_order"("shop", "order_id");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_event_event_id_key" ON "webhook_event"("event_id");

-- CreateIndex
CREATE INDEX "webhook_event_received_at_idx" ON "webhook_event"("received_at");

-- CreateIndex
CREATE INDEX "message_shop_created_at_idx" ON "message"("shop", "created_at");

-- CreateIndex
CREATE INDEX "message_shop_channel_status_idx" ON "message"("shop", "channel", "status");

-- CreateIndex
CREATE INDEX "message_status_next_attempt_at_idx" ON "message"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "message_provider_id_idx" ON "message"("provider_id");

-- CreateIndex
CREATE UNIQUE INDEX "message_checkout_id_step_id_channel_key" ON "message"("checkout_id", "step_id", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "message_event_event_key_key" ON "message_event"("event_key");

-- CreateIndex
CREATE INDEX "message_event_message_id_idx" ON "message_event"("message_id");

-- CreateIndex
CREATE UNIQUE INDEX "push_subscription_endpoint_key" ON "push_subscription"("endpoint");

-- CreateIndex
CREATE INDEX "push_subscription_shop_cart_token_idx" ON "push_subscription"("shop", "cart_token");

-- CreateIndex
CREATE INDEX "push_subscription_shop_customer_id_idx" ON "push_subscription"("shop", "customer_id");

-- CreateIndex
CREATE INDEX "push_subscription_shop_checkout_token_idx" ON "push_subscription"("shop", "checkout_token");

-- CreateIndex
CREATE INDEX "incentive_shop_status_ends_at_idx" ON "incentive"("shop", "status", "ends_at");

-- CreateIndex
CREATE INDEX "incentive_shop_customer_key_idx" ON "incentive"("shop", "customer_key");

-- CreateIndex
CREATE UNIQUE INDEX "incentive_shop_code_key" ON "incentive"("shop", "code");

-- CreateIndex
CREATE UNIQUE INDEX "incentive_checkout_id_slot_key" ON "incentive"("checkout_id", "slot");

-- CreateIndex
CREATE UNIQUE INDEX "suppression_shop_channel_address_key" ON "suppression"("shop", "channel", "address");

-- CreateIndex
CREATE UNIQUE INDEX "conversation_entry_provider_message_id_key" ON "conversation_entry"("provider_message_id");

-- CreateIndex
CREATE INDEX "conversation_entry_checkout_id_created_at_idx" ON "conversation_entry"("checkout_id", "created_at");

-- CreateIndex
CREATE INDEX "checkout_note_checkout_id_created_at_idx" ON "checkout_note"("checkout_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_shop_checkout_id_created_at_idx" ON "audit_log"("shop", "checkout_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_log_shop_created_at_idx" ON "audit_log"("shop", "created_at");

-- CreateIndex
CREATE INDEX "data_request_shop_created_at_idx" ON "data_request"("shop", "created_at");

-- AddForeignKey
ALTER TABLE "shop_secret" ADD CONSTRAINT "shop_secret_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkout" ADD CONSTRAINT "checkout_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shop_order" ADD CONSTRAINT "shop_order_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_event" ADD CONSTRAINT "webhook_event_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_checkout_id_fkey" FOREIGN KEY ("checkout_id") REFERENCES "checkout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message_event" ADD CONSTRAINT "message_event_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_subscription" ADD CONSTRAINT "push_subscription_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incentive" ADD CONSTRAINT "incentive_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incentive" ADD CONSTRAINT "incentive_checkout_id_fkey" FOREIGN KEY ("checkout_id") REFERENCES "checkout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "suppression" ADD CONSTRAINT "suppression_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_entry" ADD CONSTRAINT "conversation_entry_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_entry" ADD CONSTRAINT "conversation_entry_checkout_id_fkey" FOREIGN KEY ("checkout_id") REFERENCES "checkout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkout_note" ADD CONSTRAINT "checkout_note_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkout_note" ADD CONSTRAINT "checkout_note_checkout_id_fkey" FOREIGN KEY ("checkout_id") REFERENCES "checkout"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "data_request" ADD CONSTRAINT "data_request_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

