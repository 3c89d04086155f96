// app/db.server.ts keeps libsql statements prepared by SQL text: libsql frees a statement's native memory only when V8
// collects it, so preparing afresh on every run grew the process by gigabytes under bulk work (bench/tick.ts). These
// pin what that relies on in the installed libsql: a kept statement is re-run with new values, after an error too,
// and holds no lock between runs.
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { db, dbProvider, withSqliteConnection } from "../../app/db.server";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";

interface LibsqlStatement {
  raw(on?: boolean): LibsqlStatement;
  all(args: unknown[]): unknown[][];
}
interface LibsqlDatabase {
  prepare(sql: string): LibsqlStatement;
  exec(sql: string): void;
  close(): void;
}

// The libsql module @libsql/client loads (the one app/db.server.ts patches).
const load = createRequire(createRequire(import.meta.url).resolve("@libsql/client"));
const Database = load("libsql") as new (path: string) => LibsqlDatabase;

describe.runIf(dbProvider === "sqlite")("SQLite statements kept by text", () => {
  it("prepares a text once per connection and binds each run's values", () => {
    const conn = new Database(":memory:");
    conn.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    const insert = conn.prepare("INSERT INTO t (id, v) VALUES (?1, ?2) RETURNING id");
    expect(conn.prepare("INSERT INTO t (id, v) VALUES (?1, ?2) RETURNING id")).toBe(insert);
    expect(insert.raw(true).all([1, "a"])).toEqual([[1]]);
    expect(() => insert.all([1, "again"])).toThrow(/UNIQUE/);
    expect(insert.all([2, "b"])).toEqual([[2]]); // usable after an error
    expect(conn.prepare("SELECT v FROM t ORDER BY id").raw(true).all([])).toEqual([["a"], ["b"]]);
    const other = new Database(":memory:");
    expect(other.prepare("SELECT 1")).not.toBe(conn.prepare("SELECT 1")); // per connection
    other.close();
    conn.close();
  });

  it("a kept statement holds no lock between runs: another connection writes and checkpoints meanwhile", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-stmt-"));
    const file = path.join(dir, "t.sqlite");
    const a = new Database(file);
    const b = new Database(file);
    try {
      a.prepare("PRAGMA journal_mode = WAL").raw(true).all([]);
      a.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
      a.exec("INSERT INTO t (id) VALUES (1), (2)");
      const read = a.prepare("SELECT id FROM t WHERE id >= ?1").raw(true);
      expect(read.all([1])).toEqual([[1], [2]]);
      b.prepare("PRAGMA busy_timeout = 0").raw(true).all([]);
      b.exec("BEGIN IMMEDIATE; INSERT INTO t (id) VALUES (3); COMMIT");
      // [busy, log frames, checkpointed frames]: 0 = no reader held the WAL back
      expect(b.prepare("PRAGMA wal_checkpoint(TRUNCATE)").raw(true).all([])[0][0]).toBe(0);
      expect(a.prepare("SELECT id FROM t WHERE id >= ?1").all([2])).toEqual([[2], [3]]);
    } finally {
      b.close();
      a.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Prisma and the driver connection run on kept statements", async () => {
    await resetDatabase();
    await seedShop();
    const count = async () => {
      const rs = await withSqliteConnection!((run) => run("SELECT count(*) AS n FROM audit_log WHERE shop = ?1", [TEST_SHOP]));
      return Number(rs.rows[0].n);
    };
    const before = await count();
    for (let i = 0; i < 3; i++) await db.auditLog.create({ data: { shop: TEST_SHOP, actor: "system", action: "statements.test" } });
    expect(await count()).toBe(before + 3);
  });
});
