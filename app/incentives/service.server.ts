// Incentives: unique one-time discount codes made through the Admin API.
//
//   createIncentiveIssuer(deps)  the engine's IncentiveIssuer: called just before a step that carries the incentive
//                                sends; returns the code to put in the message, or null (the step sends without).
//   issueManualCode(args)        the pipeline's quick action (5/10/15/20 %), same code path, audited.
//   expireIncentives(args)       deactivates expired unused codes on Shopify; run it on a schedule (the cron tick).
//   getIncentivesPage(args)      stats and recent codes for the Incentives page.
//
// Idempotency: a row per (checkout, slot) is inserted as `pending` before Shopify is called. Only the inserter calls
// Shopify; a concurrent caller waits for the row to settle and reuses its code. A pending row left by a crashed
// process is taken over after STALE_PENDING_MS and retried with the same code (a "code taken" answer then means our
// first call went through: the discount is looked up by code).
import { merchantCurrency } from "../lib/shop-view";
import type { IncentiveView } from "../channels/types";
import { db } from "../db.server";
import { InputError } from "../lib/errors";
import type { Settings } from "../lib/settings";
import { log } from "../log.server";
import {
  auditManualIncentive,
  closeExpiredPending,
  countManualIncentives,
  findIncentiveBySlot,
  givenToCustomerSince,
  incentiveStats,
  insertPendingIncentive,
  listExpiredActive,
  listRecentIncentives,
  markIncentiveActive,
  markIncentiveClosed,
  markIncentiveFailed,
  reclaimStalePending,
  type Incentive,
} from "../models/incentives.server";
import { int64 } from "../models/int64-columns.server";
import { getShop } from "../models/shops.server";
import { AdminGraphqlError, adminGraphqlFor, realSleep, type AdminGraphql } from "../shopify/admin-graphql.server";
import { CodeDiscountNodeByCode } from "../shopify/graphql/code-discount-node-by-code";
import { DiscountCodeBasicCreate, type DiscountCodeBasicInput } from "../shopify/graphql/discount-code-basic-create";
import { DiscountCodeDeactivate } from "../shopify/graphql/discount-code-deactivate";
import { DiscountCodeFreeShippingCreate } from "../shopify/graphql/discount-code-free-shipping-create";
import type { CodeDiscountCommonInput, CodeDiscountCreated, DiscountUserError } from "../shopify/graphql/operation";
import {
  MANUAL_PERCENTAGES,
  applyUrl,
  describeIncentive,
  makeCode,
  minorToDecimal,
  parseCodes,
  randomCodeSuffix,
  skipReason,
  type IncentiveKind,
  type ManualPercent,
  type SkipReason,
} from "./rules";

export const STALE_PENDING_MS = 2 * 60_000;
const DAY_MS = 24 * 3600_000;

export interface IncentiveDeps {
  /** Admin GraphQL client for a shop. Default: adminGraphqlFor(shop) with `sleep`. */
  admin?: (shop: string) => AdminGraphql;
  /** Every wait (a concurrent issuer polling the winner's row). Tests inject one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Random code suffix. Default: 10 symbols from a 32-symbol alphabet (crypto). */
  codeSuffix?: () => string;
  /** How long, and how often, a caller that lost the insert race waits for the winner's code. */
  pollIntervalMs?: number;
  pollAttempts?: number;
}

/** The shapes the engine passes (app/recovery/types.ts IncentiveIssuer); only what is needed here is required. */
export interface IssueArgs {
  shop: string | { domain: string; settings?: Settings; currency?: string | null };
  checkout: { id: string };
  step: { id: string; carriesIncentive?: boolean };
  now: Date;
}

export interface IncentiveIssuer {
  issue(args: IssueArgs): Promise<IncentiveView | null>;
}

export type IssueOutcome =
  | { kind: "issued" | "reused"; incentive: Incentive; view: IncentiveView }
  | { kind: "skipped"; reason: SkipReason }
  | { kind: "failed"; error: string; incentive?: Incentive }
  | { kind: "busy" }; // another caller holds the slot and did not finish in time

interface ResolvedDeps {
  admin: (shop: string) => AdminGraphql;
  sleep: (ms: number) => Promise<void>;
  codeSuffix: () => string;
  pollIntervalMs: number;
  pollAttempts: number;
}

