// The recovery engine: one tick claims due checkouts in batches (with a lease), decides with app/lib (eligibility,
// quiet hours, frequency cap, scoring, handoff), writes the send ledger BEFORE calling any provider, re-checks each
// checkout right before its messages go out, records every outcome, and moves each timeline on.
//
// Exactly once: a checkout is worked by one lease holder at a time (claimDueCheckouts); a ledger row is unique per
// (checkout, step, channel) and written before the provider is called; a row recorded as sent (or failed, or skipped)
// is never sent again. A tick that dies after claiming leaves its checkouts leased until the lease runs out; the next
// tick reclaims them and sends the rows still marked "sending" (the provider was never reached, or the outcome was
// never recorded: at-least-once toward the provider in that one case; the message id is passed as the key).
import { adminCheckoutUrl } from "../lib/admin-links";
import { toShopView } from "../lib/shop-view";
import { checkoutViewOf } from "../lib/checkout-view";
import { randomBytes } from "node:crypto";
import os from "node:os";
import type { Shop } from "@prisma/client";
import type { ChannelName, CheckoutView, IncentiveView, OutboundMessage, SendResult, ShopView } from "../channels/types";
import { db as appDb, dbProvider as appProvider, withSqliteConnection as appSqlite } from "../db.server";
import { scheduleAfter, retryAt, windowEndsAt } from "../lib/cadence";
import { channelSkipReason, checkoutDecision, parseCustomerTags, reachableChannels, resolveWhatsAppConsent, type ChannelFacts, type StopReason } from "../lib/eligibility";
import { capAllows, capWindowStart } from "../lib/frequency-cap";
import { handoffDecision, handoffSummary, type HandoffReason } from "../lib/handoff";
import { formatMoney } from "../lib/money";
import { quietHoursEnd } from "../lib/quiet-hours";
import { averageOrderMinor, scoreCheckout, type Score } from "../lib/scoring";
import { CHANNELS, enabledSteps, parseSettings, type CadenceStep, type Channel, type Settings } from "../lib/settings";
import { normalizeEmail, normalizePhone } from "../lib/contact";
import { isNewerCheckout } from "../lib/update-order";
import { hashAddress, suppressionKeys } from "../lib/suppression";
import { log } from "../log.server";
import { audit } from "../models/audit.server";
import { loadWhatsAppConsents } from "../models/customer-consent.server";
import { moveStageTx } from "../models/pipeline.server";
import {
  acceptedByProvider,
  advanceCheckouts,
  claimDueCheckouts,
  eachApart,
  insertFailedLedgerRow,
  markSentApart,
  releaseForRetry,
  statementError,
  countDue,
  insertLedgerRows,
  loadBatchContext,
  loadClaimedCheckouts,
  recheckCheckouts,
  markFailed,
  markRetry,
  markSendingAgain,
  markSent,
  markSkipped,
  newMessageId,
  purgeExpiredMessages,
  type Advance,
  type DueCheckout,
  type LedgerRow,
  type SentRow,
  type Sql,
} from "../models/recovery.server";
import { noIncentives, type StepView, type TickOptions, type TickResult } from "./types";
import { RECONCILE_DEFAULTS, emptyReconcileStats, ordersGate, reconcileSweep, type OrdersGate, type ShopSyncResult } from "./reconcile.server";

export const ENGINE_ACTOR = "system:engine";
const COUNTED_STATUSES = ["pending", "sending", "sent", "delivered", "opened", "clicked"];
const OPEN_STATUSES = new Set(["pending", "sending"]);
const SENT_STATUSES = new Set(["sent", "delivered", "opened", "clicked"]);
const HANDOFF_STEP = "handoff";
/** Checkouts per batch at most (batch reads inline their id lists; this bounds statement size and memory). */
export const MAX_BATCH = 1000;
const DEFAULT_BATCH = 250;

/** Wall time per phase of a batch, summed over the process (read by bench/tick.ts; cheap enough to keep on). */
export const engineProfile: Record<string, number> = {};
let mark = 0;
function lap(phase: string) {
  const t = performance.now();
  if (mark) engineProfile[phase] = (engineProfile[phase] ?? 0) + (t - mark);
  mark = t;
}

export function tickOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

interface ShopCtx {
  view: ShopView;
  settings: Settings;
  steps: CadenceStep[];
  averageOrderMinor: number | null;
  staffEmail: string | null;
}

interface LedgerInfo {
  id: string;
  checkoutId: string;
  stepId: string;
  channel: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date | null;
  incentiveCode: string | null;
}

interface PlannedSend {
  messageId: string;
  checkoutId: string;
  channel: ChannelName;
  step: StepView;
  attempts: number;
  isNew: boolean;
  /** A row an earlier owner left "sending" (it may have reached the provider before that owner died). */
  leftSending: boolean;
}

