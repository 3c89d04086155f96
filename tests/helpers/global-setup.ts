// Once per `vitest run`: a migrated SQLite template file, and (for the postgres project) a real PostgreSQL server
// with a migrated template database. Workers clone these (tests/helpers/setup-db.ts).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startPostgres } from "../../scripts/embedded-pg.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    sqliteTemplate: string;
    pgAdminUrl: string;
    pgTemplateDb: string;
  }
}

function migrate(url: string) {
  execFileSync(process.execPath, ["scripts/db.mjs", "setup"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
}

export default async function setup(project: TestProject) {
  const name = project.config.name;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cr-test-${name}-`));
  const teardown: Array<() => Promise<void>> = [async () => fs.rmSync(dir, { recursive: true, force: true })];
  if (name === "postgres") {
    const pg = await startPostgres({ database: "cr_template" });
    if (!pg.external) teardown.unshift(pg.stop);
    migrate(pg.url);
    const admin = new URL(pg.url);
    const templateDb = admin.pathname.slice(1);
    admin.pathname = "/postgres";
    project.provide("pgAdminUrl", admin.toString());
    project.provide("pgTemplateDb", templateDb);
    project.provide("sqliteTemplate", "");
  } else {
    const template = path.join(dir, "template.sqlite");
    migrate(`file:${template}`);
    project.provide("sqliteTemplate", template);
    project.provide("pgAdminUrl", "");
    project.provide("pgTemplateDb", "");
  }
  return async () => {
    for (const t of teardown) await t();
  };
}
