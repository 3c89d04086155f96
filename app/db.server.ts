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
  /**
   * SQLite only: runs fn with the connection Prisma itself uses, while no Prisma statement or transaction is in
   * progress and none can start (they wait until fn settles). For driver-level statements beside Prisma without a
   * second connection (see ConnectionGate).
   */
  withSqliteConnection?: <T>(fn: (run: RawSqlite) => Promise<T>) => Promise<T>;
}

/** Runs one statement on the SQLite connection (bound parameters). */
export type RawSqlite = (sql: string, args?: InArgs) => Promise<ResultSet>;

/**
 * Shares the libsql adapter's one connection between Prisma and driver-level batches. Prisma's adapter already
 * serializes its own use (one statement or one transaction at a time); the gate adds one exclusive holder beside it.
 * A second connection would not do: libsql runs statements synchronously, so a second connection waiting for the
 * write lock that a Prisma transaction in the same process holds would freeze the event loop until the busy timeout.
 */
export class ConnectionGate {
  private shared = 0;
  private exclusive: Promise<void> | null = null;
  private idle: Array<() => void> = [];

  /** Prisma's side: waits while an exclusive holder runs. */
  async enter(): Promise<void> {
    while (this.exclusive) await this.exclusive;
    this.shared += 1;
  }

  leave(): void {
    this.shared -= 1;
    if (this.shared === 0 && this.idle.length > 0) for (const wake of this.idle.splice(0)) wake();
  }

  /** One holder at a time; it starts once Prisma's statement or transaction in progress (if any) has finished. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    while (this.exclusive) await this.exclusive;
    let release!: () => void;
    this.exclusive = new Promise<void>((resolve) => (release = resolve));
    try {
      while (this.shared > 0) await new Promise<void>((wake) => this.idle.push(wake));
      return await fn();
    } finally {
      this.exclusive = null;
      release();
    }
  }
}

// Per-connection SQLite settings: NORMAL syncs at checkpoints (safe in WAL); foreign keys enforce the schema's
// relations. No busy timeout in SQLite itself: its busy handler sleeps inside the (synchronous) libsql call, freezing
// this process's event loop for 1-100 ms steps while another process (a second WEB_CONCURRENCY worker) holds the
// write lock. A statement that finds the database busy is retried here instead, after a short timer, for up to
// SQLITE_BUSY_WAIT_MS: the event loop keeps serving requests meanwhile, and the retry comes right after the lock frees.
const SQLITE_CONNECTION_PRAGMAS = ["PRAGMA busy_timeout = 0", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"];
const SQLITE_BUSY_WAIT_MS = 5000;

/** SQLITE_BUSY (5): the statement did nothing and may simply run again (not BUSY_SNAPSHOT and the like). */
function isBusy(error: unknown): boolean {
  const e = error as { code?: unknown; rawCode?: unknown } | null;
  return !!e && (e.rawCode === 5 || e.code === "SQLITE_BUSY");
}

/** Runs a statement, retrying asynchronously while another process holds the lock it needs. */
async function retryWhileBusy<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + SQLITE_BUSY_WAIT_MS;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => (tries < 3 ? setImmediate(resolve) : setTimeout(resolve, Math.min(10, tries - 2))));
    }
  }
}

/**
 * The libsql adapter with its transactions kept on the client's one connection. libsql's own `transaction()` hands
 * the connection to the transaction, never closes it afterwards, and opens a fresh connection for what comes next:
 * one leaked connection per transaction (hundreds of MB under webhook load), a schema parse on each, and SQLite's
 * per-connection settings lost after the first transaction (no busy timeout, synchronous=FULL, foreign keys off).
 * The adapter already serializes everything on a client while a transaction is open (a mutex held until commit or
 * rollback), so BEGIN/COMMIT on the same connection is safe. Transactions begin IMMEDIATE (the write lock first,
 * waiting for it as retryWhileBusy does) instead of DEFERRED: in WAL mode a deferred transaction that reads and then writes
 * fails at once with "database is locked" when another process (a second WEB_CONCURRENCY worker, the cron) committed
 * in between, since SQLite never waits to upgrade a read snapshot.
 */
class ConfiguredLibSQL extends PrismaLibSQL {
  readonly gate = new ConnectionGate();
  /** The main client's connection (set when Prisma connects; not the shadow database's). */
  raw: RawSqlite | null = null;

