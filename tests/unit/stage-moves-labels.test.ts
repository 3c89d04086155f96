// Pure rules behind stage moves and ledger labels: when Lost -> Contacted resumes reminders and what the card says;
// how staff alerts and messages sent by hand read to the merchant.
import { describe, expect, it } from "vitest";
import { ledgerStepLabel, skipReasonLabel, stepKey } from "../../app/lib/message-kinds";
import { SettingsSchema } from "../../app/lib/settings";
import { formatShopTime, manualStopReason, resumePlan, resumeText } from "../../app/lib/stage-moves";
import { buildTimeline } from "../../app/lib/timeline";
import { minutesFrom } from "../helpers/time";

const A = new Date("2026-11-20T21:30:00Z"); // abandoned 16:30 in New York
const min = minutesFrom(A);
const TZ = "America/New_York";
const defaults = SettingsSchema.parse({});
const facts = { abandonedAt: A, nextStepIndex: 3, stopReason: "manual_lost", completed: false };

describe("Lost back to Contacted", () => {
  it("resumes at the next step's time, or now when it is past, and says so in the shop's time zone", () => {
    expect(resumePlan(facts, defaults, TZ, min(300))).toEqual({ resumes: true, stepIndex: 3, stepNumber: 4, stepLabel: "Next-day reminder", at: min(1440) });
    expect(resumeText(resumePlan(facts, defaults, TZ, min(300)), defaults, TZ)).toBe("Reminders resume at step 4 (Next-day reminder) at Nov 21, 4:30 PM EST.");
    // Step 4's time has passed: it goes now (17:00 New York, outside quiet hours).
    expect(resumePlan(facts, defaults, TZ, min(1470))).toMatchObject({ resumes: true, stepNumber: 4, at: min(1470) });
  });

  it("waits for the end of quiet hours in the shop's time zone", () => {
    // 23:30 New York: quiet until 08:00.
    const plan = resumePlan(facts, defaults, TZ, min(1860));
    expect(plan).toMatchObject({ resumes: true, stepNumber: 4, at: new Date("2026-11-22T13:00:00Z") });
  });

  it("does not resume after the window, with no step left, or when reminders ended for another reason", () => {
    expect(resumePlan(facts, defaults, TZ, min(2880))).toEqual({ resumes: false, why: "window_ended" });
    expect(resumeText({ resumes: false, why: "window_ended" }, defaults, TZ)).toBe("The 48-hour window has ended; no more automatic reminders.");
    expect(resumePlan({ ...facts, nextStepIndex: 5 }, defaults, TZ, min(300))).toEqual({ resumes: false, why: "no_steps_left" });
    expect(resumePlan({ ...facts, stopReason: "duplicate_checkout" }, defaults, TZ, min(300))).toEqual({ resumes: false, why: "ended_earlier" });
    expect(resumePlan({ ...facts, completed: true }, defaults, TZ, min(300))).toEqual({ resumes: false, why: "ended_earlier" });
    // A card moved to Lost before moves stopped automation (no stop reason) resumes.
    expect(resumePlan({ ...facts, stopReason: null }, defaults, TZ, min(300))).toMatchObject({ resumes: true });
  });

  it("names the stop reason of a move by hand, and formats UTC when the shop's zone is unknown", () => {
    expect([manualStopReason("lost"), manualStopReason("recovered"), manualStopReason("contacted")]).toEqual(["manual_lost", "manual_recovered", null]);
    expect(formatShopTime(A, null)).toBe("Nov 20, 9:30 PM UTC");
  });
});

describe("ledger labels", () => {
  const labels = { s1: "First reminder" };
  it("never shows a staff alert's or a manual message's internal step id", () => {
    expect(ledgerStepLabel({ stepId: "reply:ckxyz123", channel: "staff_alert" }, labels)).toBe("Staff alert: the shopper replied");
    expect(ledgerStepLabel({ stepId: "handoff", channel: "staff_alert" }, labels)).toBe("Staff alert: handed to a person");
    expect(ledgerStepLabel({ stepId: "manual:3", channel: "manual_call" }, labels)).toBe("Sent by hand");
    expect(ledgerStepLabel({ stepId: "s1", channel: "email" }, labels)).toBe("First reminder");
    expect(ledgerStepLabel({ stepId: "old_step", channel: "email" }, labels)).toBe("Earlier step (no longer in the cadence)");
    expect(stepKey("manual:7")).toBe("manual");
    expect(skipReasonLabel("manual_lost")).toBe("Moved to Lost by hand");
  });

  it("the timeline shows staff alerts as their own entries and a call by hand as an outbound contact", () => {
    const base = {
      status: "sent",
      deliveredAt: null,
      openedAt: null,
      clickedAt: null,
      failedAt: null,
      bouncedAt: null,
      lastError: null,
      skipReason: null,
      incentiveCode: null,
    };
    const t = buildTimeline({
      checkout: { shopifyCreatedAt: A, shopifyUpdatedAt: A, abandonedAt: A, completedAt: null, recoveredAt: null, orderId: null },
      messages: [
        {
          ...base,
          channel: "staff_alert",
          stepLabel: ledgerStepLabel({ stepId: "reply:abc", channel: "staff_alert" }, labels),
          createdAt: min(5),
          sentAt: min(5),
        },
        { ...base, channel: "manual_call", stepLabel: "Sent by hand", createdAt: min(6), sentAt: min(6) },
      ],
      conversation: [],
      notes: [],
      audit: [{ action: "handoff", actor: "system:engine", fromValue: null, toValue: "high_value,returning_customer", createdAt: min(4) }],
      stageLabel: (s) => s,
    });
    expect(t.slice(-3).map((e) => `${e.kind}|${e.title}|${e.detail ?? ""}`)).toEqual([
      "audit|Handed to a person|high value, returning customer",
      "staff_alert|Staff alert: the shopper replied (sent to staff)|",
      "outbound|Called by hand|",
    ]);
  });
});
