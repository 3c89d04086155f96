// Pure recovery rules: cadence timing, quiet hours, frequency cap, eligibility, scoring, handoff. Every rule takes `now`.
import { describe, expect, it } from "vitest";
import { MAX_SEND_ATTEMPTS, retryAt, scheduleAfter, stepDueAt, windowEndsAt } from "../../app/lib/cadence";
import { channelSkipReason, checkoutDecision, reachableChannels, type ChannelFacts, type CheckoutFacts } from "../../app/lib/eligibility";
import { capAllows, capWindowStart } from "../../app/lib/frequency-cap";
import { handoffDecision, handoffSummary } from "../../app/lib/handoff";
import { localMinutes, quietHoursEnd } from "../../app/lib/quiet-hours";
import { averageOrderMinor, priorityOf, scoreCheckout } from "../../app/lib/scoring";
import { DEFAULT_SETTINGS, SettingsSchema, type Settings } from "../../app/lib/settings";
import { hashAddress, suppressionKeys } from "../../app/lib/suppression";
import { T0, addHours, minutesFrom } from "../helpers/time";

const A = T0; // abandoned at
const min = minutesFrom(A);
const settings = (over: Record<string, unknown> = {}): Settings => SettingsSchema.parse(over);

describe("cadence", () => {
  it("counts steps and the 48-hour window from abandonment", () => {
    expect(stepDueAt(A, { offsetMinutes: 90 })).toEqual(min(90));
    expect(windowEndsAt(A, DEFAULT_SETTINGS)).toEqual(min(48 * 60));
  });

  it("schedules the next enabled step, then the window's end", () => {
    expect(scheduleAfter({ settings: DEFAULT_SETTINGS, abandonedAt: A, doneIndex: -1, now: A, justSent: false })).toEqual({
      nextStepIndex: 0,
      nextDueAt: min(60),
      closing: false,
    });
    expect(scheduleAfter({ settings: DEFAULT_SETTINGS, abandonedAt: A, doneIndex: 0, now: min(60), justSent: true })).toEqual({
      nextStepIndex: 1,
      nextDueAt: min(90),
      closing: false,
    });
    expect(scheduleAfter({ settings: DEFAULT_SETTINGS, abandonedAt: A, doneIndex: 4, now: min(2400), justSent: true })).toEqual({
      nextStepIndex: 5,
      nextDueAt: min(2880),
      closing: true,
    });
  });

  it("keeps a gap after a late step, and drops steps that would fall after the window", () => {
    // Step 0 went out late (quiet hours) at +85: step 1 (+90) waits until +100.
    expect(scheduleAfter({ settings: DEFAULT_SETTINGS, abandonedAt: A, doneIndex: 0, now: min(85), justSent: true }).nextDueAt).toEqual(min(100));
    // Without a send there is no gap to keep.
    expect(scheduleAfter({ settings: DEFAULT_SETTINGS, abandonedAt: A, doneIndex: 0, now: min(85), justSent: false }).nextDueAt).toEqual(min(90));
    // Step 4 (+2400) sent at +2870: nothing fits before +2880, so close.
    expect(scheduleAfter({ settings: DEFAULT_SETTINGS, abandonedAt: A, doneIndex: 3, now: min(2870), justSent: true })).toMatchObject({
      closing: true,
      nextDueAt: min(2880),
    });
  });

  it("skips disabled steps (indexes are over enabled steps)", () => {
    const s = settings({ cadence: { steps: DEFAULT_SETTINGS.cadence.steps.map((st) => ({ ...st, enabled: st.id !== "s2" })) } });
    expect(scheduleAfter({ settings: s, abandonedAt: A, doneIndex: 0, now: min(60), justSent: true })).toEqual({
      nextStepIndex: 1,
      nextDueAt: min(240),
      closing: false,
    });
  });

  it("backs off retries exponentially, honours the provider's time, and gives up", () => {
    expect(retryAt({ attempts: 1, providerAt: null, now: A, deadline: min(1000) })).toEqual(min(2));
    expect(retryAt({ attempts: 3, providerAt: null, now: A, deadline: min(1000) })).toEqual(min(8));
    expect(retryAt({ attempts: 1, providerAt: min(30), now: A, deadline: min(1000) })).toEqual(min(30));
    expect(retryAt({ attempts: MAX_SEND_ATTEMPTS, providerAt: null, now: A, deadline: min(1000) })).toBeNull();
    expect(retryAt({ attempts: 1, providerAt: min(2000), now: A, deadline: min(1000) })).toBeNull();
  });
});

