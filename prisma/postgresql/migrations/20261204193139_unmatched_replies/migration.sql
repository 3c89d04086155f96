-- CreateTable
CREATE TABLE "unmatched_reply" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "sender" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "provider_message_id" TEXT,
    "received_at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "checkout_id" TEXT,
    "decided_by" TEXT,
    "decided_at" TIMESTAMP(3),

    CONSTRAINT "unmatched_reply_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "unmatched_reply_provider_message_id_key" ON "unmatched_reply"("provider_message_id");

-- CreateIndex
CREATE INDEX "unmatched_reply_shop_status_received_at_idx" ON "unmatched_reply"("shop", "status", "received_at");

-- AddForeignKey
ALTER TABLE "unmatched_reply" ADD CONSTRAINT "unmatched_reply_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shop"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

