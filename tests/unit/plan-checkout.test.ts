// The pure decision for one due checkout (app/lib/plan-checkout.ts): each rule, in its order of precedence.
import { describe, expect, it } from "vitest";
import { planCheckout, type PlanCheckoutFacts, type PlanFacts, type PlanShop } from "../../app/lib/plan-checkout";
import { DEFAULT_SETTINGS, enabledSteps, type Settings } from "../../app/lib/settings";

const T0 = new Date("2026-11-20T10:00:00Z"); // abandoned at 10:00 UTC (quiet hours 21:00-08:00 in the shop's zone)
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function settings(patch: (s: Settings) => void = () => {}): Settings {
  const s = structuredClone(DEFAULT_SETTINGS);
  patch(s);
  return s;
}

function shopOf(s: Settings = settings(), timezone: string | null = "UTC"): PlanShop {
  return { settings: s, steps: enabledSteps(s), timezone, averageOrderMinor: 8_000 };
}

function checkout(o: Partial<PlanCheckoutFacts> = {}): PlanCheckoutFacts {
  return {
    id: "c1",
    status: "abandoned",
    completedAt: null,
    orderId: null,
    isTest: false,
    isStaff: false,
    shopTotalMinor: 5_000,
    stage: "abandoned",
    customerTags: null,
    customerKey: "e:ana@example.com",
    shopifyCreatedAt: at(-30),
    abandonedAt: T0,
    email: "ana@example.com",
    phone: null,
    emailConsent: true,
    smsConsent: false,
    returningCustomer: false,
    customerOrdersCount: 0,
    failedPayment: false,
    handoff: false,
    nextStepIndex: 0,
    holdout: null,
    ...o,
  };
}

function facts(o: Partial<PlanFacts> = {}): PlanFacts {
  return {
    rows: [],
    siblings: [],
    suppressed: new Set(),
    hasPushSubscription: true,
    whatsappConsent: null,
    ordersGate: null,
    channelAvailable: () => true,
    capReminders: [],
    stepCounted: false,
    holdoutAssignment: false,
    ...o,
  };
}

const row = (o: { id: string; stepId?: string; channel: string; status: string; attempts?: number; nextAttemptAt?: Date | null }) => ({
  stepId: "s1",
  attempts: 0,
  nextAttemptAt: null,
  ...o,
});

