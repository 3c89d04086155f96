// Phase "claim" and "load" of a batch: the claimed checkouts this owner still holds (after the orders gate, which may
// complete some), their shops, and everything the planner reads about them, in a fixed number of statements.
import { inHoldout } from "../lib/holdout.server";
import { toShopView } from "../lib/shop-view";
import { resolveWhatsAppConsent } from "../lib/eligibility";
import { capWindowStart } from "../lib/frequency-cap";
import type { PlanFacts, PlanLedgerRow, PlanSibling } from "../lib/plan-checkout";
import { CHANNELS, enabledSteps, type Channel } from "../lib/settings";
import { suppressionKeys } from "../lib/suppression";
import { loadWhatsAppConsents, type StoredWhatsAppConsent } from "../models/customer-consent.server";
import { loadBatchContext, loadClaimedCheckouts, type DueCheckout } from "../models/recovery.server";
import { loadTickShops } from "../models/recovery-outcomes.server";
import { ordersGate, type OrdersGate } from "./reconcile.server";
import type { Ctx } from "./tick-context";

/** Ledger statuses the frequency cap counts. */
const COUNTED_STATUSES = ["pending", "sending", "sent", "delivered", "opened", "clicked"];

export interface LoadedBatch {
  checkouts: DueCheckout[];
  gates: Map<string, OrdersGate> | null;
  ledgerBy: Map<string, PlanLedgerRow[]>;
  suppressedBy: Map<string, Set<string>>;
  pushBy: Map<string, string>;
  siblingsBy: Map<string, PlanSibling[]>;
  consents: Map<string, StoredWhatsAppConsent>;
  /** Per shopper (`shop|customerKey`): their reminders in the cap's window, one per `checkoutId|stepId`. */
  capCount: Map<string, Map<string, Date>>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const domainsOf = (checkouts: DueCheckout[]) => [...new Set(checkouts.map((c) => c.shop))];

/** The batch's checkouts after the orders gate (null when this owner holds none of them any more). */
async function claimedAfterGate(ctx: Ctx, ids: string[], now: Date): Promise<{ checkouts: DueCheckout[]; gates: Map<string, OrdersGate> | null } | null> {
  const { sql, opts, res } = ctx;
  let checkouts = await loadClaimedCheckouts(sql, ids, opts.owner);
  if (!checkouts.length) return null;
  // Orders known up to the last sync before any step goes out (once per shop per batch; issue 14). Orders it found
  // completed some of these checkouts and released their leases: read the batch again.
  if (!opts.reconcile) return { checkouts, gates: null };
  const gate = await ordersGate({
    shops: domainsOf(checkouts),
    now,
    options: opts.reconcile,
    stats: res.reconcile,
    done: ctx.synced,
    deadline: ctx.reconcileUntil,
  });
  if (gate.changed) {
    checkouts = await loadClaimedCheckouts(sql, ids, opts.owner);
    if (!checkouts.length) return null;
  }
  return { checkouts, gates: gate.gates };
}

/** Loads the shops not yet loaded this tick. */
async function loadShops(ctx: Ctx, domains: string[]) {
  const missing = domains.filter((d) => !ctx.shops.has(d));
  if (!missing.length) return;
  for (const d of missing) ctx.shops.set(d, null);
  for (const { shop, settings, averageOrderMinor } of await loadTickShops(ctx.sql.db, missing)) {
    ctx.shops.set(shop.domain, {
      view: toShopView(shop, settings),
      settings,
      steps: enabledSteps(settings),
      averageOrderMinor,
      staffEmail: settings.handoff.staffAlertEmail ?? shop.email ?? null,
    });
  }
}

/** The earliest start of any of these shops' frequency-cap windows. */
function capStartOf(ctx: Ctx, domains: string[], now: Date): Date {
  let capStart = now;
  for (const d of domains) {
    const shop = ctx.shops.get(d);
    if (!shop) continue;
    const start = capWindowStart(now, shop.settings.frequencyCap);
    if (start < capStart) capStart = start;
  }
  return capStart;
}

/** Claimed checkouts of the batch and what the planner reads about them; null when there is nothing to work. */
export async function loadBatch(ctx: Ctx, ids: string[], now: Date): Promise<LoadedBatch | null> {
  const claimed = await claimedAfterGate(ctx, ids, now);
  if (!claimed) return null;
  const { checkouts } = claimed;
  const shops = domainsOf(checkouts);
  await loadShops(ctx, shops);
  const loaded = await loadBatchContext(ctx.sql, {
    checkoutIds: checkouts.map((c) => c.id),
    shops,
    addressKeys: [...new Set(checkouts.flatMap((c) => [...suppressionKeys("email", c.email), ...suppressionKeys("phone", c.phone)]))],
    tokens: checkouts.map((c) => c.token),
    cartTokens: checkouts.map((c) => c.cartToken).filter((t): t is string => !!t),
    customerKeys: [...new Set(checkouts.map((c) => c.customerKey).filter((k): k is string => !!k))],
    capStart: capStartOf(ctx, shops, now),
    capStatuses: COUNTED_STATUSES,
    channels: CHANNELS,
  });
  // Shopify's WhatsApp marketing consent per customer (customers_whats_app_marketing_consent/update).
  const consentPairs = checkouts.filter((c) => c.customerId).map((c) => ({ shop: c.shop, customerId: c.customerId! }));
  const consents = consentPairs.length ? await loadWhatsAppConsents(ctx.sql.db, consentPairs) : new Map<string, StoredWhatsAppConsent>();
  return { checkouts, gates: claimed.gates, consents, ...indexBatch(loaded) };
}

function indexBatch(b: Awaited<ReturnType<typeof loadBatchContext>>): Omit<LoadedBatch, "checkouts" | "gates" | "consents"> {
  const ledgerBy = new Map<string, PlanLedgerRow[]>();
  for (const m of b.ledger) push(ledgerBy, m.checkoutId, m);
  const suppressedBy = new Map<string, Set<string>>();
  for (const s of b.suppressions) {
    const k = `${s.shop}|${s.address}`;
    suppressedBy.set(k, (suppressedBy.get(k) ?? new Set()).add(s.channel));
  }
  const pushBy = new Map<string, string>();
  for (const p of b.pushSubs) {
    if (p.checkoutToken) pushBy.set(`${p.shop}|t|${p.checkoutToken}`, p.endpoint);
    if (p.cartToken) pushBy.set(`${p.shop}|c|${p.cartToken}`, p.endpoint);
  }
  const siblingsBy = new Map<string, PlanSibling[]>();
  for (const s of b.siblings) push(siblingsBy, `${s.shop}|${s.customerKey}`, s);
  // Frequency cap: the shopper's reminders (one per checkout and step, at its first row's time).
  const capCount = new Map<string, Map<string, Date>>();
  for (const m of b.capRows) {
    const k = `${m.shop}|${m.customerKey}`;
    const reminders = capCount.get(k) ?? new Map<string, Date>();
    const key = `${m.checkoutId}|${m.stepId}`;
    const seen = reminders.get(key);
    if (!seen || m.createdAt < seen) reminders.set(key, m.createdAt);
    capCount.set(k, reminders);
  }
  return { ledgerBy, suppressedBy, pushBy, siblingsBy, capCount };
}

/** The push endpoint the shopper subscribed from this checkout (or its cart), if any. */
export function pushEndpointOf(b: LoadedBatch, c: DueCheckout): string | null {
  return b.pushBy.get(`${c.shop}|t|${c.token}`) ?? (c.cartToken ? b.pushBy.get(`${c.shop}|c|${c.cartToken}`) : undefined) ?? null;
}

/** What the planner reads about one checkout of the batch. */
export function planFactsOf(
  b: LoadedBatch,
  c: DueCheckout,
  stepId: string | null,
  channelAvailable: (channel: Channel) => boolean,
  holdoutPercent: number,
): PlanFacts {
  const suppressed = new Set<string>();
  for (const k of [...suppressionKeys("email", c.email), ...suppressionKeys("phone", c.phone)]) {
    for (const ch of b.suppressedBy.get(`${c.shop}|${k}`) ?? []) suppressed.add(ch);
  }
  const reminders = c.customerKey ? b.capCount.get(`${c.shop}|${c.customerKey}`) : undefined;
  return {
    rows: b.ledgerBy.get(c.id) ?? [],
    siblings: c.customerKey ? (b.siblingsBy.get(`${c.shop}|${c.customerKey}`) ?? []) : [],
    suppressed: suppressed as ReadonlySet<Channel | "all">,
    hasPushSubscription: !!pushEndpointOf(b, c),
    whatsappConsent: resolveWhatsAppConsent(c.customerId ? b.consents.get(`${c.shop}|${c.customerId}`) : null, { consent: c.whatsappConsent }),
    ordersGate: b.gates?.get(c.shop) ?? null,
    channelAvailable,
    capReminders: c.customerKey ? [...(reminders?.values() ?? [])] : null,
    stepCounted: !!stepId && !!reminders?.has(`${c.id}|${stepId}`),
    // A shopper without an email or phone (a push subscription only) is assigned per checkout.
    holdoutAssignment: inHoldout(c.shop, c.customerKey ?? `checkout:${c.token}`, holdoutPercent),
  };
}
