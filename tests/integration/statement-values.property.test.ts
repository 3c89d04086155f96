// Issue 15: every value that reaches an engine statement is either stored exactly or refused cleanly (an error before
// or from the statement, nothing written), on both databases. Property-based (fast-check): arbitrary strings (quotes,
// backslashes, NUL, lone surrogates, emoji, any code point) and numbers (huge, negative, non-integer, NaN) through
// the batch statements' bound values (bulkInsert's multi-row INSERT, markSent's multi-row UPDATE ... FROM VALUES,
// advanceCheckouts' UPDATE ... FROM VALUES). Against Prisma's own writes: statement-values.differential.test.ts.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db, dbProvider } from "../../app/db.server";
import { textProblem } from "../../app/lib/db-text";
import { advanceCheckouts, bulkInsert, eachApart, markSent } from "../../app/models/recovery.server";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { seedDueCheckouts } from "../helpers/engine";

const sql = { db, provider: dbProvider };
const NOW = new Date("2026-11-20T12:00:00Z");
const RUNS = 150;

// Pieces that have broken hand-escaped SQL somewhere, mixed with any code point (lone surrogates included).
const tricky = fc.constantFrom(
  "'",
  "''",
  "\\",
  "\\'",
  "\u0000",
  "\uD800",
  "\uDFFF",
  "\uD83D\uDE00",
  "😀",
  "$1",
  "?",
  "?1",
  "E'",
  "--",
  "/*",
  ";",
  "\n",
  "\r",
  "\t",
  "%",
  "_",
  "\u2028",
  "\uFEFF",
);
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.array(fc.oneof(tricky, fc.string({ unit: "grapheme", maxLength: 4 })), { maxLength: 12 }).map((p) => p.join("")),
);
const anyNumber = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e300, -0, 0.5, Number.NaN, Number.POSITIVE_INFINITY),
);

let written = 0;

/** A value written through a batch statement (bulkInsert) into a text column, read back by Prisma. */
async function throughText(v: string): Promise<unknown> {
  const id = `a-prop-${++written}`;
  await bulkInsert(sql, "audit_log", ["id", "shop", "actor", "action", "detail", "created_at"], [[id, TEST_SHOP, "t", "prop", v, NOW]]);
  return (await db.auditLog.findUniqueOrThrow({ where: { id } })).detail;
}

/** A value written through a batch statement (bulkInsert) into a 64-bit column, read back by Prisma. */
async function throughNumber(v: number): Promise<unknown> {
  const id = `prop-n-${++written}`;
  await bulkInsert(
    sql,
    "checkout",
    ["id", "shop", "token", "subtotal_minor", "shopify_created_at", "shopify_updated_at", "created_at", "updated_at"],
    [[id, TEST_SHOP, id, v, NOW, NOW, NOW, NOW]],
  );
  return (await db.checkout.findUniqueOrThrow({ where: { id } })).subtotalMinor;
}

beforeAll(async () => {
  await resetDatabase();
  await seedShop(TEST_SHOP);
  await seedDueCheckouts({ count: 1, dueAt: NOW, prefix: "prop" });
  await db.message.create({ data: { id: "m-prop", shop: TEST_SHOP, checkoutId: "prop_0", stepId: "s1", stepIndex: 0, channel: "email", status: "sending" } });
});

