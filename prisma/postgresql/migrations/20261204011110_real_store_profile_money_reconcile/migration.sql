-- AlterTable
ALTER TABLE "shop" ADD COLUMN     "billing_address" TEXT,
ADD COLUMN     "checkouts_synced_at" TIMESTAMP(3),
ADD COLUMN     "contact_email" TEXT,
ADD COLUMN     "dev_store" BOOLEAN,
ADD COLUMN     "orders_synced_at" TIMESTAMP(3),
ADD COLUMN     "plan_name" TEXT,
ADD COLUMN     "primary_locale" TEXT,
ADD COLUMN     "profile_attempt_at" TIMESTAMP(3),
ADD COLUMN     "profile_error" TEXT,
ADD COLUMN     "profile_synced_at" TIMESTAMP(3),
ADD COLUMN     "sync_attempt_at" TIMESTAMP(3),
ADD COLUMN     "sync_error" TEXT,
ALTER COLUMN "currency" DROP NOT NULL,
ALTER COLUMN "currency" DROP DEFAULT,
ALTER COLUMN "timezone" DROP NOT NULL,
ALTER COLUMN "timezone" DROP DEFAULT;

-- AlterTable
ALTER TABLE "checkout" ADD COLUMN     "customer_tags" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "shop_currency" TEXT,
ADD COLUMN     "shop_total_minor" INTEGER,
ADD COLUMN     "whatsapp_consent" BOOLEAN;

-- AlterTable
ALTER TABLE "shop_order" ADD COLUMN     "customer_key" TEXT,
ADD COLUMN     "phone" TEXT,
ADD COLUMN     "presentment_currency" TEXT,
ADD COLUMN     "presentment_total_minor" INTEGER,
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'webhook';

-- CreateTable
CREATE TABLE "customer_consent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "whatsapp_state" TEXT,
    "whatsapp_updated_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "customer_consent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channel_check" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "detail" TEXT,
    "checked_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "channel_check_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "customer_consent_shop_customer_id_key" ON "customer_consent"("shop", "customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "channel_check_shop_channel_key" ON "channel_check"("shop", "channel");

-- CreateIndex
CREATE INDEX "shop_order_shop_customer_key_idx" ON "shop_order"("shop", "customer_key");

-- AddForeignKey
ALTER TABLE "customer_consent" ADD CONSTRAINT "customer_consent_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channel_check" ADD CONSTRAINT "channel_check_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;


-- Checkouts stored before this migration were all valued as one currency: keep them valued as they were (their
-- shop-currency value is their own), so the high-value handoff, the minimum cart value and the value bands still
-- see them. New checkouts get the shop's currency from the payload's `currency`.
UPDATE "checkout" SET "shop_currency" = "currency", "shop_total_minor" = "total_minor" WHERE "shop_currency" IS NULL;
