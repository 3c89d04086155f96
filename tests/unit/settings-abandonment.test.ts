import { describe, expect, it } from "vitest";
import { abandonmentTime, timelineAfterUpdate } from "../../app/lib/abandonment";
import { DEFAULT_SETTINGS, parseSettings, validateSettings } from "../../app/lib/settings";
import { T0, at } from "../helpers/time";

describe("settings", () => {
  it("defaults to the standard cadence inside 48 hours", () => {
    expect(DEFAULT_SETTINGS.cadence.windowHours).toBe(48);
    expect(DEFAULT_SETTINGS.cadence.steps.map((s) => [s.offsetMinutes, s.channels.join("+")])).toEqual([
      [60, "email+push"],
      [90, "whatsapp"],
      [240, "email+push"],
      [1440, "email+push"],
      [2400, "email+push"],
    ]);
    expect(DEFAULT_SETTINGS.cadence.steps.find((s) => s.carriesIncentive)?.id).toBe("s3");
    expect(DEFAULT_SETTINGS.retentionDays).toBe(5);
  });

  it("reports every invalid field by path and accepts a valid edit", () => {
    const bad = structuredClone(DEFAULT_SETTINGS) as unknown as {
      cadence: { steps: { offsetMinutes: number; channels: string[] }[] };
      quietHours: { start: string; timezone: string };
    };
    bad.cadence.steps[2].offsetMinutes = 30; // before the previous step
    bad.cadence.steps[4].offsetMinutes = 4000; // outside 48 h
    bad.cadence.steps[0].channels = [];
    bad.quietHours.start = "25:00";
    bad.quietHours.timezone = "Mars/Olympus";
    const res = validateSettings(bad);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors["cadence.steps.2.offsetMinutes"]).toBe("must come after the previous step");
    expect(res.errors["cadence.steps.4.offsetMinutes"]).toBe("must be inside the 48-hour window");
    expect(res.errors["cadence.steps.0.channels"]).toBe("pick at least one channel");
    expect(res.errors["quietHours.start"]).toBe("use HH:MM (24-hour)");
    expect(res.errors["quietHours.timezone"]).toBe("unknown time zone");
    const good = structuredClone(DEFAULT_SETTINGS);
    good.cadence.steps[1].enabled = false;
    good.quietHours.timezone = "Europe/Paris";
    expect(validateSettings(good).ok).toBe(true);
  });

  it("keeps the valid parts of a damaged stored document", () => {
    const s = parseSettings(JSON.stringify({ retentionDays: 9, quietHours: { start: "nope" } }));
    expect(s.retentionDays).toBe(9);
    expect(s.quietHours.start).toBe("21:00");
    expect(parseSettings("{not json").cadence.steps).toHaveLength(5);
  });
});

describe("abandonment timeline", () => {
  it("abandons after the quiet period, never before the recovery link is live", () => {
    expect(abandonmentTime(T0, T0, 20)).toEqual(at(20));
    expect(abandonmentTime(T0, at(-30), 10)).toEqual(at(10)); // link live 10 min after creation
  });

  it("restarts before the first send, keeps position after it, stops for good on completion", () => {
    const fresh = timelineAfterUpdate(null, { createdAt: T0, updatedAt: T0, completed: false }, DEFAULT_SETTINGS);
    expect(fresh).toMatchObject({ status: "open", abandonedAt: at(20), nextStepIndex: 0, nextDueAt: at(80) });
    const later = timelineAfterUpdate(fresh, { createdAt: T0, updatedAt: at(60), completed: false }, DEFAULT_SETTINGS);
    expect(later.nextDueAt).toEqual(at(140));
    const afterFirst = { ...fresh, status: "abandoned", nextStepIndex: 1, nextDueAt: at(110) };
    const touched = timelineAfterUpdate(afterFirst, { createdAt: T0, updatedAt: at(100), completed: false }, DEFAULT_SETTINGS);
    expect(touched).toMatchObject({ nextStepIndex: 1, nextDueAt: at(120) }); // waits one quiet period after activity
    const done = timelineAfterUpdate(afterFirst, { createdAt: T0, updatedAt: at(100), completed: true }, DEFAULT_SETTINGS);
    expect(done).toMatchObject({ status: "completed", nextDueAt: null, stopReason: "order_completed" });
    const stays = timelineAfterUpdate({ ...done }, { createdAt: T0, updatedAt: at(200), completed: false }, DEFAULT_SETTINGS);
    expect(stays.nextDueAt).toBeNull();
  });
});
