// Prisma CLI configuration for the default provider (SQLite through libsql, JavaScript/WASM engines only).
// PostgreSQL has its own config: prisma/postgresql/prisma.config.ts. scripts/db.mjs picks one from DATABASE_URL.
import { defineConfig } from "prisma/config";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { sqliteUrl } from "./scripts/database-url.mjs";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => new PrismaLibSQL({ url: sqliteUrl(process.env.DATABASE_URL) }),
});
