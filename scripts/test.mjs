#!/usr/bin/env node
// `npm test`: generate the Prisma clients, run vitest (unit + integration on SQLite and PostgreSQL), then the
// browser tier (Playwright in Chromium), and close with one plain line: "tests: N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const results = path.join(root, "test-results");
fs.mkdirSync(results, { recursive: true });
const vitestJson = path.join(results, "vitest.json");
const playwrightJson = path.join(results, "playwright.json");
for (const f of [vitestJson, playwrightJson]) fs.rmSync(f, { force: true });

const node = (args, env = {}) => spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
const extra = process.argv.slice(2);

let failedSteps = 0;
if (node(["scripts/db.mjs", "generate"]) !== 0) failedSteps++;
const vitestStatus = node([
  path.join(root, "node_modules/vitest/vitest.mjs"),
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
  ...extra,
]);
if (vitestStatus !== 0) failedSteps++;
const e2eStatus = extra.length ? 0 : node(["scripts/e2e.mjs"], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson });
if (e2eStatus !== 0) failedSteps++;

let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(vitestJson)) {
  const v = JSON.parse(fs.readFileSync(vitestJson, "utf8"));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
} else if (vitestStatus !== 0) failed += 1;
if (fs.existsSync(playwrightJson)) {
  const p = JSON.parse(fs.readFileSync(playwrightJson, "utf8"));
  passed += (p.stats?.expected ?? 0) + (p.stats?.flaky ?? 0);
  failed += p.stats?.unexpected ?? 0;
  skipped += p.stats?.skipped ?? 0;
} else if (e2eStatus !== 0) failed += 1;
if (failed === 0 && failedSteps > 0) failed = failedSteps;

console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || failedSteps > 0 ? 1 : 0);
