-- AlterTable
ALTER TABLE "checkout" ADD COLUMN     "handed_off_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "staff_member" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "last_seen_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "staff_member_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "staff_member_shop_user_id_key" ON "staff_member"("shop", "user_id");

-- CreateIndex
CREATE INDEX "checkout_handoff_queue_idx" ON "checkout"("shop", "handoff", "stage", "handed_off_at");

-- AddForeignKey
ALTER TABLE "staff_member" ADD CONSTRAINT "staff_member_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill (hand-written): checkouts handed off before the column existed wait since their last stage change, or
-- since they were abandoned.
UPDATE "checkout" SET "handed_off_at" = COALESCE("stage_changed_at", "abandoned_at") WHERE "handoff" = true AND "handed_off_at" IS NULL;
