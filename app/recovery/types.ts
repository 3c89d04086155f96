// The recovery engine's contracts: what a tick needs (channels, staff alerts, incentives, a clock) and what it answers.
import type { ChannelName, ChannelSet, CheckoutView, IncentiveView, ShopView, StaffNotifier } from "../channels/types";
import type { Db, DbHandle, DbProvider } from "../db.server";
import type { CadenceStep } from "../lib/settings";
import type { ReconcileOptions, ReconcileStats } from "./reconcile.server";

export type StepView = CadenceStep & { index: number; isFinal: boolean };

/**
 * Makes the one-time discount a step carries (issue 6 implements it in app/incentives/). Called once per checkout and
 * step when the step is about to be sent; it must be idempotent per (checkout, step): after a crash the same step may
 * ask again, and should get the same code back. Null = send without an incentive.
 */
export interface IncentiveIssuer {
  issue(args: { shop: ShopView; checkout: CheckoutView; step: StepView; now: Date }): Promise<IncentiveView | null>;
}

/** The default: no incentive. */
export const noIncentives: IncentiveIssuer = {
  async issue() {
    return null;
  },
};

export interface TickOptions {
  /** The clock. Fixed for the whole tick when given (tests, demo); otherwise read before each batch. */
  now?: Date;
  /** Who holds the leases this tick takes (host:pid:random). */
  owner: string;
  channels: ChannelSet;
  staffNotifier: StaffNotifier;
  incentives?: IncentiveIssuer;
  /** Stop claiming new batches after this much wall time (default 25 s). Must be well under leaseMs. */
  budgetMs?: number;
  /** Checkouts claimed per batch (default 250, at most 1,000). */
  batchSize?: number;
  /** How long a claim holds (default 5 min): after that a crashed tick's work is claimed again. */
  leaseMs?: number;
  /** Sends in flight at once within a batch (default 64); checkouts are re-checked before each such group. */
  sendConcurrency?: number;
  /** Run the retention purge in this tick (default true). */
  purge?: boolean;
  /** Another database (tests with several clients); defaults to the app's. */
  db?: Db;
  provider?: DbProvider;
  /**
   * SQLite with another database: its DbHandle.withSqliteConnection, for the engine's bulk statements (the app's is
   * used with the app's database). Without it they go through Prisma: correct, but slower and heavier on memory.
   */
  withSqliteConnection?: DbHandle["withSqliteConnection"];
  /** Link to the checkout in the admin, for staff alerts. */
  adminUrl?: (shop: string, checkoutId: string) => string;
  /**
   * Reconciliation with the Admin API (app/recovery/reconcile.server.ts): a sweep of a few shops per tick, and
   * orders known up to the last sync before a shop's steps go out. Off when absent (the cron route turns it on).
   */
  reconcile?: ReconcileOptions;
  /**
   * Test seams (never set by the app): `recorded` is called after each write of provider answers with the message ids
   * it recorded, so a test can "crash" the tick between two answers and check what a restart does.
   */
  hooks?: { recorded?: (messageIds: string[]) => void };
}

export interface TickResult {
  claimed: number;
  sent: Record<ChannelName, number>;
  /** Channels not used and checkouts stopped, by reason code. */
  skipped: Record<string, number>;
  /** Steps the frequency cap trimmed (every channel of each is also counted in skipped.frequency_cap). */
  trimmedSteps: number;
  /** Steps that wait (quiet hours, a retry later, a conversation in progress), by reason. */
  deferred: Record<string, number>;
  failed: number;
  /**
   * Rows whose record a statement refused (a value neither database stores as given), recorded apart instead: a sent
   * message as sent with its content made storable, a ledger row as failed, a checkout's advance as a retry later.
   * The rest of the batch is unaffected. Each is also logged.
   */
  recordedApart: number;
  /** Rows left "sending" by a process that died, which the provider had already accepted (its events say so): not re-sent. */
  alreadyAccepted: number;
  retried: number;
  lost: number;
  contacted: number;
  handoffs: number;
  staffAlerts: number;
  purged: number;
  stillDue: number;
  batches: number;
  ms: number;
  /** Reconciliation in this tick (zeros when off). */
  reconcile: ReconcileStats;
}
