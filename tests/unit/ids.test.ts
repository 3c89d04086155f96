import { describe, expect, it } from "vitest";
import { timeOrderedId } from "../../app/lib/ids";

describe("timeOrderedId", () => {
  it("sorts by creation time, with the prefix and 32 hex digits", () => {
    const a = timeOrderedId("c", Date.UTC(2026, 10, 24, 6, 0, 0));
    const b = timeOrderedId("c", Date.UTC(2026, 10, 24, 6, 0, 0, 1));
    const c = timeOrderedId("c", Date.UTC(2030, 0, 1));
    expect(a).toMatch(/^c[0-9a-f]{32}$/);
    expect([c, a, b].sort()).toEqual([a, b, c]);
    expect(a.slice(1, 13)).toBe(Date.UTC(2026, 10, 24, 6, 0, 0).toString(16).padStart(12, "0"));
  });

  it("never repeats, across refills of its random pool", () => {
    const ids = Array.from({ length: 5000 }, () => timeOrderedId("m", 0));
    expect(new Set(ids).size).toBe(5000);
    expect(new Set(ids.map((id) => id.slice(13))).size).toBe(5000); // the random part alone differs too
  });
});
