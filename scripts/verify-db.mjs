// Start-up check: the generated Prisma client, the schema and the database's applied migrations must agree.
// Returns one clear line describing the first disagreement, or null.
import fs from "node:fs";
import path from "node:path";
import { databaseProvider, sqliteUrl } from "./database-url.mjs";

const CLIENT_DIRS = { sqlite: "node_modules/.prisma/client", postgresql: "node_modules/.prisma-postgres/client" };
const SCHEMAS = { sqlite: "prisma/schema.prisma", postgresql: "prisma/postgresql/schema.prisma" };
const MIGRATIONS = { sqlite: "prisma/migrations", postgresql: "prisma/postgresql/migrations" };

function stripComments(s) {
  return s
    .split("\n")
    .map((l) => l.replace(/\/\/.*$/, "").trimEnd())
    .filter((l) => l.trim() !== "")
    .join("\n");
}

export function shippedMigrations(root, provider) {
  const dir = path.join(root, MIGRATIONS[provider]);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

async function appliedMigrations(url, provider) {
  const sql = "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL";
  if (provider === "postgresql") {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows.map((r) => r.migration_name);
    } catch {
      return [];
    } finally {
      await client.end();
    }
  }
  const file = sqliteUrl(url).slice("file:".length);
  if (!fs.existsSync(file)) return [];
  const { createClient } = await import("@libsql/client");
  const client = createClient({ url: sqliteUrl(url) });
  try {
    return (await client.execute(sql)).rows.map((r) => String(r.migration_name));
  } catch {
    return [];
  } finally {
    client.close();
  }
}

export async function verifyDatabase({ root = process.cwd(), url = process.env.DATABASE_URL } = {}) {
  const provider = databaseProvider(url);
  const generated = path.join(root, CLIENT_DIRS[provider], "schema.prisma");
  if (!fs.existsSync(generated)) return `The ${provider} Prisma client is not generated: run \`npm run db:generate\`.`;
  const schema = path.join(root, SCHEMAS[provider]);
  if (stripComments(fs.readFileSync(generated, "utf8")).replace(/\s+/g, " ") !== stripComments(fs.readFileSync(schema, "utf8")).replace(/\s+/g, " ")) {
    return `The generated ${provider} Prisma client does not match ${SCHEMAS[provider]}: run \`npm run db:generate\`.`;
  }
  const shipped = shippedMigrations(root, provider);
  let applied;
  try {
    applied = await appliedMigrations(url, provider);
  } catch (e) {
    return `Cannot reach the ${provider} database: ${e instanceof Error ? e.message : String(e)}`;
  }
  const unknown = applied.filter((m) => !shipped.includes(m));
  if (unknown.length) return `The database has ${unknown.length} migration(s) this build does not know (${unknown[0]}): deploy the matching code.`;
  const pending = shipped.filter((m) => !applied.includes(m));
  if (pending.length) return `The database is missing ${pending.length} migration(s) (first: ${pending[0]}): run \`npm run setup\`.`;
  return null;
}
