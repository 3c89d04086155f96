// Days in a shop's time zone (app/lib/shop-days.ts): spans across DST changes, half- and quarter-hour zones, a
// midnight that does not exist, weeks.
import { describe, expect, it } from "vitest";
import { dayOf, daySpan, daysTouched, metricsZone, weekOf } from "../../app/lib/shop-days";

const hours = (s: { start: Date; end: Date }) => (s.end.getTime() - s.start.getTime()) / 3_600_000;

describe("shop days", () => {
  it("spans 23 and 25 hours across New York's DST changes, and 24 in Kolkata and Kathmandu", () => {
    expect(daySpan("2026-03-08", "America/New_York")).toEqual({ start: new Date("2026-03-08T05:00:00Z"), end: new Date("2026-03-09T04:00:00Z") });
    expect(hours(daySpan("2026-11-01", "America/New_York"))).toBe(25);
    expect(daySpan("2026-12-04", "Asia/Kolkata").start).toEqual(new Date("2026-12-03T18:30:00Z"));
    expect(daySpan("2026-12-04", "Asia/Kathmandu").start).toEqual(new Date("2026-12-03T18:15:00Z"));
    expect(hours(daySpan("2026-12-04", "Asia/Kathmandu"))).toBe(24);
  });

  it("starts a day whose midnight does not exist at the jump (Santiago, DST at 00:00)", () => {
    const s = daySpan("2026-09-06", "America/Santiago");
    expect(s.start).toEqual(new Date("2026-09-06T04:00:00Z")); // 01:00 -03, the first minute of that day
    expect(dayOf(new Date(s.start.getTime() - 1), "America/Santiago")).toBe("2026-09-05");
    expect(hours(s)).toBe(23);
  });

  it("puts an instant on the zone's day, and lists the days an interval touches", () => {
    const t = new Date("2026-11-20T16:30:00Z");
    expect([dayOf(t, "UTC"), dayOf(t, "Asia/Tokyo"), dayOf(t, "Pacific/Honolulu")]).toEqual(["2026-11-20", "2026-11-21", "2026-11-20"]);
    expect(daysTouched(new Date("2026-11-20T14:00:00Z"), new Date("2026-11-21T16:00:00Z"), "Asia/Tokyo")).toEqual(["2026-11-20", "2026-11-21", "2026-11-22"]);
    expect(daysTouched(t, new Date(t.getTime() - 1), "UTC")).toEqual([]);
  });

  it("every instant of a day's span is on that day, at both ends (random days and zones)", () => {
    const zones = ["America/New_York", "Europe/Paris", "Asia/Kolkata", "Australia/Lord_Howe", "America/Santiago", "UTC", "Pacific/Chatham"];
    for (let i = 0; i < 400; i++) {
      const zone = zones[i % zones.length];
      const day = new Date(Date.UTC(2026, 0, 1) + i * 86_400_000 * 0.9).toISOString().slice(0, 10);
      const { start, end } = daySpan(day, zone);
      expect(dayOf(start, zone)).toBe(day);
      expect(dayOf(new Date(end.getTime() - 1), zone)).toBe(day);
      expect(dayOf(end, zone)).not.toBe(day);
      expect(dayOf(new Date(start.getTime() - 1), zone)).not.toBe(day);
    }
  });

  it("weeks start on Monday; an unknown zone is UTC", () => {
    expect(weekOf("2026-12-04")).toBe("2026-11-30"); // a Friday
    expect(weekOf("2026-11-30")).toBe("2026-11-30");
    expect(weekOf("2026-12-06")).toBe("2026-11-30"); // Sunday
    expect(metricsZone(null)).toBe("UTC");
  });
});
