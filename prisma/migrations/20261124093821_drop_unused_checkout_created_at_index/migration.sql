-- No query reads checkouts by (shop, created_at): lists and metrics go by shopify_created_at, abandoned_at or
-- the board index. One index fewer to write on every checkout insert and update.
-- DropIndex
DROP INDEX "checkout_shop_created_at_idx";

