// Prisma CLI configuration for PostgreSQL (production, several instances).
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { makePgPool } from "../../scripts/pg-pool.mjs";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  adapter: async () => new PrismaPg(makePgPool(process.env.DATABASE_URL ?? "")),
});
