-- Pipeline board search (issue 5), SQLite. Hand-written: scripts/db.mjs diffs schema snapshots, so it neither wrote
-- this nor will undo it. The PostgreSQL migration of the same name adds a trigram index instead.
--
-- The board index is widened to cover every board filter and the search: a search (a case-insensitive substring of
-- the email, first or last name, or phone) then reads this index only, never the wide checkout rows, for the column
-- counts and for each page, which walks it in priority order and stops after its rows. The trailing id makes the
-- pages covering too, so the planner picks this index for them. Widening the existing index, rather than adding one,
-- costs ingestion no extra index write.
--
-- prisma/schema.prisma still declares the narrow board index, which PostgreSQL keeps (a wider one makes its planner
-- count the board by a sequential scan). If a later schema change rewrites "checkout_board_idx", widen it again here
-- the same way: tests/integration/admin-routes.test.ts checks the columns.

-- DropIndex
DROP INDEX "checkout_board_idx";

-- CreateIndex
CREATE INDEX "checkout_board_idx" ON "checkout"("shop", "stage", "priority_score", "abandoned_at", "completed_at", "is_test", "priority", "total_minor", "email", "first_name", "last_name", "phone", "id");