describe("quiet hours", () => {
  const q = { enabled: true, start: "21:00", end: "08:00", timezone: null };
  it("reads local time in a zone", () => {
    expect(localMinutes(new Date("2026-11-20T02:30:00Z"), "America/New_York")).toBe(21 * 60 + 30);
    expect(localMinutes(new Date("2026-11-20T02:30:00Z"), "Asia/Kolkata")).toBe(8 * 60);
  });

  it("lets messages out during the day, holds them across midnight until the end", () => {
    expect(quietHoursEnd(new Date("2026-11-20T15:00:00Z"), q, "America/New_York")).toBeNull(); // 10:00 local
    expect(quietHoursEnd(new Date("2026-11-20T03:20:00Z"), q, "America/New_York")).toEqual(new Date("2026-11-20T13:00:00Z")); // 22:20 -> 08:00
    expect(quietHoursEnd(new Date("2026-11-20T10:00:00Z"), q, "America/New_York")).toEqual(new Date("2026-11-20T13:00:00Z")); // 05:00 -> 08:00
    expect(quietHoursEnd(new Date("2026-11-20T13:00:00Z"), q, "America/New_York")).toBeNull(); // 08:00 exactly: allowed
  });

  it("uses the settings' zone over the shop's, and can be turned off", () => {
    // 03:20Z is 22:20 in New York but 04:20 in Paris: quiet either way, ending at 08:00 Paris = 07:00Z.
    expect(quietHoursEnd(new Date("2026-11-20T03:20:00Z"), { ...q, timezone: "Europe/Paris" }, "America/New_York")).toEqual(new Date("2026-11-20T07:00:00Z"));
    // 15:00Z: 10:00 in New York, 16:00 in Paris, 00:00 in Auckland (+13).
    expect(quietHoursEnd(new Date("2026-11-20T11:00:00Z"), { ...q, timezone: "Pacific/Auckland" }, "America/New_York")).toEqual(
      new Date("2026-11-20T19:00:00Z"),
    );
  });

  it("respects a daylight-saving change (New York, 2026-03-08)", () => {
    // 23:00 EST on Mar 7 = 04:00Z; quiet ends 08:00 EDT on Mar 8 = 12:00Z (the night is an hour shorter).
    expect(quietHoursEnd(new Date("2026-03-08T04:00:00Z"), q, "America/New_York")).toEqual(new Date("2026-03-08T12:00:00Z"));
    // Fall back, 2026-11-01: 23:00 EDT on Oct 31 = 03:00Z; 08:00 EST on Nov 1 = 13:00Z.
    expect(quietHoursEnd(new Date("2026-11-01T03:00:00Z"), q, "America/New_York")).toEqual(new Date("2026-11-01T13:00:00Z"));
  });

  it("handles a same-day range and an empty range", () => {
    const lunch = { enabled: true, start: "12:00", end: "13:00", timezone: "UTC" };
    expect(quietHoursEnd(new Date("2026-11-20T12:30:00Z"), lunch, "UTC")).toEqual(new Date("2026-11-20T13:00:00Z"));
    expect(quietHoursEnd(new Date("2026-11-20T13:30:00Z"), lunch, "UTC")).toBeNull();
    expect(quietHoursEnd(new Date("2026-11-20T12:30:00Z"), { ...lunch, end: "12:00" }, "UTC")).toBeNull();
    expect(quietHoursEnd(new Date("2026-11-20T03:00:00Z"), { ...q, enabled: false }, "UTC")).toBeNull();
  });
});

describe("frequency cap", () => {
  const cap = { maxMessages: 3, perHours: 24 };
  it("counts the reminders inside the window and allows one more while under the cap", () => {
    expect(capWindowStart(A, cap)).toEqual(addHours(A, -24));
    expect(capAllows([min(-60), min(-30)], A, cap)).toBe(true);
    expect(capAllows([min(-60), min(-30), min(-10)], A, cap)).toBe(false);
    // One at exactly the window's start still counts; one before it does not.
    expect(capAllows([min(-24 * 60), min(-30), min(-10)], A, cap)).toBe(false);
    expect(capAllows([min(-24 * 60 - 1), min(-30), min(-10)], A, cap)).toBe(true);
  });
});

