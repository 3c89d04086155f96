// Eligibility: whether a due checkout may get its step now, and whether each channel of the step may be used.
// Every "no" carries a reason code; the engine records it (checkout stop reason, or a skipped ledger row per channel).
import { automationPaused, isStage } from "./pipeline";
import type { Channel, Settings } from "./settings";

/** Reasons that end a checkout's sequence for good. */
export type StopReason =
  | "order_completed" // the checkout (or an order for it) completed
  | "customer_ordered" // the same shopper completed another checkout since (another device)
  | "duplicate_checkout" // the same shopper has a newer checkout: that one carries the sequence
  | "test_checkout"
  | "staff_checkout"
  | "below_min_cart_value"
  | "excluded_tag" // the customer carries a tag listed in Settings' "Excluded customer tags"
  | "window_passed"
  | "handed_off" // a person took over and the shop chose not to continue automation
  | "already_stopped" // stopped by something else (uninstall, redaction) while it was due
  | "manual_lost" // a person moved the card to Lost
  | "manual_recovered" // a person moved the card to Recovered
  | "no_steps";

/** Reasons a channel of a step is not used (the step still counts as done for that channel). */
export type ChannelSkipReason = "no_address" | "opted_out" | "no_consent" | "channel_unavailable" | "frequency_cap";

export const PAUSE_RECHECK_MINUTES = 60;

export interface CheckoutFacts {
  status: string;
  completedAt: Date | null;
  orderId: string | null;
  isTest: boolean;
  isStaff: boolean;
  /** The cart in the shop's currency (what Settings' minimum is in); null = unknown (another currency): not excluded. */
  totalMinor: number | null;
  stage: string;
  /** The newest other checkout of the same shopper (same customer key) created after this one, if any. */
  newerSibling: null | { completed: boolean };
  /** The customer's tags, lower case (Checkout.customerTags); absent = none known. */
  customerTags?: readonly string[];
}

/** Does the customer carry one of the excluded tags? Shopify tags compare case-insensitively. */
export function hasExcludedTag(customerTags: readonly string[] | undefined, excluded: readonly string[]): boolean {
  if (!customerTags?.length || !excluded.length) return false;
  const mine = new Set(customerTags.map((t) => t.trim().toLowerCase()));
  return excluded.some((t) => mine.has(t.trim().toLowerCase()));
}

/** Checkout.customerTags (JSON array text) -> tags; anything unreadable = no tags. */
export function parseCustomerTags(json: string | null | undefined): string[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((t): t is string => typeof t === "string") : [];
  } catch {
    return [];
  }
}

export type CheckoutDecision =
  { action: "proceed" } | { action: "stop"; reason: StopReason; lost: boolean } | { action: "pause"; reason: "negotiating"; until: Date };

const TERMINAL = new Set(["completed", "recovered", "expired", "stopped"]);

/** Checkout-level rules, in order of precedence. `windowEnd` is when the recovery window closes. */
export function checkoutDecision(f: CheckoutFacts, settings: Settings, now: Date, windowEnd: Date): CheckoutDecision {
  if (f.completedAt || f.orderId || f.status === "completed" || f.status === "recovered") return { action: "stop", reason: "order_completed", lost: false };
  if (TERMINAL.has(f.status)) return { action: "stop", reason: "already_stopped", lost: false };
  // Moved to Lost or Recovered by hand (the move stops automation itself; this catches cards moved before it did).
  if (f.stage === "lost") return { action: "stop", reason: "manual_lost", lost: false };
  if (f.stage === "recovered") return { action: "stop", reason: "manual_recovered", lost: false };
  if (f.isTest && settings.exclusions.excludeTest) return { action: "stop", reason: "test_checkout", lost: false };
  if (f.isStaff && settings.exclusions.excludeStaff) return { action: "stop", reason: "staff_checkout", lost: false };
  if (hasExcludedTag(f.customerTags, settings.exclusions.excludedCustomerTags)) return { action: "stop", reason: "excluded_tag", lost: false };
  if (f.newerSibling) return { action: "stop", reason: f.newerSibling.completed ? "customer_ordered" : "duplicate_checkout", lost: false };
  if (f.totalMinor !== null && f.totalMinor < settings.exclusions.minCartValueMinor) return { action: "stop", reason: "below_min_cart_value", lost: false };
  if (isStage(f.stage) && automationPaused(f.stage)) {
    // A person is talking to the shopper: the sequence waits (and is not closed as Lost behind their back). Once the
    // window has passed there is nothing left to wait for: automation ends, the card stays with the person.
    if (now >= windowEnd) return { action: "stop", reason: "window_passed", lost: false };
    const recheck = now.getTime() + PAUSE_RECHECK_MINUTES * 60_000;
    return { action: "pause", reason: "negotiating", until: new Date(Math.min(recheck, windowEnd.getTime())) };
  }
  if (now >= windowEnd) return { action: "stop", reason: "window_passed", lost: true };
  return { action: "proceed" };
}

