// POST /cron/tick: the scheduler's entry point (system cron, a platform cron job, a Kubernetes CronJob, `npm run cron`).
// Guarded by `Authorization: Bearer $CRON_SECRET`, compared in constant time. Runs one engine tick within a time budget
// (app/recovery/cron-tick.server.ts) and answers what it did. `now` in the body is honoured only when NODE_ENV=test or
// DEMO_MODE=1 (never in production).
import type { ActionFunctionArgs } from "@remix-run/node";
import { demoOverrides } from "../demo-hook.server";
import { jsonResponse } from "../lib/json-response";
import { bearerMatches, parseTickBody } from "../lib/tick-request";
import { log } from "../log.server";
import { runCronTick } from "../recovery/cron-tick.server";

export { bearerMatches };

const json = (body: unknown, status = 200) => jsonResponse(status, body, { "Cache-Control": "no-store" });

function clockOverrideAllowed(): boolean {
  return process.env.NODE_ENV === "test" || demoOverrides().allowClockOverride;
}

export async function loader() {
  return json({ error: "use POST" }, 405);
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "use POST" }, 405);
  const secret = process.env.CRON_SECRET?.trim();
  if (!secret) return json({ error: "CRON_SECRET is not set: the tick endpoint is disabled until it is" }, 503);
  if (!bearerMatches(request.headers.get("authorization"), secret)) return json({ error: "unauthorized" }, 401);

  const parsed = parseTickBody(await request.text());
  if (!parsed.ok) return json({ error: parsed.error }, 400);
  const body = parsed.body;
  if (body.now && !clockOverrideAllowed()) return json({ error: "now is accepted only when NODE_ENV=test or DEMO_MODE=1" }, 400);

  try {
    return json(await runCronTick({ now: body.now ? new Date(body.now) : new Date(), budgetMs: body.budgetMs, batchSize: body.batchSize }));
  } catch (err) {
    log.error({ err: String(err) }, "cron tick failed");
    return json({ error: "tick failed; see the server log" }, 500);
  }
}
