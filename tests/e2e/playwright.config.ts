import { defineConfig } from "@playwright/test";

// One production server for the run (tests/e2e/global-setup.ts), a fresh migrated SQLite database, Chromium from
// CHROMIUM_PATH (scripts/e2e.mjs finds it). One worker: the machine has two cores and the server needs one.
export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.ts$/,
  outputDir: "../../test-results/e2e",
  globalSetup: "./global-setup.ts",
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [["list"], ["json"]] : [["list"]],
  use: {
    browserName: "chromium",
    // A normal browser user agent: authenticate.* answers 410 to bots, and HeadlessChrome is flagged as one.
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
    viewport: { width: 1400, height: 900 },
  },
});
