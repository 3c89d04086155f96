-- DropIndex
DROP INDEX "checkout_recovered_cover_idx";

