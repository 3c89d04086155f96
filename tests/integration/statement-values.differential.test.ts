// Issue 16: the engine's bulk statements bind their values themselves (Statement in app/models/recovery.server.ts:
// placeholders typed as the value's SQL literal would be, dates as UTC text, on PostgreSQL through the pg pool under
// Prisma). Differential: arbitrary rows (strings with quotes, backslashes, E'' pieces, placeholders, unicode, emoji,
// long ones; integers; booleans; dates; nulls) written through the engine's statement path (bulkInsert, advanceCheckouts)
// and through Prisma's own bound parameters (the library the schema's values are defined by) read back equal, through
// Prisma and through the engine's own read (loadClaimedCheckouts). Values neither database stores as given (NUL, lone
// surrogates, unsafe integers) are refused before any statement: tests/integration/statement-values.property.test.ts.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db, dbProvider } from "../../app/db.server";
import { textProblem } from "../../app/lib/db-text";
import { advanceCheckouts, bulkInsert, loadClaimedCheckouts } from "../../app/models/recovery.server";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";

// Not UTC, and not a whole hour off: a timestamp read or written in the process's local time shows (this worker only).
process.env.TZ = "America/St_Johns";

const sql = { db, provider: dbProvider };
const RUNS = 100;

// Pieces that have broken hand-escaped SQL somewhere (quotes, backslashes before quotes, E'' prefixes, placeholders
// of both databases, comments, dollar quoting), mixed with any storable code point.
const tricky = fc.constantFrom(
  "'",
  "''",
  "\\",
  "\\\\",
  "\\'",
  "'\\",
  "E'",
  "e'\\x41'",
  "U&'\\0041'",
  "$1",
  "$$",
  "$a$",
  "?",
  "?1",
  ":name",
  "--",
  "/*",
  "*/",
  ";",
  "\n",
  "\r\n",
  "\t",
  "%",
  "_",
  "\u2028",
  "\uFEFF",
  "😀",
  "\uD83D\uDE00",
  "👩🏽‍💻",
  "é",
  "e\u0301",
  "中文",
);
const storable = (t: string) => !textProblem(t);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(tricky, fc.string({ unit: "grapheme", maxLength: 4 })), { maxLength: 16 }).map((p) => p.join("")) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }).filter(storable) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(tricky, fc.integer({ min: 1000, max: 20_000 }))
      .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n))
      .filter(storable),
  },
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });
const int4 = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31)));
const int8 = fc.oneof(fc.maxSafeInteger(), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER));
const date = fc.oneof(
  fc.date({ min: new Date("1000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }),
  fc.constantFrom(
    new Date("2026-11-20T12:00:00.000Z"),
    new Date("2026-11-20T12:00:00.001Z"),
    new Date("1970-01-01T00:00:00.000Z"),
    new Date("2000-02-29T23:59:59.999Z"),
  ),
);

const row = fc.record({
  firstName: maybe(text),
  lastName: maybe(text),
  email: maybe(text),
  lineItems: text,
  locale: maybe(text),
  emailConsent: fc.boolean(),
  isTest: fc.boolean(),
  whatsappConsent: maybe(fc.boolean()),
  customerOrdersCount: int4,
  subtotalMinor: int8,
  shopTotalMinor: maybe(int8),
  shopifyCreatedAt: date,
  shopifyUpdatedAt: date,
  completedAt: maybe(date),
  nextDueAt: maybe(date),
});
type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

const COLUMNS: Array<[keyof Row, string]> = [
  ["firstName", "first_name"],
  ["lastName", "last_name"],
  ["email", "email"],
  ["lineItems", "line_items"],
  ["locale", "locale"],
  ["emailConsent", "email_consent"],
  ["isTest", "is_test"],
  ["whatsappConsent", "whatsapp_consent"],
  ["customerOrdersCount", "customer_orders_count"],
  ["subtotalMinor", "subtotal_minor"],
  ["shopTotalMinor", "shop_total_minor"],
  ["shopifyCreatedAt", "shopify_created_at"],
  ["shopifyUpdatedAt", "shopify_updated_at"],
  ["completedAt", "completed_at"],
  ["nextDueAt", "next_due_at"],
];
const KEYS = COLUMNS.map(([k]) => k);

let n = 0;
const CREATED = new Date("2026-11-20T10:00:00.000Z");

/** The row as Prisma reads it back, the fields written only (BigInt as number). */
async function readBack(id: string) {
  const c = await db.checkout.findUniqueOrThrow({ where: { id } });
  return Object.fromEntries(KEYS.map((k) => [k, typeof c[k] === "bigint" ? Number(c[k]) : c[k]]));
}

beforeAll(async () => {
  await resetDatabase();
  await seedShop(TEST_SHOP);
});

describe(`engine statement values against Prisma's bound parameters (${dbProvider})`, () => {
  it("a row written by bulkInsert reads back equal to the same row written by Prisma, through Prisma and through the engine's read", async () => {
    await fc.assert(
      fc.asyncProperty(row, async (r) => {
        n += 1;
        const ours = `d_ours_${n}`;
        const theirs = `d_lib_${n}`;
        const inserted = await bulkInsert(
          sql,
          "checkout",
          ["id", "shop", "token", "lease_owner", ...COLUMNS.map(([, c]) => c), "created_at", "updated_at"],
          [[ours, TEST_SHOP, ours, "diff", ...KEYS.map((k) => r[k]), CREATED, CREATED]],
        );
        expect(inserted).toEqual([ours]);
        await db.checkout.create({
          data: {
            id: theirs,
            shop: TEST_SHOP,
            token: theirs,
            leaseOwner: "diff",
            ...r,
            subtotalMinor: BigInt(r.subtotalMinor),
            shopTotalMinor: r.shopTotalMinor === null ? null : BigInt(r.shopTotalMinor),
            createdAt: CREATED,
            updatedAt: CREATED,
          },
        });
        const [a, b] = [await readBack(ours), await readBack(theirs)];
        expect(a).toEqual(b);
        expect(a).toEqual(Object.fromEntries(KEYS.map((k) => [k, r[k]])));
        // The engine's own read (a Statement query: pg's rows with UTC timestamps on PostgreSQL) sees both alike.
        const loaded = await loadClaimedCheckouts(sql, [ours, theirs], "diff");
        expect(loaded).toHaveLength(2);
        const strip = ({ id: _id, token: _token, ...rest }: (typeof loaded)[number]) => rest;
        const mine = loaded.find((c) => c.id === ours)!;
        expect(strip(mine)).toEqual(strip(loaded.find((c) => c.id === theirs)!));
        expect(mine).toMatchObject(Object.fromEntries(KEYS.filter((k) => k !== "shopifyUpdatedAt").map((k) => [k, r[k]])));
        await db.checkout.deleteMany({ where: { id: { in: [ours, theirs] } } });
      }),
      { numRuns: RUNS },
    );
  });

  it("through a client createDb did not make (no pg pool, no SQLite connection), the same statements run through Prisma and write the same", async () => {
    const viaPrisma = { db: new Proxy(db, {}), provider: dbProvider };
    await fc.assert(
      fc.asyncProperty(row, async (r) => {
        n += 1;
        const [ours, theirs] = [`d_fb_${n}`, `d_fblib_${n}`];
        await bulkInsert(
          viaPrisma,
          "checkout",
          ["id", "shop", "token", "lease_owner", ...COLUMNS.map(([, c]) => c), "created_at", "updated_at"],
          [[ours, TEST_SHOP, ours, "diff", ...KEYS.map((k) => r[k]), CREATED, CREATED]],
        );
        await db.checkout.create({
          data: {
            id: theirs,
            shop: TEST_SHOP,
            token: theirs,
            leaseOwner: "diff",
            ...r,
            subtotalMinor: BigInt(r.subtotalMinor),
            shopTotalMinor: r.shopTotalMinor === null ? null : BigInt(r.shopTotalMinor),
            createdAt: CREATED,
            updatedAt: CREATED,
          },
        });
        expect(await readBack(ours)).toEqual(await readBack(theirs));
        const loaded = await loadClaimedCheckouts(viaPrisma, [ours], "diff");
        expect(loaded[0]).toMatchObject(Object.fromEntries(KEYS.filter((k) => k !== "shopifyUpdatedAt").map((k) => [k, r[k]])));
        await db.checkout.deleteMany({ where: { id: { in: [ours, theirs] } } });
      }),
      { numRuns: 20 },
    );
  });

  it("an UPDATE ... FROM (VALUES ...) batch (advanceCheckouts) writes what Prisma's update writes, nulls and all", async () => {
    const advance = fc.record({
      nextStepIndex: int4,
      nextDueAt: maybe(date),
      status: text,
      priority: text,
      priorityScore: int4,
      stopReason: maybe(text),
      holdout: fc.option(fc.boolean(), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(advance, { minLength: 1, maxLength: 5 }), async (rows) => {
        n += 1;
        const ids = rows.map((_, i) => `d_adv_${n}_${i}`);
        const libIds = rows.map((_, i) => `d_advlib_${n}_${i}`);
        const base = { shop: TEST_SHOP, leaseOwner: "diff", shopifyCreatedAt: CREATED, shopifyUpdatedAt: CREATED };
        await db.checkout.createMany({ data: [...ids, ...libIds].map((id) => ({ ...base, id, token: id })) });
        const res = await advanceCheckouts(sql, {
          owner: "diff",
          rows: rows.map((r, i) => ({ id: ids[i], ...r })),
          now: CREATED,
          shopOf: new Map(),
          actor: "t",
        });
        expect(res.changed).toBe(rows.length);
        const written = new Date(Date.now() - 60_000);
        for (const [i, r] of rows.entries())
          await db.checkout.update({ where: { id: libIds[i] }, data: { ...r, leaseOwner: null, leaseUntil: null, updatedAt: CREATED } });
        const pick = (c: Awaited<ReturnType<typeof db.checkout.findUniqueOrThrow>>) => [
          c.nextStepIndex,
          c.nextDueAt,
          c.status,
          c.priority,
          c.priorityScore,
          c.stopReason,
          c.leaseOwner,
          c.stage,
          c.holdout,
        ];
        for (const i of rows.keys()) {
          const [a, b] = await Promise.all([
            db.checkout.findUniqueOrThrow({ where: { id: ids[i] } }),
            db.checkout.findUniqueOrThrow({ where: { id: libIds[i] } }),
          ]);
          expect(pick(a)).toEqual(pick(b));
          // updated_at is the wall clock of the write (app/lib/wall-clock.ts), never the app's "now".
          expect(a.updatedAt.getTime()).toBeGreaterThan(written.getTime());
        }
        await db.checkout.deleteMany({ where: { id: { in: [...ids, ...libIds] } } });
      }),
      { numRuns: RUNS / 2 },
    );
  });
});
