#!/usr/bin/env node
// Database tasks for both providers from one schema (prisma/schema.prisma).
//   generate             derive prisma/postgresql/schema.prisma, then generate both Prisma clients
//   migrations [name]    write a new migration for each provider from the schema change since the last one
//   check                exit 1 if the derived schema or the migrations lag behind prisma/schema.prisma
//   setup                apply pending migrations to DATABASE_URL (SQLite file by default, or PostgreSQL)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { databaseProvider, sqliteUrl } from "./database-url.mjs";
import { startPostgres } from "./embedded-pg.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prismaCli = path.join(root, "node_modules", "prisma", "build", "index.js");

export const PROVIDERS = {
  sqlite: {
    schema: "prisma/schema.prisma",
    config: "prisma.config.ts",
    migrations: "prisma/migrations",
  },
  postgresql: {
    schema: "prisma/postgresql/schema.prisma",
    config: "prisma/postgresql/prisma.config.ts",
    migrations: "prisma/postgresql/migrations",
  },
};
// `generate` resolves env("DATABASE_URL") in the PostgreSQL schema without connecting; `migrate diff` with the
// JavaScript engine does connect (to nothing it changes), so migrations/check start a throwaway server for it.
const OFFLINE_PG_URL = "postgresql://offline@127.0.0.1:1/offline";
let diffPgUrl = null;

function offlineEnv(name) {
  const url = process.env.DATABASE_URL ?? "";
  if (name !== "postgresql") return { DATABASE_URL: url };
  return { DATABASE_URL: diffPgUrl ?? (databaseProvider(url) === "postgresql" ? url : OFFLINE_PG_URL) };
}

async function withDiffServer(fn) {
  const pg = await startPostgres({ database: "migration_diff" });
  diffPgUrl = pg.url;
  try {
    return fn();
  } finally {
    diffPgUrl = null;
    await pg.stop();
  }
}
const SNAPSHOT = "schema.snapshot.prisma"; // the schema the newest migration in a folder was made from

function prisma(args, { env = {}, capture = false } = {}) {
  const res = spawnSync(process.execPath, [prismaCli, ...args], {
    cwd: root,
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", ...env },
    encoding: "utf8",
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  if (res.status !== 0) {
    if (capture) process.stderr.write(res.stdout + res.stderr);
    throw new Error(`prisma ${args.join(" ")} failed (exit ${res.status})`);
  }
  return res.stdout ?? "";
}

/** The PostgreSQL schema: the SQLite one with another datasource and a client generated elsewhere. */
export function derivePostgresSchema(source) {
  const datasource = /datasource db \{[^}]*\}/;
  const generator = /generator client \{[^}]*\}/;
  if (!datasource.test(source) || !generator.test(source)) throw new Error("schema.prisma: datasource or generator block not found");
  const body = source
    .replace(datasource, 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}')
    .replace(
      generator,
      'generator client {\n  provider   = "prisma-client-js"\n  engineType = "client"\n  output     = "../../node_modules/.prisma-postgres/client"\n}',
    );
  return "// GENERATED from prisma/schema.prisma by `npm run db:generate`. Do not edit: change prisma/schema.prisma.\n\n" + body;
}

function read(rel) {
  return fs.readFileSync(path.join(root, rel), "utf8");
}

function writeDerived() {
  fs.mkdirSync(path.join(root, "prisma/postgresql"), { recursive: true });
  fs.writeFileSync(path.join(root, PROVIDERS.postgresql.schema), derivePostgresSchema(read(PROVIDERS.sqlite.schema)));
}

function generate() {
  writeDerived();
  for (const [name, p] of Object.entries(PROVIDERS)) {
    prisma(["generate", "--config", p.config], { capture: true, env: offlineEnv(name) });
  }
  console.log("Prisma clients generated for sqlite and postgresql.");
}

function diffScript(name, fromFile) {
  const p = PROVIDERS[name];
  const from = fromFile ? ["--from-schema-datamodel", fromFile] : ["--from-empty"];
  return prisma(["migrate", "diff", "--config", p.config, ...from, "--to-schema-datamodel", p.schema, "--script"], {
    capture: true,
    env: offlineEnv(name),
  });
}

function isEmptyMigration(sql) {
  return sql.split("\n").every((l) => l.trim() === "" || l.trim().startsWith("--"));
}

function pendingChange(name) {
  const p = PROVIDERS[name];
  const snapshot = path.join(root, p.migrations, SNAPSHOT);
  const sql = diffScript(name, fs.existsSync(snapshot) ? path.relative(root, snapshot) : undefined);
  return isEmptyMigration(sql) ? null : sql;
}

function migrations(label = "change") {
  writeDerived();
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  for (const [name, p] of Object.entries(PROVIDERS)) {
    const sql = pendingChange(name);
    if (!sql) {
      console.log(`${name}: no schema change, no migration written.`);
      continue;
    }
    const dir = path.join(root, p.migrations, `${stamp}_${label.replace(/[^a-z0-9_]+/gi, "_")}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration.sql"), sql);
    fs.writeFileSync(path.join(root, p.migrations, "migration_lock.toml"), `provider = "${name}"\n`);
    fs.copyFileSync(path.join(root, p.schema), path.join(root, p.migrations, SNAPSHOT));
    console.log(`${name}: wrote ${path.relative(root, dir)}/migration.sql`);
  }
}

function check() {
  const derived = derivePostgresSchema(read(PROVIDERS.sqlite.schema));
  const problems = [];
  if (!fs.existsSync(path.join(root, PROVIDERS.postgresql.schema)) || read(PROVIDERS.postgresql.schema) !== derived) {
    problems.push("prisma/postgresql/schema.prisma is out of date: run `npm run db:generate`.");
  }
  for (const name of Object.keys(PROVIDERS)) {
    if (pendingChange(name)) problems.push(`${name}: schema changed since the last migration: run \`npm run db:migrations -- <name>\`.`);
  }
  if (problems.length) {
    for (const p of problems) console.error(p);
    process.exit(1);
  }
  console.log("Schema, derived PostgreSQL schema and migrations agree.");
}

function setup() {
  const url = process.env.DATABASE_URL ?? "";
  const provider = databaseProvider(url);
  if (provider === "sqlite") {
    const file = sqliteUrl(url).slice("file:".length);
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  prisma(["migrate", "deploy", "--config", PROVIDERS[provider].config], { capture: true });
  console.log(`Database ready (${provider}); migrations applied.`);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [cmd, arg] = process.argv.slice(2);
  try {
    if (cmd === "generate") generate();
    else if (cmd === "migrations") await withDiffServer(() => migrations(arg));
    else if (cmd === "check") await withDiffServer(() => check());
    else if (cmd === "setup") setup();
    else {
      console.error("usage: node scripts/db.mjs generate|migrations [name]|check|setup");
      process.exit(2);
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
