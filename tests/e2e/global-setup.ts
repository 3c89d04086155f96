// Starts the production server (server.mjs, the real build) on loopback with a fresh migrated SQLite database, a
// shop and its offline session, as after a real install. Specs read E2E_BASE_URL / E2E_DATABASE_URL.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { E2E_ENV, E2E_SHOP } from "./env";
import { freePort } from "../../scripts/embedded-pg.mjs";

async function waitFor(url: string, ms: number) {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not start at ${url}: ${String(last)}`);
}

export default async function globalSetup() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-e2e-"));
  const databaseUrl = `file:${path.join(dir, "e2e.sqlite")}`;
  const port = await freePort();
  const env = {
    ...process.env,
    ...E2E_ENV,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "production" as const,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
  };
  execFileSync(process.execPath, ["scripts/db.mjs", "setup"], { cwd: root, env, stdio: "pipe" });
  execFileSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "tests/e2e/seed.ts"], { cwd: root, env, stdio: "inherit" });
  const server = spawn(process.execPath, ["server.mjs"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  const logFile = path.join(dir, "server.log");
  const log = fs.createWriteStream(logFile);
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  process.env.E2E_BASE_URL = `http://127.0.0.1:${port}`;
  process.env.E2E_DATABASE_URL = databaseUrl;
  process.env.E2E_SERVER_LOG = logFile;
  process.env.E2E_SHOP = E2E_SHOP;
  await waitFor(`http://127.0.0.1:${port}/`, 30_000);
  return async () => {
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