describe("eligibility", () => {
  const base: CheckoutFacts = {
    status: "open",
    completedAt: null,
    orderId: null,
    isTest: false,
    isStaff: false,
    totalMinor: 5000,
    stage: "abandoned",
    newerSibling: null,
  };
  const end = min(2880);
  const decide = (f: Partial<CheckoutFacts>, s = DEFAULT_SETTINGS, now = min(60)) => checkoutDecision({ ...base, ...f }, s, now, end);

  it("proceeds for an ordinary abandoned checkout", () => {
    expect(decide({})).toEqual({ action: "proceed" });
  });

  it("stops with a reason for each exclusion", () => {
    expect(decide({ completedAt: min(30) })).toMatchObject({ action: "stop", reason: "order_completed" });
    expect(decide({ orderId: "1" })).toMatchObject({ action: "stop", reason: "order_completed" });
    expect(decide({ status: "stopped" })).toMatchObject({ action: "stop", reason: "already_stopped" });
    expect(decide({ isTest: true })).toMatchObject({ action: "stop", reason: "test_checkout" });
    expect(decide({ isTest: true }, settings({ exclusions: { excludeTest: false } }))).toEqual({ action: "proceed" });
    expect(decide({ isStaff: true })).toMatchObject({ action: "stop", reason: "staff_checkout" });
    expect(decide({ newerSibling: { completed: false } })).toMatchObject({ action: "stop", reason: "duplicate_checkout" });
    expect(decide({ newerSibling: { completed: true } })).toMatchObject({ action: "stop", reason: "customer_ordered" });
    expect(decide({ totalMinor: 100 }, settings({ exclusions: { minCartValueMinor: 1000 } }))).toMatchObject({
      action: "stop",
      reason: "below_min_cart_value",
    });
    // A cart whose shop value is unknown (another currency) is not measured against the shop's minimum.
    expect(decide({ totalMinor: null }, settings({ exclusions: { minCartValueMinor: 1000 } }))).toEqual({ action: "proceed" });
    expect(decide({}, DEFAULT_SETTINGS, end)).toEqual({ action: "stop", reason: "window_passed", lost: true });
  });

  it("pauses while a person negotiates, never past the window, and ends automation (not Lost) after it", () => {
    expect(decide({ stage: "negotiating" })).toEqual({ action: "pause", reason: "negotiating", until: min(120) });
    expect(decide({ stage: "negotiating" }, DEFAULT_SETTINGS, min(2860))).toEqual({ action: "pause", reason: "negotiating", until: end });
    // Past the window a paused checkout must not be rescheduled into the past (a tick would re-claim it forever).
    expect(decide({ stage: "negotiating" }, DEFAULT_SETTINGS, end)).toEqual({ action: "stop", reason: "window_passed", lost: false });
    expect(decide({ stage: "negotiating" }, DEFAULT_SETTINGS, min(3000))).toEqual({ action: "stop", reason: "window_passed", lost: false });
  });

  const facts: ChannelFacts = {
    email: "a@example.com",
    phone: "+15550100000",
    hasPushSubscription: true,
    emailConsent: true,
    smsConsent: true,
    suppressed: new Set(),
    available: true,
  };
  it("gives each channel skip a reason", () => {
    expect(channelSkipReason("email", facts, DEFAULT_SETTINGS)).toBeNull();
    expect(channelSkipReason("email", { ...facts, email: null }, DEFAULT_SETTINGS)).toBe("no_address");
    expect(channelSkipReason("push", { ...facts, hasPushSubscription: false }, DEFAULT_SETTINGS)).toBe("no_address");
    expect(channelSkipReason("email", { ...facts, suppressed: new Set(["email"]) }, DEFAULT_SETTINGS)).toBe("opted_out");
    expect(channelSkipReason("whatsapp", { ...facts, suppressed: new Set(["all"]) }, DEFAULT_SETTINGS)).toBe("opted_out");
    expect(channelSkipReason("email", { ...facts, emailConsent: false }, DEFAULT_SETTINGS)).toBeNull(); // policy "all"
    expect(channelSkipReason("email", { ...facts, emailConsent: false }, settings({ consent: { emailPolicy: "subscribers" } }))).toBe("no_consent");
    expect(channelSkipReason("whatsapp", { ...facts, smsConsent: false }, DEFAULT_SETTINGS)).toBe("no_consent");
    expect(channelSkipReason("push", { ...facts, available: false }, DEFAULT_SETTINGS)).toBe("channel_unavailable");
    expect(reachableChannels({ ...facts, phone: null }, DEFAULT_SETTINGS)).toEqual(["email", "push"]);
  });
});

