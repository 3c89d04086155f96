-- AlterTable
ALTER TABLE "checkout" ADD COLUMN "follow_up_alerted_for" DATETIME;