interface StepPlan {
  c: DueCheckout;
  shop: ShopCtx;
  step: StepView;
  view: CheckoutView;
  incentive: IncentiveView | null;
  windowEnd: Date;
  score: Score;
  /** Earliest retry already scheduled for a channel of this step (the step is not done before). */
  waitUntil: Date | null;
  sentNow: number;
  /** A channel of this step was sent by an earlier owner that died before advancing the checkout. */
  sentBefore: boolean;
}

interface HandoffPlan {
  c: DueCheckout;
  shop: ShopCtx;
  reasons: HandoffReason[];
  score: Score;
  alertRow: LedgerInfo | null;
}

interface Ctx {
  sql: Sql;
  opts: TickOptions;
  res: TickResult;
  shops: Map<string, ShopCtx | null>;
  /** Reconciliation runs of this tick, per shop, and when the gates stop reconciling (issue 14). */
  synced: Map<string, ShopSyncResult>;
  reconcileUntil: number;
  /** The tick's start: what claims compare due times with, and what every advance written this tick lands after. */
  claimCutoff: Date;
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function bump(map: Record<string, number>, key: string, n = 1) {
  map[key] = (map[key] ?? 0) + n;
}

function defaultAdminUrl(shop: string, checkoutId: string): string {
  return adminCheckoutUrl(shop, checkoutId, process.env.SHOPIFY_API_KEY);
}

export function shopView(shop: Shop, settings: Settings): ShopView {
  return toShopView(shop, settings);
}


async function loadShops(ctx: Ctx, domains: string[]) {
  const missing = domains.filter((d) => !ctx.shops.has(d));
  if (!missing.length) return;
  const rows = await ctx.sql.db.shop.findMany({ where: { domain: { in: missing } } });
  for (const d of missing) ctx.shops.set(d, null);
  for (const shop of rows) {
    if (shop.uninstalledAt) continue;
    const settings = parseSettings(shop.settings);
    ctx.shops.set(shop.domain, {
      view: shopView(shop, settings),
      settings,
      steps: enabledSteps(settings),
      averageOrderMinor: averageOrderMinor(shop.orderCount, shop.orderRevenueMinor),
      staffEmail: settings.handoff.staffAlertEmail ?? shop.email ?? null,
    });
  }
}

/** One tick: purge, then claim and work batches until nothing is due or the budget is spent. */
export async function runTick(opts: TickOptions): Promise<TickResult> {
  const started = performance.now();
  const budgetMs = opts.budgetMs ?? 25_000;
  const batchSize = Math.min(MAX_BATCH, opts.batchSize ?? DEFAULT_BATCH);
  const leaseMs = opts.leaseMs ?? 5 * 60_000;
  const ctx: Ctx = {
    sql: {
      db: opts.db ?? appDb,
      provider: opts.provider ?? appProvider,
      sqlite: opts.withSqliteConnection ?? (!opts.db || opts.db === appDb ? appSqlite : undefined),
    },
    opts,
    res: emptyResult(),
    shops: new Map(),
    synced: new Map(),
    reconcileUntil: 0,
    claimCutoff: new Date(0),
  };
  const clock = () => opts.now ?? new Date();
  if (opts.purge !== false) ctx.res.purged = await purgeRetention(ctx, clock());
  // Reconciliation sweep (a few shops, bounded in time; never throws): app/recovery/reconcile.server.ts.
  if (opts.reconcile) {
    await reconcileSweep({ now: clock(), options: opts.reconcile, stats: ctx.res.reconcile, done: ctx.synced });
    ctx.reconcileUntil = performance.now() + (opts.reconcile.budgetMs ?? RECONCILE_DEFAULTS.budgetMs);
  }
  // Each row at most once per tick: claims compare due times with the tick's start, and every advance this tick writes
  // lands after it (advanceAll in processBatch), so a row whose next step is due at once waits for the next tick.
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
  if (claimed > 0 || ctx.res.purged > 0) log.info({ owner: opts.owner, claimed, sent, skipped, trimmedSteps, deferred, failed, recordedApart, alreadyAccepted, stillDue, ms }, "recovery tick");
  return ctx.res;
}

async function purgeRetention(ctx: Ctx, now: Date): Promise<number> {
  const shops = await ctx.sql.db.shop.findMany({ select: { domain: true, settings: true } });
  const byDays = new Map<number, string[]>();
  for (const s of shops) {
    const days = parseSettings(s.settings).retentionDays;
    byDays.set(days, [...(byDays.get(days) ?? []), s.domain]);
  }
  return purgeExpiredMessages(ctx.sql, byDays, now);
}

async function processBatch(ctx: Ctx, ids: string[], now: Date) {
  const { sql, opts, res } = ctx;
  mark = performance.now();
  let checkouts = await loadClaimedCheckouts(sql, ids, opts.owner);
  if (!checkouts.length) return;
  let shopDomains = [...new Set(checkouts.map((c) => c.shop))];
  // Orders known up to the last sync before any step goes out (once per shop per batch; issue 14). Orders it found
  // completed some of these checkouts and released their leases: read the batch again.
  let gates: Map<string, OrdersGate> | null = null;
  if (opts.reconcile) {
    const gate = await ordersGate({ shops: shopDomains, now, options: opts.reconcile, stats: res.reconcile, done: ctx.synced, deadline: ctx.reconcileUntil });
    gates = gate.gates;
    if (gate.changed) {
      checkouts = await loadClaimedCheckouts(sql, ids, opts.owner);
      if (!checkouts.length) return;
      shopDomains = [...new Set(checkouts.map((c) => c.shop))];
    }
  }
  await loadShops(ctx, shopDomains);

  const keys = [...new Set(checkouts.map((c) => c.customerKey).filter((k): k is string => !!k))];
  const addressKeys = [...new Set(checkouts.flatMap((c) => [...suppressionKeys("email", c.email), ...suppressionKeys("phone", c.phone)]))];
  const tokens = checkouts.map((c) => c.token);
  const cartTokens = checkouts.map((c) => c.cartToken).filter((t): t is string => !!t);
  let capStart = now;
  for (const d of shopDomains) {
    const shop = ctx.shops.get(d);
    if (shop) {
      const start = capWindowStart(now, shop.settings.frequencyCap);
      if (start < capStart) capStart = start;
    }
  }
  const { ledger, suppressions, pushSubs, siblings, capRows } = await loadBatchContext(sql, {
    checkoutIds: checkouts.map((c) => c.id),
    shops: shopDomains,
    addressKeys,
    tokens,
    cartTokens,
    customerKeys: keys,
    capStart,
    capStatuses: COUNTED_STATUSES,
    channels: CHANNELS,
  });
  // Shopify's WhatsApp marketing consent per customer (customers_whats_app_marketing_consent/update).
  const consentPairs = checkouts.filter((c) => c.customerId).map((c) => ({ shop: c.shop, customerId: c.customerId! }));
  const consents = consentPairs.length ? await loadWhatsAppConsents(sql.db, consentPairs) : new Map();
  lap("load");
  const ledgerBy = new Map<string, LedgerInfo[]>();
  for (const m of ledger) push(ledgerBy, m.checkoutId, m);
  const suppressedBy = new Map<string, Set<string>>();
  for (const s of suppressions) {
    const k = `${s.shop}|${s.address}`;
    suppressedBy.set(k, (suppressedBy.get(k) ?? new Set()).add(s.channel));
  }
  const pushBy = new Map<string, string>();
  for (const p of pushSubs) {
    if (p.checkoutToken) pushBy.set(`${p.shop}|t|${p.checkoutToken}`, p.endpoint);
    if (p.cartToken) pushBy.set(`${p.shop}|c|${p.cartToken}`, p.endpoint);
  }
  const siblingsBy = new Map<string, typeof siblings>();
  for (const s of siblings) {
    const k = `${s.shop}|${s.customerKey}`;
    push(siblingsBy, k, s);
  }
  // Frequency cap: the shopper's reminders (one per checkout and step, at its first row's time).
  const capCount = new Map<string, Map<string, Date>>();
  for (const m of capRows) {
    const k = `${m.shop}|${m.customerKey}`;
    const reminders = capCount.get(k) ?? new Map<string, Date>();
    const key = `${m.checkoutId}|${m.stepId}`;
    const seen = reminders.get(key);
    if (!seen || m.createdAt < seen) reminders.set(key, m.createdAt);
    capCount.set(k, reminders);
  }

  const newRows: LedgerRow[] = [];
  const sends: PlannedSend[] = [];
  const resendPending: string[] = [];
  const plans = new Map<string, StepPlan>();
  const simpleAdvances: Advance[] = [];
  const stops: Array<{ c: DueCheckout; reason: StopReason; lost: boolean; openRows: string[] }> = [];
  const handoffs: HandoffPlan[] = [];

  for (const c of checkouts) {
    try {
      const shop = ctx.shops.get(c.shop) ?? null;
      const rows = ledgerBy.get(c.id) ?? [];
      const openRows = rows.filter((r) => OPEN_STATUSES.has(r.status) && r.channel !== "staff_alert").map((r) => r.id);
      if (!shop) {
        stops.push({ c, reason: "already_stopped", lost: false, openRows });
        continue;
      }
      const settings = shop.settings;
      const abandonedAt = c.abandonedAt ?? c.shopifyCreatedAt;
      const windowEnd = windowEndsAt(abandonedAt, settings);

      // Another checkout of the same shopper: a newer one carries the sequence; one completed since means they bought.
      let newerSibling: { completed: boolean } | null = null;
      if (c.customerKey) {
        for (const s of siblingsBy.get(`${c.shop}|${c.customerKey}`) ?? []) {
          if (s.id === c.id || s.isTest) continue;
          if (s.completedAt && s.completedAt >= c.shopifyCreatedAt) {
            newerSibling = { completed: true };
            break;
          }
          // Created in the same second (two devices): the later id carries the sequence (app/lib/update-order.ts).
          if (!s.completedAt && isNewerCheckout(s, c)) newerSibling = { completed: false };
        }
      }
      const decision = checkoutDecision(
        { status: c.status, completedAt: c.completedAt, orderId: c.orderId, isTest: c.isTest, isStaff: c.isStaff, totalMinor: c.shopTotalMinor, stage: c.stage, newerSibling, customerTags: parseCustomerTags(c.customerTags) },
        settings,
        now,
        windowEnd,
      );
      if (decision.action === "stop") {
        stops.push({ c, reason: decision.reason, lost: decision.lost, openRows });
        continue;
      }
      if (decision.action === "pause") {
        bump(res.deferred, decision.reason);
        simpleAdvances.push(advanceOf(c, c.nextStepIndex, decision.until < windowEnd ? decision.until : windowEnd, c.status));
        continue;
      }

      const suppressed = new Set<string>();
      for (const k of [...suppressionKeys("email", c.email), ...suppressionKeys("phone", c.phone)]) {
        for (const ch of suppressedBy.get(`${c.shop}|${k}`) ?? []) suppressed.add(ch);
      }
      const pushEndpoint = pushBy.get(`${c.shop}|t|${c.token}`) ?? (c.cartToken ? pushBy.get(`${c.shop}|c|${c.cartToken}`) : undefined) ?? null;
      const facts: Omit<ChannelFacts, "available"> = {
        email: c.email,
        phone: c.phone,
        hasPushSubscription: !!pushEndpoint,
        emailConsent: c.emailConsent,
        smsConsent: c.smsConsent,
        whatsappConsent: resolveWhatsAppConsent(c.customerId ? consents.get(`${c.shop}|${c.customerId}`) : null, { consent: c.whatsappConsent }),
        suppressed: suppressed as ReadonlySet<Channel | "all">,
      };
      const score = scoreCheckout({
        totalMinor: c.shopTotalMinor,
        averageOrderMinor: shop.averageOrderMinor,
        highValueThresholdMinor: settings.handoff.highValueThresholdMinor,
        returningCustomer: c.returningCustomer,
        customerOrdersCount: c.customerOrdersCount,
        failedPayment: c.failedPayment,
        abandonedAt,
        now,
        reachableChannels: reachableChannels(facts, settings).length,
      });
      const hand = handoffDecision(c, settings.handoff);
      if (hand.handoff) {
        const alertRow = rows.find((r) => r.channel === "staff_alert" && r.stepId === HANDOFF_STEP) ?? null;
        if (!c.handoff || !alertRow || OPEN_STATUSES.has(alertRow.status)) handoffs.push({ c, shop, reasons: hand.reasons, score, alertRow });
        if (!hand.continueAutomation) {
          stops.push({ c, reason: "handed_off", lost: false, openRows });
          continue;
        }
      }

      const steps = shop.steps;
      const idx = c.nextStepIndex;
      if (idx >= steps.length) {
        // Every step is done: wait for the window to close (then Lost).
        simpleAdvances.push(advanceOf(c, idx, windowEnd, "abandoned", score));
        continue;
      }
      const gate = gates?.get(c.shop);
      if (gate && !gate.send) {
        bump(res.deferred, gate.reason);
        simpleAdvances.push(advanceOf(c, idx, gate.until < windowEnd ? gate.until : windowEnd, "abandoned", score));
        continue;
      }
      const quietEnd = quietHoursEnd(now, settings.quietHours, shop.view.timezone);
      if (quietEnd) {
        bump(res.deferred, "quiet_hours");
        simpleAdvances.push(advanceOf(c, idx, quietEnd < windowEnd ? quietEnd : windowEnd, "abandoned", score));
        continue;
      }

      const base = steps[idx];
      const step: StepView = { ...base, index: idx, isFinal: idx === steps.length - 1 };
      const stepRows = rows.filter((r) => r.stepId === step.id);
      let waitUntil: Date | null = null;
      const resends: LedgerInfo[] = [];
      const fresh: Channel[] = [];
      const skippedRows: Array<{ channel: Channel; reason: string }> = [];
      for (const channel of [...new Set(step.channels)]) {
        const row = stepRows.find((r) => r.channel === channel);
        if (row) {
          if (row.status === "sending") resends.push(row);
          else if (row.status === "pending") {
            if (!row.nextAttemptAt || row.nextAttemptAt <= now) resends.push(row);
            else if (!waitUntil || row.nextAttemptAt < waitUntil) waitUntil = row.nextAttemptAt;
          }
          continue; // sent, failed or skipped: done for good
        }
        const sender = ctx.opts.channels[channel];
        const available = !!sender && sender.status(shop.view).enabled;
        const reason = channelSkipReason(channel, { ...facts, available }, settings);
        if (reason) skippedRows.push({ channel, reason });
        else fresh.push(channel);
      }
      if (c.customerKey && fresh.length) {
        // The step is one reminder: it goes out on every channel it can, or (over the cap) is trimmed as a whole.
        const k = `${c.shop}|${c.customerKey}`;
        const reminders = capCount.get(k) ?? new Map<string, Date>();
        const key = `${c.id}|${step.id}`;
        if (!reminders.has(key)) {
          if (capAllows([...reminders.values()], now, settings.frequencyCap)) reminders.set(key, now);
          else {
            for (const ch of fresh) skippedRows.push({ channel: ch, reason: "frequency_cap" });
            fresh.length = 0;
            res.trimmedSteps += 1;
          }
        }
        capCount.set(k, reminders);
      }
      const view = { ...checkoutViewOf(c), whatsappConsent: facts.whatsappConsent };
      let incentive: IncentiveView | null = null;
      if ((fresh.length || resends.length) && step.carriesIncentive && settings.incentive.enabled) {
        try {
          incentive = await (opts.incentives ?? noIncentives).issue({ shop: shop.view, checkout: view, step, now });
        } catch (err) {
          log.warn({ shop: c.shop, checkoutId: c.id, err: String(err) }, "incentive not issued; sending without");
        }
      }
      for (const { channel, reason } of skippedRows) {
        bump(res.skipped, reason);
        newRows.push(ledgerRow(c, step, channel, now, { status: "skipped", skipReason: reason }));
      }
      for (const channel of fresh) {
        const row = ledgerRow(c, step, channel, now, {
          status: "sending",
          recipient: channel === "email" ? normalizeEmail(c.email) : channel === "whatsapp" ? normalizePhone(c.phone) : endpointHost(pushEndpoint),
          incentiveCode: incentive?.code ?? null,
        });
        newRows.push(row);
        sends.push({ messageId: row.id, checkoutId: c.id, channel, step, attempts: 0, isNew: true, leftSending: false });
      }
      for (const r of resends) {
        if (r.status === "pending") resendPending.push(r.id);
        sends.push({ messageId: r.id, checkoutId: c.id, channel: r.channel as ChannelName, step, attempts: r.attempts, isNew: false, leftSending: r.status === "sending" });
      }
      const sentBefore = stepRows.some((r) => SENT_STATUSES.has(r.status));
      plans.set(c.id, { c, shop, step, view, incentive, windowEnd, score, waitUntil, sentNow: 0, sentBefore });
    } catch (err) {
      // Left leased: it comes back after the lease, and the error is in the log.
      log.error({ checkoutId: c.id, shop: c.shop, err: String(err) }, "recovery: checkout not processed");
    }
  }

  lap("plan");
  // 1. The ledger, before any provider is called.
  const inserted = await insertLedger(ctx, newRows, now);
  await markSendingAgain(sql, resendPending, now);
  let toSend = sends.filter((s) => !s.isNew || inserted.has(s.messageId));
  // Rows a dead owner left "sending": the provider may have accepted them before it died. Those it has told us about
  // (provider events carry our message id) are recorded as sent, not sent again (issue 15).
  const leftSending = toSend.filter((g) => g.leftSending).map((g) => g.messageId);
  if (leftSending.length) {
    const accepted = await acceptedByProvider(sql, leftSending);
    if (accepted.size) {
      await markSent(sql, [...accepted].map((id) => ({ id, providerId: null, recipient: null, subject: null, bodyHtml: null, bodyText: null })), now);
      for (const g of toSend) if (accepted.has(g.messageId)) plans.get(g.checkoutId)!.sentNow += 1;
      res.alreadyAccepted += accepted.size;
      log.warn({ count: accepted.size }, "recovery: rows left sending were already accepted by the provider; not sent again");
      toSend = toSend.filter((g) => !accepted.has(g.messageId));
    }
  }

  lap("ledger");
  // 2. Stops (order completed, window passed, exclusions, handed off).
  // One checkout whose statement fails is logged and left leased (it comes back after the lease); the rest go on.
  for (const st of stops) await apart(ctx, st.c, "stop", () => stopCheckout(ctx, st, now));

  // 3. Handoffs and staff alerts (exactly once, through the ledger).
  for (const h of handoffs) await apart(ctx, h.c, "handoff", () => handOff(ctx, h, now));

  lap("stops+handoffs");
  // 4. Send, re-checking each group of checkouts right before its messages go out. Each answer is recorded as soon as
  // it comes (Recorder): a kill -9 at any moment repeats only messages whose answer was not yet written, at most one
  // group (sendConcurrency) of them, and the group in flight is the only one: the next starts once this one is written.
  const dropped = new Set<string>(); // checkouts that must not be advanced by us (order came, lease lost)
  const concurrency = Math.max(1, opts.sendConcurrency ?? 64);
  const recorder = new Recorder(ctx, plans, now);
  for (let i = 0; i < toSend.length; i += concurrency) {
    const group = toSend.slice(i, i + concurrency);
    const fresh = await recheckCheckouts(sql, [...new Set(group.map((g) => g.checkoutId))]);
    const state = new Map(fresh.map((f) => [f.id, f]));
    const go: PlannedSend[] = [];
    const skipOrder: string[] = [];
    const skipPaused: string[] = [];
    const skipManual: Record<string, string[]> = {};
    for (const g of group) {
      const f = state.get(g.checkoutId);
      if (f && (f.completedAt || f.orderId)) {
        skipOrder.push(g.messageId); // an order completed it since we claimed it: stop at once
        dropped.add(g.checkoutId);
      } else if (f && (f.stage === "lost" || f.stage === "recovered")) {
        // A person moved the card to Lost or Recovered meanwhile (the move stopped automation): nothing goes out.
        (skipManual[f.stage === "lost" ? "manual_lost" : "manual_recovered"] ??= []).push(g.messageId);
        dropped.add(g.checkoutId);
      } else if (!f || f.leaseOwner !== opts.owner) {
        dropped.add(g.checkoutId); // another owner has it now: it will send the rows still marked "sending"
      } else if (f.stage === "negotiating") {
        skipPaused.push(g.messageId);
      } else go.push(g);
    }
    if (skipOrder.length) {
      await markSkipped(sql, skipOrder, "order_completed", now);
      bump(res.skipped, "order_completed", skipOrder.length);
    }
    for (const [reason, ids] of Object.entries(skipManual)) {
      await markSkipped(sql, ids, reason, now);
      bump(res.skipped, reason, ids.length);
    }
    if (skipPaused.length) {
      await markSkipped(sql, skipPaused, "negotiating", now);
      bump(res.skipped, "negotiating", skipPaused.length);
    }
    await Promise.all(go.map((g) => sendOne(ctx, plans.get(g.checkoutId)!, g, now).then((r) => recorder.answer(g, r))));
    await recorder.written();
  }
  lap("send+record");

  // 5. Timelines: the next step (or a retry, or the window's end), the lease released, and Abandoned -> Contacted
  // on a first send.
  const advances: Advance[] = [...simpleAdvances];
  for (const plan of plans.values()) {
    if (dropped.has(plan.c.id)) continue;
    const { c, step, score } = plan;
    let advance: Advance;
    if (plan.waitUntil) {
      advance = advanceOf(c, step.index, plan.waitUntil, "abandoned", score);
    } else {
      const next = scheduleAfter({ settings: plan.shop.settings, abandonedAt: c.abandonedAt ?? c.shopifyCreatedAt, doneIndex: step.index, now, justSent: plan.sentNow > 0 || plan.sentBefore });
      advance = advanceOf(c, next.nextStepIndex, next.nextDueAt, "abandoned", score);
    }
    // Sent now, or by an owner that recorded the send and died before advancing: the first message went out.
    advance.contact = (plan.sentNow > 0 || plan.sentBefore) && c.stage === "abandoned";
    advances.push(advance);
  }
  // One checkout whose advance a statement refuses is released for a visit later (its messages are recorded, so the
  // visit sends nothing twice); the others advance as one statement.
  const shopOf = new Map(checkouts.map((c) => [c.id, c.shop]));
  const notBefore = new Date(ctx.claimCutoff.getTime() + 1);
  const advanceAll = async (rows: Advance[]) => {
    // A next step already due lands just after the tick's cutoff: due at once, but for the next tick (claimed once per tick).
    const landed = rows.map((r) => (r.nextDueAt && r.nextDueAt < notBefore ? { ...r, nextDueAt: notBefore } : r));
    const { contacted } = await advanceCheckouts(sql, { owner: opts.owner, rows: landed, now, shopOf, actor: ENGINE_ACTOR });
    res.contacted += contacted.length;
  };
  const refused = await eachApart(advances, advanceAll, (a) => advanceAll([a]));
  for (const { row, error } of refused) {
    res.recordedApart += 1;
    log.error({ checkoutId: row.id, shop: shopOf.get(row.id), err: statementError(error) }, "recovery: checkout not advanced; visited again in 15 min");
    await releaseForRetry(sql, { id: row.id, owner: opts.owner, at: new Date(now.getTime() + RECORD_RETRY_MS), now }).catch((err: unknown) =>
      log.error({ checkoutId: row.id, err: statementError(err) }, "recovery: checkout not released; claimed again after its lease"),
    );
  }
  lap("advance+stage");
}

/** A checkout whose advance could not be written is visited again this much later. */
const RECORD_RETRY_MS = 15 * 60_000;

/** Runs one checkout's work; a failure is logged and counted, and the batch goes on (the checkout stays leased). */
async function apart(ctx: Ctx, c: DueCheckout, what: string, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (err) {
    ctx.res.recordedApart += 1;
    log.error({ checkoutId: c.id, shop: c.shop, err: statementError(err) }, `recovery: ${what} not recorded; the checkout comes back after its lease`);
  }
}

/**
 * The ledger rows, before any provider is called. A row a statement refuses (a recipient neither database stores) is
 * written as failed without its values, so that step is recorded, never sent, and the rest of the batch is not held.
 */
async function insertLedger(ctx: Ctx, rows: LedgerRow[], now: Date): Promise<Set<string>> {
  const inserted = new Set<string>();
  const refused = await eachApart(
    rows,
    async (all) => {
      for (const id of await insertLedgerRows(ctx.sql, all)) inserted.add(id);
    },
    async (row) => {
      for (const id of await insertLedgerRows(ctx.sql, [row])) inserted.add(id);
    },
  );
  for (const { row, error } of refused) {
    const reason = statementError(error);
    ctx.res.recordedApart += 1;
    if (row.status === "sending") ctx.res.failed += 1;
    log.error({ checkoutId: row.checkoutId, shop: row.shop, channel: row.channel, stepId: row.stepId, err: reason }, "recovery: ledger row refused; recorded as failed");
    await insertFailedLedgerRow(ctx.sql, row, reason, now);
  }
  return inserted;
}

/**
 * Writes provider answers as they come. An answer waits only for the write in progress: each write takes every
 * answer that arrived meanwhile (one statement for the sent ones). So at any moment the answered-but-unwritten are
 * at most those that arrived during one write, and all of them belong to the group in flight (<= sendConcurrency).
 * A row a statement refuses is recorded apart (markSentApart); the rest of the write is unaffected.
 */
class Recorder {
  private queue: Array<{ g: PlannedSend; r: SendResult }> = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: Ctx,
    private readonly plans: Map<string, StepPlan>,
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

