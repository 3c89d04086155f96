-- (shop, abandoned_at) is the leading part of checkout_abandoned_cover_idx, which serves the same lookups and ranges:
-- one index fewer to write on every checkout insert and update.
-- DropIndex
DROP INDEX "checkout_shop_abandoned_at_idx";