export interface ChannelFacts {
  email: string | null;
  phone: string | null;
  hasPushSubscription: boolean;
  emailConsent: boolean;
  smsConsent: boolean;
  /**
   * Shopify's WhatsApp marketing consent for the customer (the consent webhook's row, else the checkout's
   * snapshot): true = subscribed, false = anything else; null/absent = Shopify has none, SMS consent stands in.
   */
  whatsappConsent?: boolean | null;
  /** Channels the shopper's addresses are suppressed on ("all" = every channel). */
  suppressed: ReadonlySet<Channel | "all">;
  /** The channel is configured and able to send for this shop. */
  available: boolean;
}

export function channelSkipReason(channel: Channel, f: ChannelFacts, settings: Settings): ChannelSkipReason | null {
  const hasAddress = channel === "email" ? !!f.email : channel === "whatsapp" ? !!f.phone : f.hasPushSubscription;
  if (!hasAddress) return "no_address";
  if (f.suppressed.has("all") || f.suppressed.has(channel)) return "opted_out";
  if (channel === "email" && settings.consent.emailPolicy === "subscribers" && !f.emailConsent) return "no_consent";
  if (channel === "whatsapp" && !mayWhatsApp(f)) return "no_consent";
  if (!f.available) return "channel_unavailable";
  return null;
}

/** Channels the shopper can be reached on at all (address present and not opted out), for scoring. */
export function reachableChannels(f: Omit<ChannelFacts, "available">, settings: Settings): Channel[] {
  const out: Channel[] = [];
  for (const ch of ["email", "push", "whatsapp"] as const) {
    const r = channelSkipReason(ch, { ...f, available: true }, settings);
    if (r === null) out.push(ch);
  }
  return out;
}

/** WhatsApp only with Shopify's WhatsApp marketing consent; where Shopify has none, SMS marketing consent stands in. */
export function mayWhatsApp(f: { smsConsent: boolean; whatsappConsent?: boolean | null }): boolean {
  return f.whatsappConsent === true || ((f.whatsappConsent === null || f.whatsappConsent === undefined) && f.smsConsent);
}

/**
 * Which WhatsApp consent counts: the newest of the consent webhook's row (Shopify's own record, with its updated_at)
 * and the checkout's snapshot. The row wins unless it is older than the checkout's snapshot. A row whose state is
 * null says nothing (Shopify has no WhatsApp consent for the customer).
 */
export function resolveWhatsAppConsent(
  row: { state: string | null; updatedAt: Date | null } | null | undefined,
  checkout: { consent: boolean | null; updatedAt?: Date | null },
): boolean | null {
  const rowSays = row && row.state ? row.state === "subscribed" : null;
  if (rowSays === null) return checkout.consent;
  if (checkout.consent === null) return rowSays;
  if (row?.updatedAt && checkout.updatedAt && checkout.updatedAt > row.updatedAt) return checkout.consent;
  return rowSays;
}
