// The zod/v4 schemas answer with zod 3's messages (app/lib/validation-messages.ts). The expected messages below were
// printed by zod 3.25's v3 API ("zod") for the same schema and inputs before the move to one major: a differential test
// recorded, so it survives the lead's bump to zod 4 (when the v3 API is gone).
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { v3Message } from "../../app/lib/validation-messages";
import { TickBodySchema, parseTickBody } from "../../app/lib/tick-request";

const Schema = z
  .object({
    n: z.number().int().min(1).max(72).optional(),
    s: z.string().trim().min(2).max(5).optional(),
    a: z.array(z.string()).min(1).max(2).optional(),
    e: z.enum(["all", "subscribers"]).optional(),
    u: z.string().url().optional(),
    em: z.email().optional(),
    dt: z.iso.datetime({ offset: true }).optional(),
    sw: z.string().startsWith("https://").optional(),
    rx: z.string().regex(/^a$/).optional(),
    req: z.string(),
    d: z.discriminatedUnion("type", [z.object({ type: z.literal("x") }), z.object({ type: z.literal("y") })]).optional(),
    l: z.literal("subscribe").optional(),
    nn: z.number().nullable().optional(),
    co: z.coerce.number().int().positive().optional(),
    gt: z.number().gt(3).lt(9).optional(),
  })
  .strict();

// [input, zod 3's issues as [path, message]]
const RECORDED: Array<[unknown, Array<[string, string]>]> = [
  [{ req: "x", n: 0 }, [["n", "Number must be greater than or equal to 1"]]],
  [{ req: "x", n: 100 }, [["n", "Number must be less than or equal to 72"]]],
  [{ req: "x", n: 1.5 }, [["n", "Expected integer, received float"]]],
  [{ req: "x", n: "3" }, [["n", "Expected number, received string"]]],
  [{ req: "x", s: "a" }, [["s", "String must contain at least 2 character(s)"]]],
  [{ req: "x", s: "abcdefg" }, [["s", "String must contain at most 5 character(s)"]]],
  [{ req: "x", a: [] }, [["a", "Array must contain at least 1 element(s)"]]],
  [{ req: "x", a: ["a", "b", "c"] }, [["a", "Array must contain at most 2 element(s)"]]],
  [{ req: "x", e: "zz" }, [["e", "Invalid enum value. Expected 'all' | 'subscribers', received 'zz'"]]],
  [{ req: "x", u: "nope" }, [["u", "Invalid url"]]],
  [{ req: "x", em: "nope" }, [["em", "Invalid email"]]],
  [{ req: "x", dt: "2020" }, [["dt", "Invalid datetime"]]],
  [{ req: "x", sw: "http://" }, [["sw", 'Invalid input: must start with "https://"']]],
  [{ req: "x", rx: "b" }, [["rx", "Invalid"]]],
  [{}, [["req", "Required"]]],
  [{ req: "x", d: { type: "z" } }, [["d.type", "Invalid discriminator value. Expected 'x' | 'y'"]]],
  [{ req: "x", d: "str" }, [["d", "Expected object, received string"]]],
  [{ req: "x", l: "other" }, [["l", 'Invalid literal value, expected "subscribe"']]],
  [{ req: "x", extra: 1, extra2: 2 }, [["", "Unrecognized key(s) in object: 'extra', 'extra2'"]]],
  [{ req: "x", nn: "s" }, [["nn", "Expected number, received string"]]],
  [{ req: "x", co: "abc" }, [["co", "Expected number, received nan"]]],
  [{ req: "x", co: "-1" }, [["co", "Number must be greater than 0"]]],
  [{ req: "x", gt: 3 }, [["gt", "Number must be greater than 3"]]],
  [{ req: "x", gt: 9 }, [["gt", "Number must be less than 9"]]],
  [{ req: 5 }, [["req", "Expected string, received number"]]],
  [{ req: null }, [["req", "Expected string, received null"]]],
  [{ req: [] }, [["req", "Expected string, received array"]]],
  [{ req: {} }, [["req", "Expected string, received object"]]],
  [{ req: true }, [["req", "Expected string, received boolean"]]],
];

describe("zod 3's messages from zod/v4 schemas", () => {
  it.each(RECORDED.map(([input, issues]) => [JSON.stringify(input), input, issues] as const))("%s", (_name, input, issues) => {
    const r = Schema.safeParse(input, { error: v3Message });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual(issues);
  });

  it("leaves a schema's own message alone", () => {
    const r = z.object({ t: z.string().regex(/^\d\d:\d\d$/, "use HH:MM (24-hour)") }).safeParse({ t: "9" }, { error: v3Message });
    expect(r.error!.issues[0].message).toBe("use HH:MM (24-hour)");
  });
});

describe("the cron tick's body", () => {
  it("answers the same one-line reasons as before", () => {
    expect(parseTickBody("")).toEqual({ ok: true, body: {} });
    expect(parseTickBody("{nope")).toEqual({ ok: false, error: "body must be JSON" });
    expect(parseTickBody(JSON.stringify({ budgetMs: 5 }))).toEqual({ ok: false, error: "invalid body: budgetMs Number must be greater than or equal to 100" });
    expect(parseTickBody(JSON.stringify({ now: "yesterday" }))).toEqual({ ok: false, error: "invalid body: now Invalid datetime" });
    expect(parseTickBody(JSON.stringify({ clock: 1 }))).toEqual({ ok: false, error: "invalid body: _ Unrecognized key(s) in object: 'clock'" });
    expect(parseTickBody(JSON.stringify({ now: "2026-12-01T10:00:00+01:00", batchSize: 5 }))).toEqual({
      ok: true,
      body: { now: "2026-12-01T10:00:00+01:00", batchSize: 5 },
    });
    expect(TickBodySchema.safeParse({ batchSize: 1.5 }).success).toBe(false);
  });
});