  override createClient(config: Config): Client {
    const client = super.createClient(config);
    const gate = this.gate;
    const once = client.execute.bind(client) as (stmt: string | InStatement) => Promise<ResultSet>;
    const run = (stmt: string | InStatement) => retryWhileBusy(() => once(stmt));
    let configured: Promise<void> | null = null;
    const configure = () =>
      (configured ??= (async () => {
        for (const pragma of SQLITE_CONNECTION_PRAGMAS) await once(pragma);
      })());
    if (config.url !== ":memory:") this.raw ??= async (sql, args) => (await configure(), run({ sql, args: args ?? [] }));
    client.execute = (async (stmt: string | InStatement, args?: InArgs) => {
      await gate.enter();
      try {
        await configure();
        return await run(typeof stmt === "string" ? { sql: stmt, args: args ?? [] } : stmt);
      } finally {
        gate.leave();
      }
    }) as Client["execute"];
    client.transaction = (async () => {
      await gate.enter();
      try {
        await configure();
        await run("BEGIN IMMEDIATE");
      } catch (error) {
        gate.leave();
        throw error;
      }
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
        } finally {
          gate.leave();
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

// libsql prepares a new native statement on every execution and frees it only when V8 collects the statement's small
// JavaScript handle (tursodatabase/libsql-js#153). V8 does not see the native memory behind the handle (hundreds of KB
// for a bulk statement) and collects late, so the process grows by gigabytes under bulk work (1.5 GB over 100k
// checkouts in bench/tick.ts). Each connection therefore keeps its most recently used statements by SQL text and runs
// them again: a text seen before (Prisma's own queries; the recovery engine's bulk statements, which bind their values
// in a few fixed shapes) allocates nothing new. @libsql/client reads every row of a statement on each use, so a kept
// statement has run to completion and holds no lock between uses. This patches libsql's Database.prepare: check
// tests/integration/sqlite-statements.test.ts after upgrading @libsql/client or libsql.
const STATEMENTS_KEPT = 100;
let statementsKept = false;

function keepLibsqlStatements() {
  if (statementsKept) return;
  statementsKept = true;
  // The libsql module that @libsql/client loads (one copy in node_modules).
  const load = createRequire(createRequire(import.meta.url).resolve("@libsql/client"));
  const Database = load("libsql") as { prototype: { prepare(sql: string): unknown } };
  const prepare = Database.prototype.prepare;
  const kept = new WeakMap<object, Map<string, unknown>>();
  Database.prototype.prepare = function (this: object, sql: string) {
    let stmts = kept.get(this);
    if (!stmts) kept.set(this, (stmts = new Map()));
    let stmt = stmts.get(sql);
    if (stmt)
      stmts.delete(sql); // set again below: a Map iterates in insertion order, least recently used first
    else stmt = prepare.call(this, sql);
    stmts.set(sql, stmt);
    if (stmts.size > STATEMENTS_KEPT) stmts.delete(stmts.keys().next().value as string);
    return stmt;
  };
}

/** The pg pool behind each PostgreSQL client createDb made (see pgPoolOf). */
const pgPools = new WeakMap<Db, pg.Pool>();

/**
 * PostgreSQL: the pool a client made by createDb runs on, for driver-level statements beside Prisma on the same
 * connections (the recovery engine's bulk statements: app/models/recovery.server.ts). Undefined for SQLite clients
 * and clients made elsewhere.
 */
export function pgPoolOf(db: Db): pg.Pool | undefined {
  return pgPools.get(db);
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
    pgPools.set(db, pool);
    return { db, provider, ready: Promise.resolve() };
  }
  keepLibsqlStatements();
  const adapter = new ConfiguredLibSQL({ url: sqliteUrl(url) });
  const db = new PrismaClient({ adapter });
  // WAL (persistent in the file) lets readers run beside the writer; the per-connection settings are applied by
  // ConfiguredLibSQL to every connection.
  const ready = (async () => {
    await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  })();
  ready.catch(() => {});
  const withSqliteConnection = async <T>(fn: (run: RawSqlite) => Promise<T>): Promise<T> => {
    if (!adapter.raw) await ready; // Prisma opens its connection on its first statement
    const raw = adapter.raw;
    if (!raw) throw new Error("the SQLite connection is not open");
    return adapter.gate.run(() => fn(raw));
  };
  return { db, provider, ready, withSqliteConnection };
}

declare global {
  var __crDb: DbHandle | undefined;
}

// One client per process (kept across dev reloads).
const handle: DbHandle = globalThis.__crDb ?? (globalThis.__crDb = createDb());

export const db = handle.db;
export const dbProvider = handle.provider;
export const dbReady = handle.ready;
export const withSqliteConnection = handle.withSqliteConnection;
export default db;