function resolveDeps(deps: IncentiveDeps = {}): ResolvedDeps {
  const sleep = deps.sleep ?? realSleep;
  return {
    sleep,
    admin: deps.admin ?? ((shop) => adminGraphqlFor(shop, { sleep })),
    codeSuffix: deps.codeSuffix ?? (() => randomCodeSuffix()),
    pollIntervalMs: deps.pollIntervalMs ?? 250,
    pollAttempts: deps.pollAttempts ?? 40,
  };
}

function viewOf(incentive: Incentive, shopDomain: string, abandonedCheckoutUrl: string | null): IncentiveView {
  return {
    code: incentive.code,
    applyUrl: applyUrl(shopDomain, incentive.code, abandonedCheckoutUrl),
    description: describeIncentive(incentive),
    endsAt: incentive.endsAt,
  };
}

function userErrorText(errors: DiscountUserError[]): string {
  return errors.map((e) => `${e.code ?? "ERROR"}${e.field?.length ? ` (${e.field.join(".")})` : ""}: ${e.message}`).join("; ");
}

function isCodeTaken(errors: DiscountUserError[]): boolean {
  return errors.some((e) => e.code === "TAKEN" && (e.field ?? []).some((f) => f === "code"));
}

function discountInput(incentive: Incentive, combinesWith: Settings["incentive"]["combinesWith"], minSubtotalMinor: number, shopCurrency: string) {
  const common: CodeDiscountCommonInput = {
    title: `Checkout recovery ${incentive.code}`,
    code: incentive.code,
    startsAt: incentive.startsAt.toISOString(),
    endsAt: incentive.endsAt.toISOString(),
    usageLimit: 1,
    appliesOncePerCustomer: true,
    context: { all: "ALL" },
    combinesWith: {
      orderDiscounts: combinesWith.orderDiscounts,
      productDiscounts: combinesWith.productDiscounts,
      // A free-shipping code is itself a shipping discount: it never stacks with another one.
      shippingDiscounts: incentive.kind === "free_shipping" ? false : combinesWith.shippingDiscounts,
    },
    minimumRequirement: minSubtotalMinor > 0 ? { subtotal: { greaterThanOrEqualToSubtotal: minorToDecimal(minSubtotalMinor, shopCurrency) } } : null,
  };
  return common;
}

/** Calls Shopify for a pending row and settles it (active or failed). Never throws for Shopify's answers. */
async function createOnShopify(
  deps: ResolvedDeps,
  incentive: Incentive,
  ctx: { combinesWith: Settings["incentive"]["combinesWith"]; minSubtotalMinor: number; shopCurrency: string; now: Date },
): Promise<{ ok: true; incentive: Incentive } | { ok: false; error: string; incentive: Incentive }> {
  const admin = deps.admin(incentive.shop);
  const common = discountInput(incentive, ctx.combinesWith, ctx.minSubtotalMinor, ctx.shopCurrency);
  let payload: CodeDiscountCreated | null;
  try {
    if (incentive.kind === "free_shipping") {
      const data = await admin.request(DiscountCodeFreeShippingCreate, { freeShippingCodeDiscount: { ...common, destination: { all: true } } });
      payload = data.discountCodeFreeShippingCreate;
    } else {
      const value: DiscountCodeBasicInput["customerGets"]["value"] =
        incentive.kind === "fixed_amount"
          ? { discountAmount: { amount: minorToDecimal(incentive.amountOffMinor ?? 0, incentive.currency ?? ctx.shopCurrency), appliesOnEachItem: false } }
          : { percentage: (incentive.percentOff ?? 0) / 100 };
      const data = await admin.request(DiscountCodeBasicCreate, { basicCodeDiscount: { ...common, customerGets: { items: { all: true }, value } } });
      payload = data.discountCodeBasicCreate;
    }
    let id = payload?.codeDiscountNode?.id ?? null;
    const userErrors = payload?.userErrors ?? [];
    if (!id && isCodeTaken(userErrors)) {
      // Our earlier attempt (lost response, or a crashed process) made it: the code is ours and unguessable.
      const found = await admin.request(CodeDiscountNodeByCode, { code: incentive.code });
      id = found.codeDiscountNodeByCode?.id ?? null;
    }
    if (id) return { ok: true, incentive: await markIncentiveActive(incentive.id, id, ctx.now) };
    const error = userErrors.length ? `userErrors: ${userErrorText(userErrors)}` : "no discount returned";
    log.warn({ shop: incentive.shop, incentiveId: incentive.id, error }, "incentive: Shopify refused the code");
    return { ok: false, error, incentive: await markIncentiveFailed(incentive.id, error, ctx.now) };
  } catch (err) {
    const error = err instanceof AdminGraphqlError ? `${err.kind}: ${err.message}` : `error: ${(err as Error).message}`;
    log.warn({ shop: incentive.shop, incentiveId: incentive.id, error }, "incentive: code creation failed");
    return { ok: false, error, incentive: await markIncentiveFailed(incentive.id, error, ctx.now) };
  }
}

