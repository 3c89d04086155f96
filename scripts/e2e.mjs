#!/usr/bin/env node
// The browser tier: Playwright specs in tests/e2e against the production build in Chromium.
// Chromium: $CHROMIUM_PATH, Debian's /usr/bin/chromium, or Playwright's own if installed. With none, this tier
// says so in one loud line and is skipped, except under CI=true where that is a failure (.ci/run installs it).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  return null;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const chromium = findChromium();
  if (!chromium) {
    const line = "!!! BROWSER TESTS NOT RUN: no Chromium found (set CHROMIUM_PATH or `apt-get install chromium`) !!!";
    console.error(line);
    process.exit(process.env.CI === "true" ? 1 : 0);
  }
  const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...process.env, CHROMIUM_PATH: chromium } });
  const build = run([path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "build"]);
  if (build.status !== 0) process.exit(build.status ?? 1);
  const res = run([path.join(root, "node_modules/@playwright/test/cli.js"), "test", "-c", "tests/e2e/playwright.config.ts", ...process.argv.slice(2)]);
  process.exit(res.status ?? 1);
}
