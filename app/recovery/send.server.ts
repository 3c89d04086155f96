// Phases "re-check and send" and "record": messages go out in groups of sendConcurrency; each group's checkouts are
// read again right before (an order, a person's move or a lost lease stops them at once), and each provider answer is
// recorded as soon as it comes (Recorder): a kill -9 at any moment repeats only messages whose answer was not yet
// written, at most one group of them, and the group in flight is the only one: the next starts once this is written.
import { retryAt } from "../lib/cadence";
import { normalizeEmail, normalizePhone } from "../lib/contact";
import { hashAddress } from "../lib/suppression";
import { log } from "../log.server";
import {
  eachApart,
  markFailed,
  markRetry,
  markSent,
  markSentApart,
  markSkipped,
  recheckCheckouts,
  statementError,
  type DueCheckout,
  type SentRow,
} from "../models/recovery.server";
import { suppressBouncedAddress } from "../models/recovery-outcomes.server";
import type { ChannelName, OutboundMessage, SendResult } from "../channels/types";
import { bump, type Ctx, type PlannedSend, type StepWork } from "./tick-context";

type Fresh = Awaited<ReturnType<typeof recheckCheckouts>>[number];

/** Sorts a group by what the re-read says: go, or skip (with the reason), or drop (not ours to advance any more). */
function sortGroup(ctx: Ctx, group: PlannedSend[], state: Map<string, Fresh>, dropped: Set<string>) {
  const go: PlannedSend[] = [];
  const skip: Record<string, string[]> = {};
  for (const g of group) {
    const f = state.get(g.checkoutId);
    let reason: string | null = null;
    if (f && (f.completedAt || f.orderId))
      reason = "order_completed"; // an order completed it since we claimed it
    else if (f && (f.stage === "lost" || f.stage === "recovered"))
      reason = f.stage === "lost" ? "manual_lost" : "manual_recovered"; // a person's move
    else if (!f || f.leaseOwner !== ctx.opts.owner) {
      dropped.add(g.checkoutId); // another owner has it now: it will send the rows still marked "sending"
      continue;
    } else if (f.stage === "negotiating") {
      (skip.negotiating ??= []).push(g.messageId);
      continue;
    }
    if (reason) {
      (skip[reason] ??= []).push(g.messageId);
      dropped.add(g.checkoutId);
    } else go.push(g);
  }
  return { go, skip };
}

/** Sends every planned message; answers the checkouts this owner must not advance (an order came, a lease was lost). */
export async function sendAll(ctx: Ctx, work: Map<string, StepWork>, toSend: PlannedSend[], now: Date): Promise<Set<string>> {
  const dropped = new Set<string>();
  const concurrency = Math.max(1, ctx.opts.sendConcurrency ?? 64);
  const recorder = new Recorder(ctx, work, now);
  for (let i = 0; i < toSend.length; i += concurrency) {
    const group = toSend.slice(i, i + concurrency);
    const fresh = await recheckCheckouts(ctx.sql, [...new Set(group.map((g) => g.checkoutId))]);
    const { go, skip } = sortGroup(ctx, group, new Map(fresh.map((f) => [f.id, f])), dropped);
    for (const [reason, ids] of Object.entries(skip)) {
      await markSkipped(ctx.sql, ids, reason);
      bump(ctx.res.skipped, reason, ids.length);
    }
    await Promise.all(go.map((g) => sendOne(ctx, work.get(g.checkoutId)!, g, now).then((r) => recorder.answer(g, r))));
    await recorder.written();
  }
  return dropped;
}

async function sendOne(ctx: Ctx, w: StepWork, g: PlannedSend, now: Date): Promise<SendResult> {
  const sender = ctx.opts.channels[g.channel];
  if (!sender) return { kind: "failed", reason: "channel_unavailable" };
  const message: OutboundMessage = {
    messageId: g.messageId,
    channel: g.channel,
    shop: w.shop.view,
    checkout: w.view,
    step: g.step,
    incentive: w.incentive,
    now,
    windowEndsAt: w.plan.windowEnd,
  };
  try {
    return await sender.send(message);
  } catch (err) {
    // A thrown error is treated as transient: retried with backoff, then failed.
    log.warn({ shop: w.c.shop, checkoutId: w.c.id, channel: g.channel, err: String(err) }, "channel send threw");
    return { kind: "retry", at: now, reason: String(err).slice(0, 200) };
  }
}

