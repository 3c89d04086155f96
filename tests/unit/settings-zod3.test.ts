// Settings moved from zod 3's API to zod/v4 without a visible change: the defaults and every answer to merchant input
// (which fields are refused, with which words, and the cross-field rules that still run beside a broken field) equal
// what zod 3 gave. tests/fixtures/settings-zod3-recorded.json was printed by the zod 3 version of app/lib/settings.ts
// (commit 783bb63) for these inputs: a differential test recorded, so it outlives zod 3 itself.
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, parseSettings, validateSettings } from "../../app/lib/settings";
import recorded from "../fixtures/settings-zod3-recorded.json";

const rows = recorded.rows as Array<[unknown, "ok" | Record<string, string>]>;

describe("settings on zod/v4 answer as they did on zod 3", () => {
  it("has the same defaults, and a stored document missing everything parses to them", () => {
    // Sections added after the recording, with their defaults; the rest exactly as zod 3 answered.
    const added = { holdout: { percent: 0 } };
    const withoutAdded = (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).filter(([k]) => !(k in added)));
    expect(DEFAULT_SETTINGS).toMatchObject(added);
    for (const s of [DEFAULT_SETTINGS, parseSettings("{}"), parseSettings(null)]) expect(withoutAdded(s)).toEqual(recorded.defaults);
  });

  it.each(rows.map(([input, answer]) => [JSON.stringify(input), input, answer] as const))("validates %s the same way", (_name, input, answer) => {
    const r = validateSettings(input);
    if (answer === "ok") expect(r.ok).toBe(true);
    else expect(r.ok ? "ok" : r.errors).toEqual(answer);
  });
});