  private async write(answers: Array<{ g: PlannedSend; r: SendResult }>): Promise<void> {
    const { sql, res, opts } = this.ctx;
    const now = this.now;
    const sent: SentRow[] = [];
    const ids: string[] = [];
    for (const { g, r } of answers) {
      if (r.kind === "sent") sent.push({ id: g.messageId, providerId: r.providerId, recipient: r.recipient ?? null, subject: r.subject ?? null, bodyHtml: r.bodyHtml ?? null, bodyText: r.bodyText ?? null });
    }
    const refused = await eachApart(sent, (rows) => markSent(sql, rows, now), (row) => markSent(sql, [row], now));
    for (const { row, error } of refused) {
      const reason = statementError(error);
      res.recordedApart += 1;
      const plan = this.plans.get(answers.find((a) => a.g.messageId === row.id)!.g.checkoutId)!;
      log.error({ messageId: row.id, checkoutId: plan.c.id, shop: plan.c.shop, err: reason }, "recovery: sent message refused by a statement; recorded apart");
      await markSentApart(sql, row, now, reason).catch((err: unknown) => log.error({ messageId: row.id, err: statementError(err) }, "recovery: sent message not recorded"));
    }
    for (const { g, r } of answers) {
      const plan = this.plans.get(g.checkoutId)!;
      ids.push(g.messageId);
      if (r.kind === "sent") {
        res.sent[g.channel] += 1;
        plan.sentNow += 1;
        continue;
      }
      try {
        if (r.kind === "retry") {
          const at = retryAt({ attempts: g.attempts + 1, providerAt: r.at, now, deadline: plan.windowEnd });
          if (at) {
            await markRetry(sql, { id: g.messageId, at, reason: r.reason, now });
            res.retried += 1;
            bump(res.deferred, "retry");
            if (!plan.waitUntil || at < plan.waitUntil) plan.waitUntil = at;
          } else {
            await markFailed(sql, { id: g.messageId, reason: `retries exhausted: ${r.reason}`, now });
            res.failed += 1;
          }
        } else {
          await markFailed(sql, { id: g.messageId, reason: r.reason, now });
          res.failed += 1;
          if (r.permanentAddressFailure) await suppressAddress(this.ctx, plan.c, g.channel, now);
        }
      } catch (err) {
        res.recordedApart += 1;
        log.error({ messageId: g.messageId, checkoutId: plan.c.id, shop: plan.c.shop, err: statementError(err) }, "recovery: send outcome not recorded");
      }
    }
    opts.hooks?.recorded?.(ids);
  }
}

function endpointHost(endpoint: string | null): string | null {
  if (!endpoint) return null;
  try {
    return new URL(endpoint).host;
  } catch {
    return null;
  }
}

function ledgerRow(c: DueCheckout, step: StepView, channel: string, now: Date, extra: Pick<LedgerRow, "status"> & Partial<LedgerRow>): LedgerRow {
  return { id: newMessageId(), shop: c.shop, checkoutId: c.id, stepId: step.id, stepIndex: step.index, channel, attempts: 0, createdAt: now, ...extra };
}

function advanceOf(c: DueCheckout, nextStepIndex: number, nextDueAt: Date | null, status: string, score?: Score): Advance {
  return {
    id: c.id,
    nextStepIndex,
    nextDueAt,
    status,
    priority: score?.priority ?? c.priority,
    priorityScore: score?.score ?? c.priorityScore,
    stopReason: null,
  };
}

async function sendOne(ctx: Ctx, plan: StepPlan, g: PlannedSend, now: Date): Promise<SendResult> {
  const sender = ctx.opts.channels[g.channel];
  if (!sender) return { kind: "failed", reason: "channel_unavailable" };
  const message: OutboundMessage = {
    messageId: g.messageId,
    channel: g.channel,
    shop: plan.shop.view,
    checkout: plan.view,
    step: g.step,
    incentive: plan.incentive,
    now,
    windowEndsAt: plan.windowEnd,
  };
  try {
    return await sender.send(message);
  } catch (err) {
    // A thrown error is treated as transient: retried with backoff, then failed.
    log.warn({ shop: plan.c.shop, checkoutId: plan.c.id, channel: g.channel, err: String(err) }, "channel send threw");
    return { kind: "retry", at: now, reason: String(err).slice(0, 200) };
  }
}

async function stopCheckout(ctx: Ctx, st: { c: DueCheckout; reason: StopReason; lost: boolean; openRows: string[] }, now: Date) {
  const { sql, opts, res } = ctx;
  const { c, reason, lost } = st;
  bump(res.skipped, reason);
  if (st.openRows.length) await markSkipped(sql, st.openRows, reason, now);
  const keepStatus = reason === "order_completed" || reason === "already_stopped";
  await sql.db.$transaction(async (tx) => {
    const upd = await tx.checkout.updateMany({
      where: { id: c.id, leaseOwner: opts.owner },
      data: { nextDueAt: null, leaseOwner: null, leaseUntil: null, stopReason: reason, ...(keepStatus ? {} : { status: lost ? "expired" : "stopped" }) },
    });
    if (upd.count && lost) {
      const moved = await moveStageTx(tx, { shop: c.shop, checkoutId: c.id, to: "lost", actor: ENGINE_ACTOR, now, reason });
      if (moved) res.lost += 1;
    }
  });
}

async function handOff(ctx: Ctx, h: HandoffPlan, now: Date) {
  const { sql, opts, res } = ctx;
  const { c, shop, reasons, score } = h;
  const reasonText = reasons.join(",");
  if (!c.handoff) {
    await sql.db.$transaction(async (tx) => {
      const upd = await tx.checkout.updateMany({
        where: { id: c.id, handoff: false },
        data: { handoff: true, handoffReason: reasonText, priority: score.priority, priorityScore: score.score },
      });
      if (upd.count) {
        await audit(tx, { shop: c.shop, checkoutId: c.id, actor: ENGINE_ACTOR, action: "handoff", toValue: reasonText, detail: { priority: score.priority, score: score.score, factors: score.factors } });
        res.handoffs += 1;
      }
    });
  }
  // The staff alert goes through the ledger like any message: written first, sent once.
  let rowId: string;
  if (!h.alertRow) {
    const row = ledgerRow(c, { id: HANDOFF_STEP, label: "Handoff", offsetMinutes: 0, channels: [], enabled: true, carriesIncentive: false, index: -1, isFinal: false }, "staff_alert", now, {
      status: "sending",
      recipient: shop.staffEmail,
    });
    const inserted = await insertLedgerRows(sql, [row]);
    if (!inserted.has(row.id)) return;
    rowId = row.id;
  } else if (OPEN_STATUSES.has(h.alertRow.status) && (!h.alertRow.nextAttemptAt || h.alertRow.nextAttemptAt <= now)) {
    rowId = h.alertRow.id;
  } else return;
  let result: SendResult;
  try {
    result = await opts.staffNotifier.notify({
      shop: shop.view,
      checkout: checkoutViewOf(c),
      reason: reasons[0],
      summary: `${handoffSummary(reasons)}: ${c.firstName ?? "a shopper"}, ${formatMoney(c.totalMinor, c.currency)}, priority ${score.priority}`,
      adminUrl: (opts.adminUrl ?? defaultAdminUrl)(c.shop, c.id),
      now,
    });
  } catch (err) {
    result = { kind: "retry", at: now, reason: String(err).slice(0, 200) };
  }
  if (result.kind === "sent") {
    await markSent(sql, [{ id: rowId, providerId: result.providerId, recipient: result.recipient ?? null, subject: result.subject ?? null, bodyHtml: null, bodyText: null }], now);
    res.staffAlerts += 1;
  } else if (result.kind === "retry") {
    const at = retryAt({ attempts: (h.alertRow?.attempts ?? 0) + 1, providerAt: result.at, now, deadline: new Date(now.getTime() + 86_400_000) });
    if (at) await markRetry(sql, { id: rowId, at, reason: result.reason, now });
    else await markFailed(sql, { id: rowId, reason: result.reason, now });
  } else {
    await markFailed(sql, { id: rowId, reason: result.reason, now });
  }
}

async function suppressAddress(ctx: Ctx, c: DueCheckout, channel: ChannelName, now: Date) {
  const normalized = channel === "email" ? normalizeEmail(c.email) : channel === "whatsapp" ? normalizePhone(c.phone) : null;
  if (!normalized) return; // push: the push channel deletes a gone subscription itself
  const address = hashAddress(normalized);
  await ctx.sql.db.suppression.upsert({
    where: { shop_channel_address: { shop: c.shop, channel, address } },
    create: { shop: c.shop, channel, address, reason: "bounce", createdAt: now },
    update: {},
  });
}
