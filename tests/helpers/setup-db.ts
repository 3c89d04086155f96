// Per worker: the Shopify app's test credentials, and a database of its own cloned from the migrated template.
// Runs before each test file's imports, so app/db.server.ts connects to this worker's database.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { API_KEY, API_SECRET_KEY, APP_URL } from "@shopify/shopify-api/test-helpers";

process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY = API_KEY;
process.env.SHOPIFY_API_SECRET = API_SECRET_KEY;
process.env.SHOPIFY_APP_URL = APP_URL;
process.env.CRON_SECRET ??= "test-cron-secret";
process.env.APP_ENCRYPTION_KEY ??= "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
process.env.LOG_LEVEL ??= "silent";

const worker = process.env.VITEST_POOL_ID ?? "1";

if (process.env.CR_TEST_DB === "postgres") {
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplateDb");
  const name = `cr_w${worker}_${process.pid}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
} else {
  const template = inject("sqliteTemplate");
  const file = path.join(path.dirname(template), `worker-${worker}-${process.pid}.sqlite`);
  if (!fs.existsSync(file)) fs.copyFileSync(template, file);
  process.env.DATABASE_URL = `file:${file}`;
}
