// The recovery engine: a tick purges expired messages, then claims due checkouts in batches (with a lease) and works
// each batch in phases (app/recovery/README.md):
//   load (load-batch) -> decide (decide, with the pure planner app/lib/plan-checkout.ts) -> ledger (ledger) ->
//   stops and handoffs (stops-handoffs) -> re-check, send and record (send) -> advance (advance).
//
// Exactly once: a checkout is worked by one lease holder at a time (claimDueCheckouts); a ledger row is unique per
// (checkout, step, channel) and written before the provider is called; a row recorded as sent (or failed, or skipped)
// is never sent again. A tick that dies after claiming leaves its checkouts leased until the lease runs out; the next
// tick reclaims them and sends the rows still marked "sending" (the provider was never reached, or the outcome was
// never recorded: at-least-once toward the provider in that one case; the message id is passed as the key).
import { randomBytes } from "node:crypto";
import os from "node:os";
import { db as appDb, dbProvider as appProvider, withSqliteConnection as appSqlite } from "../db.server";
import { log } from "../log.server";
import { claimDueCheckouts, countDue, purgeExpiredMessages } from "../models/recovery.server";
import { shopsByRetentionDays } from "../models/recovery-outcomes.server";
import { advanceBatch } from "./advance.server";
import { decideBatch } from "./decide.server";
import { writeLedger } from "./ledger.server";
import { loadBatch } from "./load-batch.server";
import { RECONCILE_DEFAULTS, emptyReconcileStats, reconcileSweep } from "./reconcile.server";
import { sendAll } from "./send.server";
import { apart, handOff, stopCheckout } from "./stops-handoffs.server";
import { lap, lapStart, type Ctx } from "./tick-context";
import type { TickOptions, TickResult } from "./types";

export { ENGINE_ACTOR, engineProfile } from "./tick-context";

/** Checkouts per batch at most (batch reads inline their id lists; this bounds statement size and memory). */
export const MAX_BATCH = 1000;
const DEFAULT_BATCH = 250;

export function tickOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

function emptyResult(): TickResult {
  return {
    claimed: 0,
    sent: { email: 0, push: 0, whatsapp: 0 },
    skipped: {},
    trimmedSteps: 0,
    deferred: {},
    failed: 0,
    recordedApart: 0,
    alreadyAccepted: 0,
    retried: 0,
    lost: 0,
    contacted: 0,
    handoffs: 0,
    staffAlerts: 0,
    purged: 0,
    stillDue: 0,
    batches: 0,
    ms: 0,
    reconcile: emptyReconcileStats(),
  };
}

function newContext(opts: TickOptions): Ctx {
  const sql = {
    db: opts.db ?? appDb,
    provider: opts.provider ?? appProvider,
    sqlite: opts.withSqliteConnection ?? (!opts.db || opts.db === appDb ? appSqlite : undefined),
  };
  return { sql, opts, res: emptyResult(), shops: new Map(), synced: new Map(), reconcileUntil: 0, claimCutoff: new Date(0) };
}

/** One tick: retention, reconciliation, then claim and work batches until nothing is due or the budget is spent. */
export async function runTick(opts: TickOptions): Promise<TickResult> {
  const started = performance.now();
  const budgetMs = opts.budgetMs ?? 25_000;
  const batchSize = Math.min(MAX_BATCH, opts.batchSize ?? DEFAULT_BATCH);
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const ctx = newContext(opts);
  const clock = () => opts.now ?? new Date();
  if (opts.purge !== false) ctx.res.purged = await purgeExpiredMessages(ctx.sql, await shopsByRetentionDays(ctx.sql.db), clock());
  // Reconciliation sweep (a few shops, bounded in time; never throws): app/recovery/reconcile.server.ts.
  if (opts.reconcile) {
    await reconcileSweep({ now: clock(), options: opts.reconcile, stats: ctx.res.reconcile, done: ctx.synced });
    ctx.reconcileUntil = performance.now() + (opts.reconcile.budgetMs ?? RECONCILE_DEFAULTS.budgetMs);
  }
  // Each row at most once per tick: claims compare due times with the tick's start, and every advance this tick writes
  // lands after it (advance.server.ts), so a row whose next step is due at once waits for the next tick.
  ctx.claimCutoff = clock();
  while (performance.now() - started < budgetMs) {
    const now = clock();
    const ids = await claimDueCheckouts(ctx.sql, { owner: opts.owner, now: ctx.claimCutoff, leaseUntil: new Date(now.getTime() + leaseMs), limit: batchSize });
    if (!ids.length) break;
    ctx.res.claimed += ids.length;
    ctx.res.batches += 1;
    await processBatch(ctx, ids, now);
    // Let the event loop run between batches. Ticks run inside the web server (POST /cron/tick); with libsql
    // (synchronous) and channels that answer at once, every await in a tick resolves as a microtask, so without this
    // the event loop does not turn for the tick's whole budget (measured: not once in a 2 s tick over 10k checkouts):
    // requests wait, and so does the native clean-up of collected libsql statements.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // Due at the tick's end, counting the rows this tick landed just after its cutoff (due at once, for the next tick).
  ctx.res.stillDue = await countDue(ctx.sql, new Date(Math.max(clock().getTime(), ctx.claimCutoff.getTime() + 1)));
  ctx.res.ms = Math.round(performance.now() - started);
  const { sent, skipped, trimmedSteps, deferred, claimed, failed, recordedApart, alreadyAccepted, stillDue, ms } = ctx.res;
  if (claimed > 0 || ctx.res.purged > 0)
    log.info({ owner: opts.owner, claimed, sent, skipped, trimmedSteps, deferred, failed, recordedApart, alreadyAccepted, stillDue, ms }, "recovery tick");
  return ctx.res;
}

/** One batch, phase by phase. */
async function processBatch(ctx: Ctx, ids: string[], now: Date) {
  lapStart();
  const batch = await loadBatch(ctx, ids, now);
  if (!batch) return;
  lap("load");
  const decisions = await decideBatch(ctx, batch, now);
  lap("plan");
  // The ledger, before any provider is called.
  const toSend = await writeLedger(ctx, decisions, now);
  lap("ledger");
  // Stops, then handoffs and staff alerts. One checkout whose statement fails is logged and left leased (it comes back
  // after the lease); the rest go on.
  for (const st of decisions.stops) await apart(ctx, st.c, "stop", () => stopCheckout(ctx, st, now));
  for (const h of decisions.handoffs) await apart(ctx, h.c, "handoff", () => handOff(ctx, h, now));
  lap("stops+handoffs");
  const dropped = await sendAll(ctx, decisions.work, toSend, now);
  lap("send+record");
  await advanceBatch(ctx, batch.checkouts, decisions, dropped, now);
  lap("advance+stage");
}
