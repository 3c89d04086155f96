-- Pipeline board search (issue 5), PostgreSQL. Hand-written: scripts/db.mjs diffs schema snapshots, so it neither
-- wrote this nor will undo it. The SQLite migration of the same name widens the board index instead.
--
-- A trigram index on the searched columns, so a case-insensitive substring search (email, first_name, last_name
-- ILIKE '%q%', phone LIKE '%digits%') reads only the candidate rows instead of lower-casing every checkout of the
-- shop. Terms of 1 or 2 characters cannot use it and still scan.
--
-- pg_trgm ships with PostgreSQL (contrib, included by embedded-postgres and the managed services) and is a trusted
-- extension since PostgreSQL 13: the database owner may create it. No semicolons in these comments or any PL/pgSQL
-- block: the pg driver adapter splits a migration on every semicolon.

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "checkout_search_trgm_idx" ON "checkout" USING gin ("email" gin_trgm_ops, "first_name" gin_trgm_ops, "last_name" gin_trgm_ops, "phone" gin_trgm_ops);
