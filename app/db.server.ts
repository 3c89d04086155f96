// The only place a Prisma client is made. SQLite (libsql) by default, PostgreSQL when DATABASE_URL is a postgres URL.
// Both clients are generated from prisma/schema.prisma (scripts/db.mjs); their model APIs are identical, so the app
// is typed against the SQLite client.
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { databaseProvider, sqliteUrl } from "../scripts/database-url.mjs";

export type Db = PrismaClient;
export type DbProvider = "sqlite" | "postgresql";

export interface DbHandle {
  db: Db;
  provider: DbProvider;
  /** Resolves once connection settings (SQLite pragmas) are applied. */
  ready: Promise<void>;
}

export function createDb(url: string | undefined = process.env.DATABASE_URL): DbHandle {
  const provider = databaseProvider(url);
  if (provider === "postgresql") {
    const require = createRequire(import.meta.url);
    const generated = path.join(process.cwd(), "node_modules", ".prisma-postgres", "client");
    let PgClient: new (options: { adapter: PrismaPg }) => PrismaClient;
    try {
      PgClient = require(generated).PrismaClient;
    } catch {
      throw new Error("The PostgreSQL Prisma client is not generated: run `npm run db:generate`.");
    }
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_MAX ?? 10) });
    const db = new PgClient({ adapter: new PrismaPg(pool) });
    return { db, provider, ready: Promise.resolve() };
  }
  const db = new PrismaClient({ adapter: new PrismaLibSQL({ url: sqliteUrl(url) }) });
  // One libsql connection serves the client, so these run first and hold for every later query.
  // WAL lets readers run beside the writer; NORMAL syncs at checkpoints (safe in WAL); the busy timeout makes a
  // second process wait for the write lock instead of failing.
  const ready = (async () => {
    await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await db.$queryRawUnsafe("PRAGMA busy_timeout = 5000");
    await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
    await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  })();
  ready.catch(() => {});
  return { db, provider, ready };
}

declare global {
  var __crDb: DbHandle | undefined;
}

// One client per process (kept across dev reloads).
const handle: DbHandle = globalThis.__crDb ?? (globalThis.__crDb = createDb());

export const db = handle.db;
export const dbProvider = handle.provider;
export const dbReady = handle.ready;
export default db;
