// Which database a DATABASE_URL means. Shared by the Prisma configs, scripts/db.mjs and app/db.server.ts.
import path from "node:path";

export const DEFAULT_SQLITE_FILE = "prisma/dev.sqlite";

/** "postgresql" for postgres:// or postgresql:// URLs, otherwise "sqlite" (the zero-configuration default). */
export function databaseProvider(url) {
  return url && /^postgres(ql)?:\/\//i.test(url) ? "postgresql" : "sqlite";
}

/** A libsql URL for a SQLite database: `file:` URLs and plain paths are resolved against the working directory. */
export function sqliteUrl(url) {
  const raw = url && url.trim() !== "" ? url : DEFAULT_SQLITE_FILE;
  const file = raw.startsWith("file:") ? raw.slice("file:".length) : raw;
  return `file:${path.resolve(process.cwd(), file)}`;
}