/** Waits for a row another caller is settling. */
async function awaitSettled(deps: ResolvedDeps, checkoutId: string, slot: string): Promise<Incentive | null> {
  for (let i = 0; i < deps.pollAttempts; i++) {
    const row = await findIncentiveBySlot(checkoutId, slot);
    if (!row || row.status !== "pending") return row;
    await deps.sleep(deps.pollIntervalMs);
  }
  return findIncentiveBySlot(checkoutId, slot);
}

interface SlotRequest {
  shop: string;
  shopCurrency: string;
  checkout: { id: string; customerKey: string | null };
  slot: string;
  source: "automatic" | "manual";
  kind: IncentiveKind;
  percentOff: number | null;
  amountOffMinor: number | null;
  expiryHours: number;
  combinesWith: Settings["incentive"]["combinesWith"];
  minSubtotalMinor: number;
  codePrefix: string;
  now: Date;
}

type SlotResult = { kind: "issued" | "reused"; incentive: Incentive } | { kind: "failed"; error: string; incentive?: Incentive } | { kind: "busy" };

/** The one code path for automatic and manual codes: the existing row for the slot, or a new one made on Shopify. */
async function issueForSlot(deps: ResolvedDeps, req: SlotRequest, existing?: Incentive | null): Promise<SlotResult> {
  const ctx = { combinesWith: req.combinesWith, minSubtotalMinor: req.minSubtotalMinor, shopCurrency: req.shopCurrency, now: req.now };
  let row = existing === undefined ? await findIncentiveBySlot(req.checkout.id, req.slot) : existing;
  for (let attempt = 0; attempt < 3 && !row; attempt++) {
    const inserted = await insertPendingIncentive({
      shop: req.shop,
      checkoutId: req.checkout.id,
      slot: req.slot,
      source: req.source,
      kind: req.kind,
      percentOff: req.kind === "percentage" ? req.percentOff : null,
      amountOffMinor: req.kind === "fixed_amount" ? req.amountOffMinor : null,
      currency: req.kind === "fixed_amount" ? req.shopCurrency : null,
      code: makeCode(req.codePrefix, deps.codeSuffix()),
      customerKey: req.checkout.customerKey,
      startsAt: req.now,
      endsAt: new Date(req.now.getTime() + req.expiryHours * 3600_000),
      now: req.now,
    });
    if (inserted) {
      const created = await createOnShopify(deps, inserted, ctx);
      return created.ok ? { kind: "issued", incentive: created.incentive } : { kind: "failed", error: created.error, incentive: created.incentive };
    }
    // Lost the race for the slot (or, astronomically rarely, drew a code that exists): look again.
    row = await findIncentiveBySlot(req.checkout.id, req.slot);
  }
  if (!row) return { kind: "failed", error: "could not reserve a code" };
  if (row.status === "pending") {
    if (await reclaimStalePending(row.id, new Date(req.now.getTime() - STALE_PENDING_MS), req.now)) {
      const created = await createOnShopify(deps, row, ctx);
      return created.ok ? { kind: "issued", incentive: created.incentive } : { kind: "failed", error: created.error, incentive: created.incentive };
    }
    const settled = await awaitSettled(deps, req.checkout.id, req.slot);
    if (!settled || settled.status === "pending") return { kind: "busy" };
    row = settled;
  }
  if (row.status === "failed") return { kind: "failed", error: row.error ?? "failed", incentive: row };
  if (row.status === "active" || row.status === "used") return { kind: "reused", incentive: row };
  return { kind: "failed", error: `code is ${row.status}`, incentive: row };
}

function shopDomainOf(shop: IssueArgs["shop"]): string {
  return typeof shop === "string" ? shop : shop.domain;
}

