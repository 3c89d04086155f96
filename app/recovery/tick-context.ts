// What the phases of a tick share: the tick's context, the shop facts loaded once per tick, and the work items one
// batch passes from phase to phase (app/recovery/README.md tells the phases).
import type { ChannelName, CheckoutView, IncentiveView, ShopView } from "../channels/types";
import type { StepPlan } from "../lib/plan-checkout";
import type { CadenceStep, Settings } from "../lib/settings";
import type { DueCheckout, Sql } from "../models/recovery.server";
import type { ShopSyncResult } from "./reconcile.server";
import type { StepView, TickOptions, TickResult } from "./types";

export const ENGINE_ACTOR = "system:engine";

export interface ShopCtx {
  view: ShopView;
  settings: Settings;
  steps: CadenceStep[];
  averageOrderMinor: number | null;
  staffEmail: string | null;
}

export interface Ctx {
  sql: Sql;
  opts: TickOptions;
  res: TickResult;
  /** Shops loaded this tick (null: uninstalled or unknown). */
  shops: Map<string, ShopCtx | null>;
  /** Reconciliation runs of this tick, per shop, and when the gates stop reconciling (issue 14). */
  synced: Map<string, ShopSyncResult>;
  reconcileUntil: number;
  /** The tick's start: what claims compare due times with, and what every advance written this tick lands after. */
  claimCutoff: Date;
}

/** A checkout whose step goes out in this batch: the planner's answer plus what the send and record phases need. */
export interface StepWork {
  c: DueCheckout;
  shop: ShopCtx;
  plan: StepPlan;
  step: StepView;
  view: CheckoutView;
  incentive: IncentiveView | null;
  /** Earliest retry scheduled for a channel of this step (the planner's, moved earlier by retries recorded now). */
  waitUntil: Date | null;
  /** Channels of this step the provider accepted in this batch. */
  sentNow: number;
}

/** One message to hand to its provider. */
export interface PlannedSend {
  messageId: string;
  checkoutId: string;
  channel: ChannelName;
  step: StepView;
  attempts: number;
  isNew: boolean;
  /** A row an earlier owner left "sending" (it may have reached the provider before that owner died). */
  leftSending: boolean;
}

export function bump(map: Record<string, number>, key: string, n = 1) {
  map[key] = (map[key] ?? 0) + n;
}

/** Wall time per phase of a batch, summed over the process (read by bench/tick.ts; cheap enough to keep on). */
export const engineProfile: Record<string, number> = {};
let mark = 0;
/** Starts timing a batch's phases. */
export function lapStart() {
  mark = performance.now();
}
/** Adds the time since the last lap to `phase`. */
export function lap(phase: string) {
  const t = performance.now();
  if (mark) engineProfile[phase] = (engineProfile[phase] ?? 0) + (t - mark);
  mark = t;
}
