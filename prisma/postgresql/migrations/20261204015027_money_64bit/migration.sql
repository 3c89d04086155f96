-- Money and quantities in 64-bit columns (issue 15): an order of 22,400,000.00 UZS is 2,240,000,000 minor units,
-- past a 32-bit integer. ALTER ... TYPE BIGINT rewrites each table (and its indexes) under an exclusive lock.
-- AlterTable
ALTER TABLE "checkout" ALTER COLUMN "line_item_count" SET DATA TYPE BIGINT,
ALTER COLUMN "subtotal_minor" SET DATA TYPE BIGINT,
ALTER COLUMN "total_minor" SET DATA TYPE BIGINT,
ALTER COLUMN "shop_total_minor" SET DATA TYPE BIGINT,
ALTER COLUMN "recovered_revenue_minor" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "shop_order" ALTER COLUMN "subtotal_minor" SET DATA TYPE BIGINT,
ALTER COLUMN "total_minor" SET DATA TYPE BIGINT,
ALTER COLUMN "total_discounts_minor" SET DATA TYPE BIGINT,
ALTER COLUMN "presentment_total_minor" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "incentive" ALTER COLUMN "amount_off_minor" SET DATA TYPE BIGINT,
ALTER COLUMN "discount_minor" SET DATA TYPE BIGINT;