/** The automatic path with its reason; the issuer below reduces it to a code or null. */
export async function issueIncentive(args: IssueArgs, deps: IncentiveDeps = {}): Promise<IssueOutcome> {
  const d = resolveDeps(deps);
  const domain = shopDomainOf(args.shop);
  const { now } = args;
  const slot = args.step.id;
  const checkout = await db.checkout.findFirst({ where: { id: args.checkout.id, shop: domain } });
  if (!checkout) return { kind: "skipped", reason: "checkout_not_found" };
  const shopRow = await getShop(domain);
  if (!shopRow) return { kind: "skipped", reason: "checkout_not_found" };
  const settings = (typeof args.shop !== "string" && args.shop.settings) || shopRow.parsedSettings;
  const inc = settings.incentive;

  // Retries and concurrent ticks of the same step get the code already made, whatever the rules say now.
  const existing = await findIncentiveBySlot(checkout.id, slot);
  if (!existing) {
    if (args.step.carriesIncentive === false) return { kind: "skipped", reason: "step_does_not_carry_incentive" };
    const recentlyGiven =
      inc.notTwiceWithinDays > 0 && checkout.customerKey
        ? await givenToCustomerSince({
            shop: domain,
            customerKey: checkout.customerKey,
            since: new Date(now.getTime() - inc.notTwiceWithinDays * DAY_MS),
            except: { checkoutId: checkout.id, slot },
          })
        : false;
    const reason = skipReason({
      settings: inc,
      checkout: {
        subtotalMinor: int64(checkout.subtotalMinor),
        totalMinor: int64(checkout.totalMinor),
        discountCodes: parseCodes(checkout.discountCodes),
        status: checkout.status,
        completedAt: checkout.completedAt,
      },
      recentlyGiven,
    });
    if (reason) {
      log.info({ shop: domain, checkoutId: checkout.id, step: slot, reason }, "incentive: not given");
      return { kind: "skipped", reason };
    }
  }

  const result = await issueForSlot(
    d,
    {
      shop: domain,
      shopCurrency: merchantCurrency(shopRow),
      checkout: { id: checkout.id, customerKey: checkout.customerKey },
      slot,
      source: "automatic",
      kind: inc.type,
      percentOff: inc.percentOff,
      amountOffMinor: inc.amountOffMinor,
      expiryHours: inc.expiryHours,
      combinesWith: inc.combinesWith,
      minSubtotalMinor: inc.minSubtotalMinor,
      codePrefix: inc.codePrefix,
      now,
    },
    existing,
  );
  if (result.kind === "issued" || result.kind === "reused") {
    return { kind: result.kind, incentive: result.incentive, view: viewOf(result.incentive, domain, checkout.abandonedCheckoutUrl) };
  }
  if (result.kind === "failed") return { kind: "failed", error: result.error, incentive: result.incentive };
  return { kind: "busy" };
}

/** The engine's IncentiveIssuer. Failures are recorded on the row (status failed, error) and answer null. */
export function createIncentiveIssuer(deps: IncentiveDeps = {}): IncentiveIssuer {
  return {
    async issue(args) {
      try {
        const outcome = await issueIncentive(args, deps);
        return outcome.kind === "issued" || outcome.kind === "reused" ? outcome.view : null;
      } catch (error) {
        // A database hiccup must not stop the step: it sends without the incentive.
        log.error({ shop: shopDomainOf(args.shop), checkoutId: args.checkout.id, err: (error as Error).message }, "incentive: issuer error");
        return null;
      }
    },
  };
}

export interface ManualCodeArgs {
  shop: string;
  checkoutId: string;
  percentOff: number;
  actor: string; // "staff:<name>"
  now: Date;
}

/**
 * The pipeline's quick action: a one-time percentage code for one checkout, made now. Staff decide, so the
 * automatic qualification rules do not apply; usage limit, once per customer, expiry and combinations do.
 * Throws InputError (422 bad percentage, 404 unknown checkout, 502 Shopify refused or unreachable).
 */
