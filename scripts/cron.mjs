#!/usr/bin/env node
// npm run cron: tick the local app's POST /cron/tick on an interval (what a system cron, a platform cron job or a
// Kubernetes CronJob does in production). Reads CRON_SECRET; CRON_URL (default http://127.0.0.1:$PORT/cron/tick,
// PORT 3000) and CRON_INTERVAL_SECONDS (default 60). Runs one tick at a time; Ctrl-C stops it.
const secret = process.env.CRON_SECRET;
if (!secret) {
  console.error("CRON_SECRET is not set: export the same secret the app runs with.");
  process.exit(1);
}
const url = process.env.CRON_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}/cron/tick`;
const intervalMs = Math.max(5, Number(process.env.CRON_INTERVAL_SECONDS ?? 60)) * 1000;

async function tickOnce() {
  const started = Date.now();
  try {
    const res = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${secret}` } });
    const body = await res.text();
    console.log(`${new Date().toISOString()} ${res.status} ${body} (${Date.now() - started} ms)`);
  } catch (err) {
    console.error(`${new Date().toISOString()} tick failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

let stopping = false;
process.on("SIGINT", () => {
  stopping = true;
  process.exit(0);
});
console.log(`ticking ${url} every ${intervalMs / 1000} s`);
while (!stopping) {
  await tickOnce();
  await new Promise((r) => setTimeout(r, intervalMs));
}
