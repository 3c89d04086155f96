// The frequency cap counts reminders (one per step), the default fits the default cadence, and Settings refuses a
// cap that would trim the cadence it is saved with.
import { describe, expect, it } from "vitest";
import { capNeeded, capProblem, capTrimmedSteps } from "../../app/lib/frequency-cap";
import { DEFAULT_SETTINGS, DEFAULT_STEPS, validateSettings } from "../../app/lib/settings";

describe("which steps a cap trims", () => {
  it("the default cap lets every step of the default cadence through (a step on two channels is one reminder)", () => {
    expect(DEFAULT_SETTINGS.frequencyCap).toEqual({ maxMessages: 4, perHours: 24 });
    expect(capTrimmedSteps(DEFAULT_STEPS, DEFAULT_SETTINGS.frequencyCap)).toEqual([]);
    expect(capNeeded(DEFAULT_STEPS, 24)).toBe(4);
  });

  it("names the steps a tighter cap would skip, as the engine would skip them", () => {
    // 3 per 24 h: 1 h, 1.5 h and 4 h go out; the 24 h step finds those three in its 24 hours and is trimmed; the 40 h
    // step's 24 hours (from 16 h) hold no reminder that went out, so it goes out.
    expect(capTrimmedSteps(DEFAULT_STEPS, { maxMessages: 3, perHours: 24 }).map((s) => s.id)).toEqual(["s4"]);
    expect(capTrimmedSteps(DEFAULT_STEPS, { maxMessages: 1, perHours: 24 }).map((s) => s.id)).toEqual(["s2", "s3", "s4"]);
    expect(capTrimmedSteps(DEFAULT_STEPS, { maxMessages: 2, perHours: 48 }).map((s) => s.id)).toEqual(["s3", "s4", "s5"]);
    // Disabled steps are not reminders.
    const fewer = DEFAULT_STEPS.map((s) => (s.id === "s2" ? { ...s, enabled: false } : s));
    expect(capTrimmedSteps(fewer, { maxMessages: 3, perHours: 24 })).toEqual([]);
  });

  it("says what to change in the merchant's words", () => {
    expect(capProblem(DEFAULT_STEPS, { maxMessages: 3, perHours: 24 })).toBe(
      'This cap would skip "Next-day reminder" (24 h) for every shopper. Allow at least 4 reminders per 24 hours, or change the cadence.',
    );
    expect(capProblem(DEFAULT_STEPS, DEFAULT_SETTINGS.frequencyCap)).toBeNull();
  });
});

describe("settings validation", () => {
  it("refuses a cap that would trim the configured cadence, and accepts the default", () => {
    const tight = validateSettings({ ...DEFAULT_SETTINGS, frequencyCap: { maxMessages: 3, perHours: 24 } });
    expect(tight.ok).toBe(false);
    if (tight.ok) return;
    expect(Object.keys(tight.errors)).toEqual(["frequencyCap.maxMessages"]);
    expect(tight.errors["frequencyCap.maxMessages"]).toContain('"Next-day reminder" (24 h)');
    expect(validateSettings(DEFAULT_SETTINGS).ok).toBe(true);
    // The same cap fits a shorter cadence.
    const short = {
      ...DEFAULT_SETTINGS,
      cadence: { ...DEFAULT_SETTINGS.cadence, steps: DEFAULT_STEPS.slice(0, 3) },
      frequencyCap: { maxMessages: 3, perHours: 24 },
    };
    expect(validateSettings(short).ok).toBe(true);
  });
});
