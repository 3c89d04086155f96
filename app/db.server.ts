// The only place a Prisma client is made. SQLite (libsql) by default, PostgreSQL when DATABASE_URL is a postgres URL.
// Both clients are generated from prisma/schema.prisma (scripts/db.mjs); their model APIs are identical, so the app
// is typed against the SQLite client.
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaClient } from "@prisma/client";
import type { Client, Config, InArgs, InStatement, ResultSet, Transaction } from "@libsql/client";
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

// Per-connection SQLite settings: the busy timeout makes a second process wait for the write lock instead of
// failing; NORMAL syncs at checkpoints (safe in WAL); foreign keys enforce the schema's relations.
const SQLITE_CONNECTION_PRAGMAS = ["PRAGMA busy_timeout = 5000", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"];

/**
 * The libsql adapter with its transactions kept on the client's one connection. libsql's own `transaction()` hands
 * the connection to the transaction, never closes it afterwards, and opens a fresh connection for what comes next:
 * one leaked connection per transaction (hundreds of MB under webhook load), a schema parse on each, and SQLite's
 * per-connection settings lost after the first transaction (no busy timeout, synchronous=FULL, foreign keys off).
 * The adapter already serializes everything on a client while a transaction is open (a mutex held until commit or
 * rollback), so BEGIN/COMMIT on the same connection is safe. Transactions begin IMMEDIATE (the write lock first,
 * waiting up to the busy timeout) instead of DEFERRED: in WAL mode a deferred transaction that reads and then writes
 * fails at once with "database is locked" when another process (a second WEB_CONCURRENCY worker, the cron) committed
 * in between, since SQLite never waits to upgrade a read snapshot.
 */
class ConfiguredLibSQL extends PrismaLibSQL {
  override createClient(config: Config): Client {
    const client = super.createClient(config);
    const run = client.execute.bind(client) as (stmt: string | InStatement) => Promise<ResultSet>;
    let configured: Promise<void> | null = null;
    const configure = () =>
      (configured ??= (async () => {
        for (const pragma of SQLITE_CONNECTION_PRAGMAS) await run(pragma);
      })());
    client.execute = (async (stmt: string | InStatement, args?: InArgs) => {
      await configure();
      return run(typeof stmt === "string" ? { sql: stmt, args: args ?? [] } : stmt);
    }) as Client["execute"];
    client.transaction = (async () => {
      await configure();
      await run("BEGIN IMMEDIATE");
      let open = true;
      const end = async (sql: "COMMIT" | "ROLLBACK") => {
        if (!open) return;
        open = false;
        try {
          await run(sql);
        } catch (error) {
          if (sql === "COMMIT") {
            await run("ROLLBACK").catch(() => {});
            throw error;
          }
          // ROLLBACK after SQLite already rolled back: nothing to undo.
        }
      };
      const tx = {
        execute: (stmt: string | InStatement, args?: InArgs) => run(typeof stmt === "string" ? { sql: stmt, args: args ?? [] } : stmt),
        batch: async (stmts: InStatement[]) => {
          const out: ResultSet[] = [];
          for (const stmt of stmts) out.push(await run(stmt));
          return out;
        },
        executeMultiple: (sql: string) => client.executeMultiple(sql),
        commit: () => end("COMMIT"),
        rollback: () => end("ROLLBACK"),
        close: () => void end("ROLLBACK"),
        get closed() {
          return !open;
        },
      };
      return tx as unknown as Transaction;
    }) as Client["transaction"];
    return client;
  }
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
    // An idle client's connection dropping (database restart, failover) is reported here; without a listener Node
    // would crash the process. The pool discards that client and the next query opens a fresh connection.
    pool.on("error", (err) => console.error(`checkout-recovery: PostgreSQL connection lost (${err.message}); reconnecting on next query`));
    const db = new PgClient({ adapter: new PrismaPg(pool) });
    return { db, provider, ready: Promise.resolve() };
  }
  const db = new PrismaClient({ adapter: new ConfiguredLibSQL({ url: sqliteUrl(url) }) });
  // WAL (persistent in the file) lets readers run beside the writer; the per-connection settings are applied by
  // ConfiguredLibSQL to every connection.
  const ready = (async () => {
    await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
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