describe("scoring", () => {
  const base = {
    totalMinor: 5000,
    averageOrderMinor: 5000,
    highValueThresholdMinor: 25_000,
    returningCustomer: false,
    customerOrdersCount: 0,
    failedPayment: false,
    abandonedAt: A,
    now: min(60),
    reachableChannels: 1,
  };
  it("maps scores to priorities", () => {
    expect([priorityOf(75), priorityOf(45), priorityOf(25), priorityOf(5)]).toEqual(["urgent", "high", "medium", "low"]);
    expect(averageOrderMinor(0, 0n)).toBeNull();
    expect(averageOrderMinor(4, 10_000n)).toBe(2500);
  });

  it("raises the score with cart value, history, failed payment, recency and reach", () => {
    const plain = scoreCheckout(base);
    expect(plain.priority).toBe("medium"); // 1x the average (+10), fresh (+15)
    expect(scoreCheckout({ ...base, totalMinor: 20_000 }).score).toBeGreaterThan(plain.score);
    expect(scoreCheckout({ ...base, returningCustomer: true, customerOrdersCount: 3 }).score).toBe(plain.score + 25);
    expect(scoreCheckout({ ...base, failedPayment: true }).score).toBe(plain.score + 20);
    expect(scoreCheckout({ ...base, now: min(30 * 60) }).score).toBe(plain.score - 15);
    expect(scoreCheckout({ ...base, reachableChannels: 3 }).score).toBe(plain.score + 10);
    expect(scoreCheckout({ ...base, reachableChannels: 0 }).score).toBe(plain.score - 20);
    expect(scoreCheckout({ ...base, totalMinor: 20_000, returningCustomer: true, customerOrdersCount: 4, failedPayment: true }).priority).toBe("urgent");
  });

  it("falls back to the high-value threshold when the shop has no orders yet", () => {
    expect(scoreCheckout({ ...base, averageOrderMinor: null, totalMinor: 25_000 }).factors[0]).toContain("2.0x");
  });
});

describe("handoff", () => {
  const rules = DEFAULT_SETTINGS.handoff;
  it("routes high-value carts, repeat customers and failed payments to a person", () => {
    expect(handoffDecision({ shopTotalMinor: 30_000, returningCustomer: false, customerOrdersCount: 0, failedPayment: false }, rules)).toEqual({
      handoff: true,
      reasons: ["high_value"],
      continueAutomation: true,
    });
    expect(handoffDecision({ shopTotalMinor: 100, returningCustomer: true, customerOrdersCount: 2, failedPayment: true }, rules).reasons).toEqual([
      "failed_payment",
      "returning_customer",
    ]);
    expect(handoffDecision({ shopTotalMinor: 100, returningCustomer: false, customerOrdersCount: 0, failedPayment: false }, rules).handoff).toBe(false);
  });

  it("follows the shop's switches", () => {
    const off = { ...rules, returningCustomers: false, failedPayments: false, continueAutomation: false };
    expect(handoffDecision({ shopTotalMinor: 100, returningCustomer: true, customerOrdersCount: 2, failedPayment: true }, off)).toEqual({
      handoff: false,
      reasons: [],
      continueAutomation: true,
    });
    expect(handoffDecision({ shopTotalMinor: 30_000, returningCustomer: false, customerOrdersCount: 0, failedPayment: false }, off).continueAutomation).toBe(
      false,
    );
    expect(handoffSummary(["high_value", "failed_payment"])).toBe("High-value cart, Payment failed");
  });
  it("never calls a cart high value by an amount in another currency", () => {
    // A 300.00 EUR cart in a USD shop: its shop value is unknown (null), so the USD threshold does not apply.
    const foreign = { shopTotalMinor: null, returningCustomer: false, customerOrdersCount: 0, failedPayment: false };
    expect(handoffDecision(foreign, rules).reasons).not.toContain("high_value");
    // Scoring gives no value points for an unknown shop value, however large the shopper's figure.
    const base = {
      averageOrderMinor: 5_000,
      highValueThresholdMinor: 20_000,
      returningCustomer: false,
      customerOrdersCount: 0,
      failedPayment: false,
      abandonedAt: new Date(0),
      now: new Date(0),
      reachableChannels: 1,
    };
    expect(scoreCheckout({ ...base, totalMinor: null }).factors.join()).not.toContain("average order");
    expect(scoreCheckout({ ...base, totalMinor: 20_000 }).factors[0]).toContain("4.0x");
  });
});

describe("suppression keys", () => {
  it("looks up both the hash and the plain normalized address", () => {
    expect(suppressionKeys("email", " Ada@Example.com ")).toEqual(["ada@example.com", hashAddress("ada@example.com")]);
    expect(suppressionKeys("phone", "+1 (555) 010-2030")).toEqual(["+15550102030", hashAddress("+15550102030")]);
    expect(suppressionKeys("email", null)).toEqual([]);
  });
});