type Answer = { g: PlannedSend; r: SendResult };

/**
 * Writes provider answers as they come. An answer waits only for the write in progress: each write takes every
 * answer that arrived meanwhile (one statement for the sent ones). So at any moment the answered-but-unwritten are
 * at most those that arrived during one write, and all of them belong to the group in flight (<= sendConcurrency).
 * A row a statement refuses is recorded apart (markSentApart); the rest of the write is unaffected.
 */
class Recorder {
  private queue: Answer[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: Ctx,
    private readonly work: Map<string, StepWork>,
    private readonly now: Date,
  ) {}

  answer(g: PlannedSend, r: SendResult): Promise<void> {
    this.queue.push({ g, r });
    this.running ??= this.loop();
    return this.running;
  }

  async written(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length) await this.write(this.queue.splice(0));
    } finally {
      this.running = null;
    }
  }

  private async write(answers: Answer[]): Promise<void> {
    await this.writeSent(answers);
    for (const a of answers) await this.writeOther(a);
    this.ctx.opts.hooks?.recorded?.(answers.map((a) => a.g.messageId));
  }

  /** The sent answers, in one statement; a row it refuses is recorded apart. */
  private async writeSent(answers: Answer[]): Promise<void> {
    const { sql, res } = this.ctx;
    const sent: SentRow[] = [];
    for (const { g, r } of answers) {
      if (r.kind === "sent")
        sent.push({
          id: g.messageId,
          providerId: r.providerId,
          recipient: r.recipient ?? null,
          subject: r.subject ?? null,
          bodyHtml: r.bodyHtml ?? null,
          bodyText: r.bodyText ?? null,
        });
    }
    const refused = await eachApart(
      sent,
      (rows) => markSent(sql, rows, this.now),
      (row) => markSent(sql, [row], this.now),
    );
    for (const { row, error } of refused) {
      const reason = statementError(error);
      res.recordedApart += 1;
      const w = this.work.get(answers.find((a) => a.g.messageId === row.id)!.g.checkoutId)!;
      log.error({ messageId: row.id, checkoutId: w.c.id, shop: w.c.shop, err: reason }, "recovery: sent message refused by a statement; recorded apart");
      await markSentApart(sql, row, this.now, reason).catch((err: unknown) =>
        log.error({ messageId: row.id, err: statementError(err) }, "recovery: sent message not recorded"),
      );
    }
  }

  /** Counts a sent answer; records a retry or a failure (a permanent address failure suppresses the address). */
  private async writeOther({ g, r }: Answer): Promise<void> {
    const { sql, res } = this.ctx;
    const now = this.now;
    const w = this.work.get(g.checkoutId)!;
    if (r.kind === "sent") {
      res.sent[g.channel] += 1;
      w.sentNow += 1;
      return;
    }
    try {
      if (r.kind === "failed") {
        await markFailed(sql, { id: g.messageId, reason: r.reason, now });
        res.failed += 1;
        if (r.permanentAddressFailure) await suppressAddress(this.ctx, w.c, g.channel, now);
        return;
      }
      const at = retryAt({ attempts: g.attempts + 1, providerAt: r.at, now, deadline: w.plan.windowEnd });
      if (!at) {
        await markFailed(sql, { id: g.messageId, reason: `retries exhausted: ${r.reason}`, now });
        res.failed += 1;
        return;
      }
      await markRetry(sql, { id: g.messageId, at, reason: r.reason, now });
      res.retried += 1;
      bump(res.deferred, "retry");
      if (!w.waitUntil || at < w.waitUntil) w.waitUntil = at;
    } catch (err) {
      res.recordedApart += 1;
      log.error({ messageId: g.messageId, checkoutId: w.c.id, shop: w.c.shop, err: statementError(err) }, "recovery: send outcome not recorded");
    }
  }
}

async function suppressAddress(ctx: Ctx, c: DueCheckout, channel: ChannelName, now: Date) {
  const normalized = channel === "email" ? normalizeEmail(c.email) : channel === "whatsapp" ? normalizePhone(c.phone) : null;
  if (!normalized) return; // push: the push channel deletes a gone subscription itself
  await suppressBouncedAddress(ctx.sql.db, { shop: c.shop, channel, address: hashAddress(normalized), now });
}