describe(`statement values (${dbProvider})`, () => {
  it("a bound string reads back exactly, or is refused before any statement (NUL, lone surrogates)", async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (v) => {
        if (textProblem(v)) {
          const before = await db.auditLog.count();
          await expect(throughText(v)).rejects.toThrow(/^bound value: (nul_character|lone_surrogate) in string$/);
          expect(await db.auditLog.count()).toBe(before);
          return;
        }
        expect(await throughText(v)).toBe(v);
      }),
      { numRuns: RUNS },
    );
  });

  it("a bound number reads back exactly, or is refused before any statement (non-integers, unsafe integers, NaN, infinities)", async () => {
    await fc.assert(
      fc.asyncProperty(anyNumber, async (n) => {
        if (!Number.isSafeInteger(n)) {
          const before = await db.checkout.count();
          await expect(throughNumber(n)).rejects.toThrow(/^bound value: only safe integers$/);
          expect(await db.checkout.count()).toBe(before);
          return;
        }
        expect(Number(await throughNumber(n))).toBe(n === 0 ? 0 : n);
      }),
      { numRuns: RUNS },
    );
  });

  it("an invalid date, or one outside years 0000-9999, is refused before any statement", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(new Date(Number.NaN)),
          fc.date({ min: new Date("+010000-01-01T00:00:00.000Z"), noInvalidDate: true }),
          fc.date({ max: new Date("-000001-12-31T23:59:59.999Z"), noInvalidDate: true }),
        ),
        async (at) => {
          const before = await db.auditLog.count();
          await expect(
            bulkInsert(sql, "audit_log", ["id", "shop", "actor", "action", "created_at"], [[`a-date-${++written}`, TEST_SHOP, "t", "prop", at]]),
          ).rejects.toThrow(/^(bound value: invalid date|date out of range for SQLite text \(year -?\d+\))$/);
          expect(await db.auditLog.count()).toBe(before);
        },
      ),
      { numRuns: 30 },
    );
  });

  it("markSent (a multi-row batch) stores arbitrary provider ids, subjects and bodies exactly, or refuses and writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(anyText, anyText, anyText, async (providerId, subject, body) => {
        await db.message.update({
          where: { id: "m-prop" },
          data: { status: "sending", providerId: null, subject: null, bodyHtml: null, sentAt: null, attempts: 0 },
        });
        const row = { id: "m-prop", providerId, recipient: null, subject, bodyHtml: body, bodyText: null };
        const bad = [providerId, subject, body].some((t) => textProblem(t));
        let refused = false;
        try {
          await markSent(sql, [row], NOW);
        } catch {
          refused = true;
        }
        const m = await db.message.findUniqueOrThrow({ where: { id: "m-prop" } });
        expect(refused).toBe(bad);
        if (refused) {
          expect(m.status).toBe("sending");
          expect(m.subject).toBeNull();
        } else {
          expect([m.status, m.providerId, m.subject, m.bodyHtml, m.attempts]).toEqual(["sent", providerId, subject, body, 1]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("advanceCheckouts stores arbitrary step indexes and scores exactly, or refuses and writes nothing (one bad row apart from the others)", async () => {
    await fc.assert(
      fc.asyncProperty(anyNumber, anyNumber, async (stepIndex, score) => {
        await db.checkout.update({ where: { id: "prop_0" }, data: { leaseOwner: "p", nextStepIndex: 0, priorityScore: 0 } });
        let refused = false;
        try {
          await advanceCheckouts(sql, {
            owner: "p",
            rows: [{ id: "prop_0", nextStepIndex: stepIndex, nextDueAt: NOW, status: "abandoned", priority: "normal", priorityScore: score, stopReason: null }],
            now: NOW,
            shopOf: new Map(),
            actor: "t",
          });
        } catch {
          refused = true;
        }
        const c = await db.checkout.findUniqueOrThrow({ where: { id: "prop_0" } });
        if (!Number.isSafeInteger(stepIndex) || !Number.isSafeInteger(score)) expect(refused).toBe(true);
        if (refused) {
          // Refused in JS (not a safe integer) or by the database (out of its column's range): nothing written.
          expect([c.leaseOwner, c.nextStepIndex, c.priorityScore]).toEqual(["p", 0, 0]);
        } else {
          expect([c.leaseOwner, c.nextStepIndex, c.priorityScore]).toEqual([null, stepIndex === 0 ? 0 : stepIndex, score === 0 ? 0 : score]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("eachApart: a row the batch refuses is retried alone and reported; the others are written", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), async (poison) => {
        const written: number[] = [];
        const rows = poison.map((p, i) => ({ i, p }));
        const failed = await eachApart(
          rows,
          async (all) => {
            if (all.some((r) => r.p)) throw new Error("refused");
            written.push(...all.map((r) => r.i));
          },
          async (r) => {
            if (r.p) throw new Error("refused");
            written.push(r.i);
          },
        );
        expect(failed.map((f) => f.row.i)).toEqual(rows.filter((r) => r.p).map((r) => r.i));
        expect(written.sort((a, b) => a - b)).toEqual(rows.filter((r) => !r.p).map((r) => r.i));
      }),
    );
  });
});
