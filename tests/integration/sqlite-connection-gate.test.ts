// The SQLite driver batch shares Prisma's one connection (app/db.server.ts, withSqliteConnection): an exclusive
// holder never starts inside a Prisma transaction, and Prisma's statements wait while the holder runs (they would
// otherwise land inside its BEGIN ... COMMIT and commit or roll back with it).
import { createClient } from "@libsql/client";
import { beforeEach, describe, expect, it } from "vitest";
import { sqliteUrl } from "../../scripts/database-url.mjs";
import { db, dbProvider, withSqliteConnection } from "../../app/db.server";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const auditCount = () => db.auditLog.count({ where: { shop: TEST_SHOP } });

describe.runIf(dbProvider === "sqlite")("SQLite connection shared by Prisma and the driver batch", () => {
  it("waits for an open Prisma transaction before taking the connection", async () => {
    const events: string[] = [];
    const hold = deferred();
    const inTx = deferred();
    const tx = db.$transaction(async (t) => {
      await t.auditLog.create({ data: { shop: TEST_SHOP, actor: "system", action: "gate.tx" } });
      inTx.resolve();
      await hold.promise;
      events.push("tx commits");
    });
    await inTx.promise;
    const exclusive = withSqliteConnection!(async (run) => {
      events.push("exclusive starts");
      const rs = await run("SELECT COUNT(*) AS n FROM audit_log WHERE shop = ?", [TEST_SHOP]);
      return Number(rs.rows[0].n);
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(events).toEqual([]);
    hold.resolve();
    await tx;
    // The holder saw the committed row, after the commit.
    expect(await exclusive).toBe(1);
    expect(events).toEqual(["tx commits", "exclusive starts"]);
  });

  it("holds Prisma's statements back until the holder's transaction ends, and rolls back only its own writes", async () => {
    const before = await auditCount();
    const release = deferred();
    const started = deferred();
    const exclusive = withSqliteConnection!(async (run) => {
      await run("BEGIN IMMEDIATE");
      await run("INSERT INTO audit_log (id, shop, actor, action, created_at) VALUES ('gate1', ?, 'system', 'gate.raw', ?)", [
        TEST_SHOP,
        new Date().toISOString(),
      ]);
      started.resolve();
      await release.promise;
      await run("ROLLBACK");
    });
    await started.promise;
    let prismaDone = false;
    const write = db.auditLog.create({ data: { shop: TEST_SHOP, actor: "system", action: "gate.prisma" } }).then(() => (prismaDone = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(prismaDone).toBe(false);
    release.resolve();
    await exclusive;
    await write;
    // The holder's row was rolled back; Prisma's write, made after, is there.
    const actions = (await db.auditLog.findMany({ where: { shop: TEST_SHOP }, select: { action: true } })).map((a) => a.action);
    expect(actions).toContain("gate.prisma");
    expect(actions).not.toContain("gate.raw");
    expect(await auditCount()).toBe(before + 1);
  });

  it("releases the connection when the holder throws", async () => {
    await expect(withSqliteConnection!(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await auditCount()).toBeGreaterThanOrEqual(0);
    const n = await withSqliteConnection!(async (run) => Number((await run("SELECT 1 AS one")).rows[0].one));
    expect(n).toBe(1);
  });

  it("waits for another process's write lock without freezing the event loop, then writes", async () => {
    // A second connection to the same file stands for another worker process holding the write lock.
    const other = createClient({ url: sqliteUrl(process.env.DATABASE_URL) });
    await other.execute("BEGIN IMMEDIATE");
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    let written = false;
    const write = db.auditLog.create({ data: { shop: TEST_SHOP, actor: "system", action: "gate.busy" } }).then(() => (written = true));
    await new Promise((r) => setTimeout(r, 60));
    // Still waiting, and timers kept firing meanwhile (a busy wait inside SQLite would have blocked them).
    expect(written).toBe(false);
    expect(ticks).toBeGreaterThan(5);
    await other.execute("COMMIT");
    await write;
    clearInterval(timer);
    other.close();
    expect(written).toBe(true);
    expect(await db.auditLog.count({ where: { shop: TEST_SHOP, action: "gate.busy" } })).toBe(1);
  });
});
