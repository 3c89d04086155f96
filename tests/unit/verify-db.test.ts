// The start-up check: one clear line when the database and this build disagree.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { verifyDatabase } from "../../scripts/verify-db.mjs";

describe("verifyDatabase", () => {
  it("names missing migrations, accepts a migrated database, and refuses one from a newer build", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-verify-"));
    const url = `file:${path.join(dir, "db.sqlite")}`;
    try {
      expect(await verifyDatabase({ url })).toMatch(/^The database is missing \d+ migration\(s\) \(first: \d+_init\): run `npm run setup`\.$/);
      execFileSync(process.execPath, ["scripts/db.mjs", "setup"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
      expect(await verifyDatabase({ url })).toBeNull();
      const client = createClient({ url });
      await client.execute(
        "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ('x', 'y', '29990101000000_future', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
      );
      client.close();
      expect(await verifyDatabase({ url })).toBe("The database has 1 migration(s) this build does not know (29990101000000_future): deploy the matching code.");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("notices a generated client that lags behind the schema", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "cr-verify-root-"));
    try {
      fs.mkdirSync(path.join(root, "node_modules/.prisma/client"), { recursive: true });
      fs.mkdirSync(path.join(root, "prisma"), { recursive: true });
      fs.writeFileSync(path.join(root, "prisma/schema.prisma"), "model A { id String @id\n b Int }\n");
      fs.writeFileSync(path.join(root, "node_modules/.prisma/client/schema.prisma"), "model A { id String @id }\n");
      expect(await verifyDatabase({ root, url: "file:" + path.join(root, "x.sqlite") })).toBe(
        "The generated sqlite Prisma client does not match prisma/schema.prisma: run `npm run db:generate`.",
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