export async function issueManualCode(args: ManualCodeArgs, deps: IncentiveDeps = {}): Promise<{ code: string; applyUrl: string; endsAt: Date }> {
  const d = resolveDeps(deps);
  const { shop, checkoutId, actor, now } = args;
  if (!(MANUAL_PERCENTAGES as readonly number[]).includes(args.percentOff)) {
    throw new InputError(422, `percentOff must be one of ${MANUAL_PERCENTAGES.join(", ")}`);
  }
  const percentOff = args.percentOff as ManualPercent;
  const checkout = await db.checkout.findFirst({ where: { id: checkoutId, shop } });
  if (!checkout) throw new InputError(404, "checkout not found");
  const shopRow = await getShop(shop);
  if (!shopRow) throw new InputError(404, "shop not found");
  const inc = shopRow.parsedSettings.incentive;

  let n = (await countManualIncentives(checkout.id)) + 1;
  let result: SlotResult | null = null;
  for (let attempt = 0; attempt < 5; attempt++, n++) {
    const slot = `manual:${n}`;
    if (await findIncentiveBySlot(checkout.id, slot)) continue; // taken by a concurrent quick action
    result = await issueForSlot(
      d,
      {
        shop,
        shopCurrency: merchantCurrency(shopRow),
        checkout: { id: checkout.id, customerKey: checkout.customerKey },
        slot,
        source: "manual",
        kind: "percentage",
        percentOff,
        amountOffMinor: null,
        expiryHours: inc.expiryHours,
        combinesWith: inc.combinesWith,
        minSubtotalMinor: 0,
        codePrefix: inc.codePrefix,
        now,
      },
      null,
    );
    if (result.kind !== "busy") break;
  }
  if (!result || result.kind === "busy") throw new InputError(409, "another code is being made for this checkout; try again");
  const incentive = result.incentive;
  await auditManualIncentive({
    shop,
    checkoutId: checkout.id,
    actor,
    code: incentive?.code ?? "",
    percentOff,
    status: result.kind === "failed" ? "failed" : "active",
    error: result.kind === "failed" ? result.error : null,
  });
  if (result.kind === "failed" || !incentive) {
    throw new InputError(502, "Shopify did not create the discount code", { error: result.kind === "failed" ? result.error : undefined });
  }
  return { code: incentive.code, applyUrl: applyUrl(shop, incentive.code, checkout.abandonedCheckoutUrl), endsAt: incentive.endsAt };
}

export interface ExpireResult {
  deactivated: number;
  expired: number;
  retryLater: number;
}

/**
 * Closes codes whose end has passed and that were never used: deactivated on Shopify (status deactivated), or just
 * marked expired when there is nothing to deactivate (no Shopify id, the app has no session any more, or Shopify
 * no longer knows the discount). Network/throttle failures leave the row for the next run. Bounded per call.
 * Meant for the scheduler: call it from the cron tick (all shops) every few minutes.
 */
export async function expireIncentives(args: { shop?: string; now: Date; limit?: number }, deps: IncentiveDeps = {}): Promise<ExpireResult> {
  const d = resolveDeps(deps);
  const { now } = args;
  const out: ExpireResult = { deactivated: 0, expired: await closeExpiredPending({ shop: args.shop, now }), retryLater: 0 };
  const rows = await listExpiredActive({ shop: args.shop, now, take: args.limit ?? 100 });
  const clients = new Map<string, AdminGraphql>();
  for (const row of rows) {
    if (!row.shopifyDiscountId) {
      if (await markIncentiveClosed(row.id, "expired", now)) out.expired += 1;
      continue;
    }
    const admin = clients.get(row.shop) ?? d.admin(row.shop);
    clients.set(row.shop, admin);
    try {
      const data = await admin.request(DiscountCodeDeactivate, { id: row.shopifyDiscountId });
      const errors = data.discountCodeDeactivate?.userErrors ?? [];
      if (errors.length === 0) {
        if (await markIncentiveClosed(row.id, "deactivated", now)) out.deactivated += 1;
      } else {
        // Typically the discount is gone (deleted by staff) or already expired: nothing left to stop.
        if (await markIncentiveClosed(row.id, "expired", now, `deactivate userErrors: ${userErrorText(errors)}`)) out.expired += 1;
      }
    } catch (error) {
      if (error instanceof AdminGraphqlError && (error.kind === "no_session" || error.detail.status === 401 || error.detail.status === 403)) {
        // Uninstalled or access revoked: Shopify ends the code at endsAt by itself.
        if (await markIncentiveClosed(row.id, "expired", now, `${error.kind}: ${error.message}`)) out.expired += 1;
      } else {
        out.retryLater += 1;
        log.warn({ shop: row.shop, incentiveId: row.id, err: (error as Error).message }, "incentive: deactivate failed, will retry");
      }
    }
  }
  return out;
}

/** Stats and the recent codes, for the Incentives page. */
export async function getIncentivesPage({ shop, take = 25 }: { shop: string; take?: number }) {
  const [stats, recent] = await Promise.all([incentiveStats({ shop }), listRecentIncentives({ shop, take })]);
  return { stats, recent };
}