describe("planCheckout", () => {
  it("stops a checkout of a shop that is gone, skipping its open shopper rows but not a staff alert", () => {
    const plan = planCheckout(
      checkout(),
      null,
      facts({
        rows: [
          row({ id: "m1", channel: "email", status: "sending" }),
          row({ id: "m2", channel: "staff_alert", stepId: "handoff", status: "pending" }),
          row({ id: "m3", channel: "push", status: "sent" }),
        ],
      }),
      at(60),
    );
    expect(plan).toMatchObject({ kind: "stop", reason: "already_stopped", lost: false, openRowIds: ["m1"] });
  });

  it("stops on an order, and closes as Lost only once the window has passed", () => {
    expect(planCheckout(checkout({ orderId: "o1" }), shopOf(), facts(), at(60))).toMatchObject({ kind: "stop", reason: "order_completed", lost: false });
    expect(planCheckout(checkout(), shopOf(), facts(), at(48 * 60))).toMatchObject({ kind: "stop", reason: "window_passed", lost: true });
  });

  it("hands the sequence to a newer checkout of the same shopper, and stops when they bought on another", () => {
    const newer = { id: "c2", shopifyCreatedAt: at(-10), completedAt: null, isTest: false };
    expect(planCheckout(checkout(), shopOf(), facts({ siblings: [newer] }), at(60))).toMatchObject({ kind: "stop", reason: "duplicate_checkout" });
    const bought = { id: "c0", shopifyCreatedAt: at(-60), completedAt: at(-5), isTest: false };
    expect(planCheckout(checkout(), shopOf(), facts({ siblings: [bought] }), at(60))).toMatchObject({ kind: "stop", reason: "customer_ordered" });
    // A test checkout of the same shopper counts for nothing; nor does a sibling without a customer key on this one.
    expect(planCheckout(checkout(), shopOf(), facts({ siblings: [{ ...newer, isTest: true }] }), at(60)).kind).toBe("step");
    expect(planCheckout(checkout({ customerKey: null }), shopOf(), facts({ siblings: [newer] }), at(60)).kind).toBe("step");
  });

  it("waits while a person negotiates, keeping the checkout's status, with no handoff work", () => {
    const plan = planCheckout(checkout({ stage: "negotiating", status: "abandoned", shopTotalMinor: 90_000 }), shopOf(), facts(), at(60));
    expect(plan).toMatchObject({ kind: "wait", reason: "negotiating", until: at(120), status: "abandoned", handoff: null });
  });

  it("hands a high-value cart off and stops automation when the shop says so; continues (with the handoff) otherwise", () => {
    const high = checkout({ shopTotalMinor: 30_000 });
    const stop = planCheckout(high, shopOf(settings((s) => void (s.handoff.continueAutomation = false))), facts(), at(60));
    expect(stop).toMatchObject({ kind: "stop", reason: "handed_off", handoff: { reasons: ["high_value"], alertRow: null } });
    const go = planCheckout(high, shopOf(), facts(), at(60));
    expect(go).toMatchObject({ kind: "step", handoff: { reasons: ["high_value"] }, fresh: ["email", "push"] });
    // Already handed off with its alert sent: no handoff work left.
    const done = planCheckout(
      { ...high, handoff: true },
      shopOf(),
      facts({ rows: [row({ id: "a1", stepId: "handoff", channel: "staff_alert", status: "sent" })] }),
      at(60),
    );
    expect(done).toMatchObject({ kind: "step", handoff: null });
  });

  it("waits for the window's end once every step is done (nothing counted as deferred)", () => {
    const plan = planCheckout(checkout({ nextStepIndex: 5 }), shopOf(), facts(), at(41 * 60));
    expect(plan).toMatchObject({ kind: "wait", reason: null, until: at(48 * 60), stepIndex: 5, status: "abandoned" });
  });

  it("waits for the orders gate, never past the window's end", () => {
    const plan = planCheckout(checkout(), shopOf(), facts({ ordersGate: { send: false, reason: "orders_sync_pending", until: at(49 * 60) } }), at(60));
    expect(plan).toMatchObject({ kind: "wait", reason: "orders_sync_pending", until: at(48 * 60), stepIndex: 0 });
  });

  it("waits out quiet hours in the shop's time zone", () => {
    // 10:00 UTC is 02:00 in Los Angeles (quiet until 08:00 there = 16:00 UTC); in UTC it is daytime.
    expect(planCheckout(checkout(), shopOf(settings(), "America/Los_Angeles"), facts(), at(60))).toMatchObject({
      kind: "wait",
      reason: "quiet_hours",
      until: new Date("2026-11-20T16:00:00Z"),
    });
    expect(planCheckout(checkout(), shopOf(settings(), "UTC"), facts(), at(60)).kind).toBe("step");
  });

  it("sorts the step's channels: resend what was left sending or is due, wait for a later retry, skip with a reason", () => {
    const s = settings((x) => void (x.cadence.steps[0].channels = ["email", "push", "whatsapp"]));
    const left = planCheckout(
      checkout(),
      shopOf(s),
      facts({ rows: [row({ id: "m1", channel: "email", status: "sending" })], hasPushSubscription: false }),
      at(60),
    );
    expect(left).toMatchObject({
      kind: "step",
      fresh: [],
      resend: [{ id: "m1" }],
      skipped: [
        { channel: "push", reason: "no_address" },
        { channel: "whatsapp", reason: "no_address" },
      ],
      waitUntil: null,
    });
    const later = planCheckout(
      checkout(),
      shopOf(s),
      facts({ rows: [row({ id: "m1", channel: "email", status: "pending", nextAttemptAt: at(90) })], channelAvailable: (c) => c !== "push" }),
      at(60),
    );
    expect(later).toMatchObject({
      kind: "step",
      fresh: [],
      resend: [],
      waitUntil: at(90),
      skipped: [
        { channel: "push", reason: "channel_unavailable" },
        { channel: "whatsapp", reason: "no_address" },
      ],
    });
    const opted = planCheckout(checkout(), shopOf(s), facts({ suppressed: new Set(["email"] as const) }), at(60));
    expect(opted).toMatchObject({
      kind: "step",
      fresh: ["push"],
      skipped: [
        { channel: "email", reason: "opted_out" },
        { channel: "whatsapp", reason: "no_address" },
      ],
    });
    const sent = planCheckout(checkout(), shopOf(), facts({ rows: [row({ id: "m1", channel: "email", status: "sent" })] }), at(60));
    expect(sent).toMatchObject({ kind: "step", fresh: ["push"], sentBefore: true });
  });

  it("counts the step as one reminder, or trims it whole over the frequency cap", () => {
    const full = [at(-600), at(-500), at(-400), at(-300)];
    expect(planCheckout(checkout(), shopOf(), facts({ capReminders: full.slice(0, 3) }), at(60))).toMatchObject({
      countsReminder: true,
      trimmed: false,
      fresh: ["email", "push"],
    });
    const trimmed = planCheckout(checkout(), shopOf(), facts({ capReminders: full }), at(60));
    expect(trimmed).toMatchObject({
      countsReminder: false,
      trimmed: true,
      fresh: [],
      skipped: [
        { channel: "email", reason: "frequency_cap" },
        { channel: "push", reason: "frequency_cap" },
      ],
    });
    // The step already counted (a channel went out before): the cap does not trim it again.
    expect(planCheckout(checkout(), shopOf(), facts({ capReminders: full, stepCounted: true }), at(60))).toMatchObject({
      trimmed: false,
      fresh: ["email", "push"],
    });
    // No customer key: no cap.
    expect(planCheckout(checkout({ customerKey: null }), shopOf(), facts({ capReminders: null }), at(60))).toMatchObject({
      trimmed: false,
      countsReminder: false,
    });
  });

  it("asks for the incentive only for a step that carries one and sends something", () => {
    const third = checkout({ nextStepIndex: 2 });
    const on = shopOf(settings((s) => void (s.incentive.enabled = true)));
    expect(planCheckout(third, on, facts(), at(240))).toMatchObject({ kind: "step", wantsIncentive: true, step: { id: "s3", index: 2, isFinal: false } });
    expect(planCheckout(third, shopOf(), facts(), at(240))).toMatchObject({ wantsIncentive: false }); // incentives off (the default)
    expect(planCheckout(checkout({ nextStepIndex: 1, phone: "+15551234567", smsConsent: true }), on, facts(), at(240))).toMatchObject({
      wantsIncentive: false,
      fresh: ["whatsapp"],
    });
    expect(planCheckout(third, on, facts({ hasPushSubscription: false, suppressed: new Set(["all"] as const) }), at(240))).toMatchObject({
      wantsIncentive: false,
      fresh: [],
    });
  });

  it("holds out a shopper: decided once at the first due step, every channel skipped as holdout, handoffs still planned", () => {
    const first = planCheckout(checkout(), shopOf(), facts({ holdoutAssignment: true }), at(60));
    expect(first).toMatchObject({
      kind: "step",
      heldOut: true,
      recordHoldout: true,
      fresh: [],
      countsReminder: false,
      wantsIncentive: false,
      skipped: [
        { channel: "email", reason: "holdout" },
        { channel: "push", reason: "holdout" },
      ],
    });
    // Recorded: the setting's answer no longer matters (a change of percent never moves a shopper between groups).
    expect(planCheckout(checkout({ holdout: true, nextStepIndex: 3 }), shopOf(), facts({ holdoutAssignment: false }), at(1440))).toMatchObject({
      heldOut: true,
      recordHoldout: null,
      fresh: [],
    });
    expect(planCheckout(checkout({ holdout: false }), shopOf(), facts({ holdoutAssignment: true }), at(60))).toMatchObject({
      heldOut: false,
      recordHoldout: null,
      fresh: ["email", "push"],
    });
    // Not held out: recorded as messaged.
    expect(planCheckout(checkout(), shopOf(), facts(), at(60))).toMatchObject({ heldOut: false, recordHoldout: false, fresh: ["email", "push"] });
    // Already messaged before the holdout existed: stays messaged.
    const sentRow = { id: "m1", stepId: "s1", channel: "email", status: "sent", attempts: 1, nextAttemptAt: null };
    expect(
      planCheckout(
        checkout({ nextStepIndex: 1, phone: "+15551234567", smsConsent: true }),
        shopOf(),
        facts({ rows: [sentRow], holdoutAssignment: true }),
        at(90),
      ),
    ).toMatchObject({
      heldOut: false,
      recordHoldout: false,
    });
    // A high-value held-out cart still goes to a person.
    const big = planCheckout(checkout({ shopTotalMinor: 90_000 }), shopOf(), facts({ holdoutAssignment: true }), at(60));
    expect(big).toMatchObject({ kind: "step", heldOut: true, fresh: [] });
    expect(big.handoff?.reasons).toContain("high_value");
  });
});
