// The pure helpers the admin pages' components share: a stage's label, the two date formats, which step carries the
// incentive on the Incentives form, and the Settings draft's copy-on-write setter and number parsing.
import { describe, expect, it } from "vitest";
import { formatWhen, formatWhenWithYear } from "../../app/lib/admin-time";
import { stageLabel } from "../../app/lib/pipeline";
import { DEFAULT_SETTINGS, type Settings } from "../../app/lib/settings";
import { carryingStep } from "../../app/incentives/form";
import { setAt, toNumber } from "../../app/components/settings/settings-draft";

const withSteps = (marks: Array<{ id: string; carries?: boolean }>): Settings => ({
  ...DEFAULT_SETTINGS,
  cadence: {
    ...DEFAULT_SETTINGS.cadence,
    steps: marks.map((m, i) => ({ ...DEFAULT_SETTINGS.cadence.steps[0], id: m.id, offsetMinutes: 60 * (i + 1), carriesIncentive: m.carries ?? false })),
  },
});

describe("admin UI helpers", () => {
  it("stageLabel: a stage's label, anything else as itself, nothing as ?", () => {
    expect(stageLabel("negotiating")).toBe("Negotiating");
    expect(stageLabel("archived")).toBe("archived");
    expect(stageLabel("")).toBe("?");
  });

  it("formatWhen leaves out the year and shows nothing for no moment; formatWhenWithYear has the year", () => {
    const iso = "2026-03-14T15:09:00.000Z";
    expect(formatWhen(null)).toBe("");
    expect(formatWhen(iso)).toMatch(/^Mar 1[45], \d\d:\d\d [AP]M$/);
    expect(formatWhenWithYear(iso)).toMatch(/^Mar 1[45], 2026, \d\d:\d\d [AP]M$/);
  });

  it("carryingStep: the marked step, else s3 (the 4-hour step), else the first, else none", () => {
    expect(carryingStep(withSteps([{ id: "s1" }, { id: "s3" }, { id: "s5", carries: true }]))).toBe("s5");
    expect(carryingStep(withSteps([{ id: "s1" }, { id: "s3" }, { id: "s5" }]))).toBe("s3");
    expect(carryingStep(withSteps([{ id: "a" }, { id: "b" }]))).toBe("a");
    expect(carryingStep(withSteps([]))).toBe("");
  });

  it("setAt copies the document with one value changed and leaves the original as it was", () => {
    const before = structuredClone(DEFAULT_SETTINGS);
    const after = setAt(before, ["cadence", "steps", 1, "label"], "Renamed");
    expect(after.cadence.steps[1].label).toBe("Renamed");
    expect(before).toEqual(DEFAULT_SETTINGS);
    expect(setAt(before, ["retentionDays"], 7).retentionDays).toBe(7);
  });

  it("toNumber: blank or junk is NaN (the validator reports it at the field), numbers are numbers", () => {
    expect(toNumber(" 12 ")).toBe(12);
    expect(toNumber("1.5")).toBe(1.5);
    expect(toNumber("")).toBeNaN();
    expect(toNumber("   ")).toBeNaN();
    expect(toNumber("abc")).toBeNaN();
  });
});
