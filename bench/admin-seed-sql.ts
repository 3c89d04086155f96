// Set-based seeding for bench/admin.ts: one shop with N checkouts over the last 90 days, their messages, orders,
// incentives, replies, notes, opt-outs and audit entries, written by INSERT ... SELECT statements (50,000 checkouts
// per statement, each table in one transaction) instead of row by row.
//
// Every value is a function of the row number i alone (integer arithmetic, the same on both databases), so SQLite
// and PostgreSQL get the same rows and the same shape at any N. The rows come from a recursive CTE on SQLite and
// generate_series on PostgreSQL; they are first written to a scratch table (bench_seed: one row per checkout with
// its draws and derived moments, in epoch milliseconds), which every table's statement then reads by range of i.
// The scratch table is dropped at the end.
//
// The mix, of all checkouts (kind):
//   0  15%  completed before the abandonment moment (never entered the cadence): an order, no message
//   1   5%  held out (holdout = true): no shopper message; a fifth of them order within a day anyway
//   2  ~10% recovered (only checkouts abandoned more than 2 days ago): 1-3 messages, an order credited to the last one
//   3  ~60% messaged, not recovered (holdout = false): 1-3 messages (those due by now), of which 4% ordered later
//           without credit, 3% handed off (staff alert, a reply, a staff answer or a note), 1% opted out
//   4  10%  abandoned, never messaged (holdout not decided); half stopped for an excluded tag or a low cart value,
//           a tenth of the rest are test checkouts
// Checkouts are dated in row order (i = 1 the oldest, ~90 days ago; i = N the newest, within the last 2 hours).
// Messages follow the default cadence: s1 (60 min, email or push), s2 (90 min, WhatsApp) or s3 (240 min, email or
// push, carries a 10% code for 40% of checkouts), s4 (24 h, email or push). Besides: walk-in orders (30% of N, no
// checkout), N / 100 opt-outs, a stage-change audit entry per messaged checkout and one per handoff.
import type { Db } from "../app/db.server";

export type Provider = "sqlite" | "postgresql";

export interface SeedOptions {
  shop: string;
  checkouts: number;
  now: Date;
  /** Checkouts per statement. */
  chunk?: number;
  /** Called after each table, for progress. */
  onTable?: (t: TableTiming) => void;
}

export interface TableTiming {
  table: string;
  rows: number;
  seconds: number;
}

const FIRST = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Barbara", "Ken", "Dennis", "Edsger", "Frances", "Radia", "Tim"];
const LAST = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Liskov", "Thompson", "Ritchie", "Dijkstra", "Allen"];
const PRODUCTS = ["Linen Shirt", "Canvas Tote", "Wool Scarf", "Leather Belt", "Denim Jacket", "Silk Tie", "Rain Boots"];
const TOPICS = ["discount", "payment", "shipping", "product", "other"];
const MAX_CHECKOUTS = 9_999_999; // ids are 'bc' and 7 digits

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// Pseudo-random draws: u_k(i) = (a_k i + b_k (i^2 mod P) + c_k) mod P, P = 2^31 - 1, with fixed coefficients below
// 2^31. Every intermediate stays under 2^63 for i below 3 * 10^9, so both databases compute it exactly in 64-bit
// integers. A different quadratic per draw keeps the draws of one checkout independent of each other.
const P = 2147483647;
const COEF: Array<[number, number, number]> = (() => {
  let s = 20261204;
  const next = () => (s = (s * 48271) % P); // Park-Miller: exact in doubles
  return Array.from({ length: 40 }, () => [next(), next(), next()] as [number, number, number]);
})();
const u = (k: number) => `((i * ${COEF[k][0]} + ((i * i) % ${P}) * ${COEF[k][1]} + ${COEF[k][2]}) % ${P})`;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const pick = (expr: string, values: readonly string[]) => `CASE ${expr} ${values.map((v, n) => `WHEN ${n} THEN ${quote(v)}`).join(" ")} END`;

class Dialect {
  constructor(readonly provider: Provider) {}
  /** A date column's value from epoch milliseconds: Prisma's text form on SQLite, timestamp(3) on PostgreSQL. */
  ts(ms: string): string {
    if (this.provider === "postgresql") return `(TIMESTAMP '1970-01-01 00:00:00' + (${ms}) * INTERVAL '1 millisecond')`;
    return `(strftime('%Y-%m-%dT%H:%M:%S', (${ms}) / 1000, 'unixepoch') || '.' || printf('%03d', (${ms}) % 1000) || '+00:00')`;
  }
  /** A boolean column's value: 1/0 on SQLite (what Prisma writes), a boolean on PostgreSQL. */
  bool(cond: string): string {
    return this.provider === "postgresql" ? `(${cond})` : `(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  }
  pad7(expr: string): string {
    return this.provider === "postgresql" ? `lpad(CAST(${expr} AS text), 7, '0')` : `printf('%07d', ${expr})`;
  }
  /** The row numbers lo..hi as a CTE n(i) (64-bit on both). */
  series(lo: number, hi: number): string {
    if (this.provider === "postgresql") return `n(i) AS (SELECT generate_series(CAST(${lo} AS bigint), CAST(${hi} AS bigint)))`;
    return `n(i) AS (SELECT ${lo} UNION ALL SELECT i + 1 FROM n WHERE i < ${hi})`;
  }
  get keyType(): string {
    return this.provider === "postgresql" ? "BIGINT PRIMARY KEY" : "INTEGER PRIMARY KEY";
  }
}

/** The scratch table's columns, computed in layers (each layer reads the columns of the ones before). */
function factLayers(n: number, now: number): Array<Array<[string, string]>> {
  return [
    [
      ["cat", `${u(0)} % 100`],
      ["sub", `${u(1)} % 100`],
      // Age at NOW: row order over 90 days less 6,000 s, plus up to 6,000 s of jitter (never more than 90 days).
      ["age", `((${n} - i) * 7770000 / ${n} + ${u(2)} % 6000) * 1000 + ${u(3)} % 1000`],
      ["k", `1 + ${u(4)} % 3`], // messages planned
      ["s2", `CASE WHEN ${u(5)} % 100 < 30 THEN 1 ELSE 0 END`], // the second message is s2 (WhatsApp), else s3
      ["nit", `1 + ${u(6)} % 3`], // line items
      ["v1", u(7)],
      ["v2", u(8)],
      ["v3", u(9)],
      ["cust", u(10)],
      ["nm", u(11)],
      ["ret", `CASE WHEN ${u(12)} % 100 < 25 THEN 1 ELSE 0 END`],
      ["eur", `CASE WHEN ${u(13)} % 50 = 0 THEN 1 ELSE 0 END`], // presentment in EUR, no shop value
      ["src", `${u(14)} % 20`],
      ["score", `${u(15)} % 100`],
      ["fu", u(16)],
      ["ch1", `${u(17)} % 100`],
      ["ch2", `${u(18)} % 100`],
      ["ch3", `${u(19)} % 100`],
      ["jt1", `${u(20)} % 120000`],
      ["jt2", `${u(21)} % 120000`],
      ["jt3", `${u(22)} % 120000`],
      ["st1", `${u(23)} % 100`],
      ["st2", `${u(24)} % 100`],
      ["st3", `${u(25)} % 100`],
      ["inc", `${u(26)} % 100`],
      ["dly", u(27)],
      ["w", u(28)],
      ["w2", u(29)],
      ["w3", u(30)],
    ],
    [
      ["ab", `${now} - age`],
      ["kind", `CASE WHEN cat < 15 THEN 0 WHEN cat < 20 THEN 1 WHEN cat < 30 AND age > ${2 * DAY} THEN 2 WHEN cat < 90 THEN 3 ELSE 4 END`],
      ["q1", "1 + (v1 / 7) % 2"],
      ["p1", "1500 + (v1 / 14) % 15000"],
      ["q2", "1 + (v2 / 7) % 2"],
      ["p2", "1500 + (v2 / 14) % 15000"],
      ["q3", "1 + (v3 / 7) % 2"],
      ["p3", "1500 + (v3 / 14) % 15000"],
      ["at1", `${now} - age + ${60 * MIN} + jt1`],
      ["at2", `${now} - age + CASE WHEN s2 = 1 THEN ${90 * MIN} ELSE ${240 * MIN} END + jt2`],
      ["at3", `${now} - age + ${24 * HOUR} + jt3`],
    ],
    [
      // 1 ordered later without credit, 2 handed off, 3 opted out (kind 3); 4 held out but ordered (kind 1).
      [
        "flag",
        `CASE WHEN kind = 3 AND sub < 4 AND age > ${4 * DAY} THEN 1 WHEN kind = 3 AND sub >= 4 AND sub < 7 THEN 2 WHEN kind = 3 AND sub = 7 THEN 3 WHEN kind = 1 AND sub < 20 AND age > ${2 * DAY} THEN 4 ELSE 0 END`,
      ],
      ["total", "q1 * p1 + CASE WHEN nit >= 2 THEN q2 * p2 ELSE 0 END + CASE WHEN nit >= 3 THEN q3 * p3 ELSE 0 END"],
      ["qty", "q1 + CASE WHEN nit >= 2 THEN q2 ELSE 0 END + CASE WHEN nit >= 3 THEN q3 ELSE 0 END"],
      ["atk", "CASE k WHEN 1 THEN at1 WHEN 2 THEN at2 ELSE at3 END"],
      ["inc_on", `CASE WHEN kind IN (2, 3) AND k >= 2 AND s2 = 0 AND inc < 40 AND at2 <= ${now} THEN 1 ELSE 0 END`],
    ],
    [
      // Recovered after the last message, before the next step would have been due.
      [
        "rec",
        `CASE WHEN kind = 2 THEN atk + ${5 * MIN} + dly % (CASE WHEN k = 1 THEN ${20 * MIN} WHEN k = 2 AND s2 = 1 THEN ${135 * MIN} WHEN k = 2 THEN ${18 * HOUR} ELSE ${15 * HOUR} END) END`,
      ],
      ["disc", "CASE WHEN kind = 2 AND inc_on = 1 THEN total / 10 ELSE 0 END"],
    ],
    [
      [
        "done",
        `CASE WHEN kind = 0 THEN ab - ${10 * MIN} WHEN kind = 2 THEN rec WHEN flag = 4 THEN ab + ${HOUR} + dly % 100000000 WHEN flag = 1 THEN ab + ${3 * DAY} + dly % ${DAY} END`,
      ],
    ],
  ];
}

interface Statement {
  table: string;
  /** SQL for the checkouts lo..hi. */
  sql: (lo: number, hi: number) => string;
  /** Only these checkouts (default all). */
  upTo?: number;
}

function statements(d: Dialect, o: SeedOptions): { create: string; facts: (lo: number, hi: number) => string; tables: Statement[] } {
  const n = o.checkouts;
  const now = o.now.getTime();
  const shop = quote(o.shop);
  const ts = (ms: string) => d.ts(ms);
  const b = (cond: string) => d.bool(cond);
  const id = (prefix: string) => `'${prefix}' || ${d.pad7("f.i")}`;
  const nowTs = ts(String(now));
  const range = (lo: number, hi: number) => `f.i BETWEEN ${lo} AND ${hi}`;

  const layers = factLayers(n, now);
  const cols = layers.flat().map(([name]) => name);
  const create = `CREATE TABLE bench_seed (i ${d.keyType}, ${cols.map((c) => `${c} BIGINT`).join(", ")})`;
  const facts = (lo: number, hi: number) => {
    const ctes = layers.map((layer, L) => {
      const from = L === 0 ? "n" : `l${L - 1}`;
      return `l${L} AS MATERIALIZED (SELECT ${from}.*, ${layer.map(([name, expr]) => `${expr} AS ${name}`).join(", ")} FROM ${from})`;
    });
    return `WITH RECURSIVE ${d.series(lo, hi)}, ${ctes.join(", ")} INSERT INTO bench_seed (i, ${cols.join(", ")}) SELECT i, ${cols.join(", ")} FROM l${layers.length - 1}`;
  };

  // Shopper and cart (the scratch row is f).
  const first = pick("f.nm % 12", FIRST);
  const last = pick("(f.nm / 12) % 10", LAST);
  const email = `${pick(
    "f.nm % 12",
    FIRST.map((x) => x.toLowerCase()),
  )} || '.' || ${pick(
    "(f.nm / 12) % 10",
    LAST.map((x) => x.toLowerCase()),
  )} || '.' || f.i || '@example.com'`;
  const phone = `'+1555' || ${d.pad7("f.i % 10000000")}`;
  const customerId = `CASE WHEN f.cust % 100 < 30 THEN 'cust' || ((f.cust / 100) % 20000) END`;
  const item = (j: number) => `'{"title":"' || ${pick(`f.v${j} % 7`, PRODUCTS)} || '","quantity":' || f.q${j} || ',"priceMinor":' || f.p${j} || '}'`;
  const lineItems = `'[' || ${item(1)} || CASE WHEN f.nit >= 2 THEN ',' || ${item(2)} ELSE '' END || CASE WHEN f.nit >= 3 THEN ',' || ${item(3)} ELSE '' END || ']'`;
  // Message j of a checkout (j = 1..3): its step, step index and channel.
  const stepOf = (j: string) => `CASE ${j} WHEN 1 THEN 's1' WHEN 2 THEN (CASE WHEN f.s2 = 1 THEN 's2' ELSE 's3' END) ELSE 's4' END`;
  const stepIndexOf = (j: string) => `CASE ${j} WHEN 1 THEN 0 WHEN 2 THEN (CASE WHEN f.s2 = 1 THEN 1 ELSE 2 END) ELSE 3 END`;
  const channelOf = (j: string) =>
    `CASE ${j} WHEN 1 THEN (CASE WHEN f.ch1 < 65 THEN 'email' ELSE 'push' END) WHEN 2 THEN (CASE WHEN f.s2 = 1 THEN 'whatsapp' WHEN f.ch2 < 60 THEN 'email' ELSE 'push' END) ELSE (CASE WHEN f.ch3 < 70 THEN 'email' ELSE 'push' END) END`;
  const code = `'BACK-' || ${d.pad7("f.i")}`;
  const body = `'<html><body><h1>Hi ' || ${first} || '</h1><p>${"Your cart is waiting. ".repeat(40)}</p></body></html>'`;

  const stage = `CASE f.kind WHEN 2 THEN 'recovered' WHEN 3 THEN (CASE WHEN f.flag = 2 THEN 'negotiating' WHEN f.flag = 3 THEN 'lost' WHEN f.age > ${2 * DAY} AND f.w % 10 < 4 THEN 'lost' ELSE 'contacted' END) ELSE 'abandoned' END`;
  const status = `CASE WHEN f.kind = 2 THEN 'recovered' WHEN f.done IS NOT NULL THEN 'completed' WHEN f.flag = 3 OR (f.kind = 4 AND f.cat >= 95) THEN 'stopped' ELSE 'abandoned' END`;
  const stopReason = `CASE WHEN f.done IS NOT NULL THEN 'order_completed' WHEN f.flag = 3 THEN 'unsubscribe' WHEN f.kind = 4 AND f.cat >= 95 THEN (CASE WHEN f.w % 2 = 0 THEN 'excluded_tag' ELSE 'below_min_cart_value' END) END`;
  const handoff = "f.kind = 3 AND f.flag = 2";

  const checkout: Statement = {
    table: "checkout",
    sql: (lo, hi) => `INSERT INTO checkout (id, shop, token, customer_id, email, phone, first_name, last_name, customer_key, email_consent,
        sms_consent, returning_customer, line_items, line_item_count, currency, subtotal_minor, total_minor, shop_currency, shop_total_minor,
        source_name, is_test, shopify_created_at, shopify_updated_at, completed_at, status, abandoned_at, stop_reason, stage, priority,
        priority_score, handoff, handoff_reason, owner, follow_up_at, first_contacted_at, stage_changed_at, order_id, recovered_at,
        recovered_revenue_minor, attributed_message_id, holdout, created_at, updated_at)
      SELECT ${id("bc")}, ${shop}, ${id("tok")}, ${customerId}, ${email}, ${phone}, ${first}, ${last}, 'email:' || ${email}, ${b("f.kind IN (2, 3)")},
        ${b("f.w % 2 = 0")}, ${b("f.ret = 1")}, ${lineItems}, f.qty, CASE WHEN f.eur = 1 THEN 'EUR' ELSE 'USD' END, f.total, f.total, 'USD',
        CASE WHEN f.eur = 1 THEN NULL ELSE f.total END,
        CASE WHEN f.src < 17 THEN 'web' WHEN f.src < 19 THEN 'iphone' END, ${b("f.kind = 4 AND f.cat < 95 AND f.w % 10 = 0")},
        ${ts(`f.ab - ${20 * MIN}`)}, ${ts(`f.ab - ${20 * MIN}`)}, CASE WHEN f.done IS NOT NULL THEN ${ts("f.done")} END, ${status}, ${ts("f.ab")},
        ${stopReason}, ${stage},
        CASE WHEN f.score > 85 THEN 'urgent' WHEN f.score > 60 THEN 'high' WHEN f.score > 30 THEN 'medium' ELSE 'low' END, f.score,
        ${b(handoff)}, CASE WHEN ${handoff} THEN 'high_value' END, CASE WHEN ${handoff} AND f.w % 2 = 0 THEN 'Sam' END,
        CASE WHEN f.fu % 100 = 0 THEN ${ts(`${now} - ${DAY} + (f.fu / 100) % ${2 * DAY}`)} END,
        CASE WHEN f.kind IN (2, 3) AND f.at1 <= ${now} THEN ${ts("f.at1")} END,
        CASE WHEN f.kind = 2 THEN ${ts("f.rec")} WHEN f.kind = 3 AND f.at1 <= ${now} THEN ${ts("f.at1")} END,
        CASE WHEN f.done IS NOT NULL THEN 'o' || f.i END, CASE WHEN f.kind = 2 THEN ${ts("f.rec")} END,
        CASE WHEN f.kind = 2 THEN f.total - f.disc END, CASE WHEN f.kind = 2 THEN 'bm' || ${d.pad7("f.i")} || '_' || f.k END,
        CASE WHEN f.kind = 1 THEN true WHEN f.kind IN (2, 3) THEN false END, ${ts(`f.ab - ${20 * MIN}`)}, ${nowTs}
      FROM bench_seed f WHERE ${range(lo, hi)}`,
  };

  // Message j's status: the credited message was opened or clicked; the opted-out shopper opened the last one; else
  // 4% failed, 4% skipped, the rest sent, delivered, opened or clicked (delivered only, within 40 minutes of now).
  const message: Statement = {
    table: "message",
    sql: (lo, hi) => `WITH mm AS MATERIALIZED (
        SELECT f.i, m.j, CASE m.j WHEN 1 THEN f.at1 WHEN 2 THEN f.at2 ELSE f.at3 END AS mat, ${stepOf("m.j")} AS step, ${stepIndexOf("m.j")} AS sidx,
          ${channelOf("m.j")} AS channel,
          CASE m.j WHEN 1 THEN f.st1 WHEN 2 THEN f.st2 ELSE f.st3 END AS st0,
          f.kind, f.flag, f.k, f.inc_on, f.nm
        FROM bench_seed f CROSS JOIN (SELECT 1 AS j UNION ALL SELECT 2 UNION ALL SELECT 3) m
        WHERE ${range(lo, hi)} AND f.kind IN (2, 3) AND m.j <= f.k
      ), ms AS MATERIALIZED (
        SELECT mm.*, CASE WHEN kind = 2 AND j = k THEN (CASE WHEN st0 < 70 THEN 'clicked' ELSE 'opened' END)
            WHEN kind = 3 AND flag = 3 AND j = k AND mat + ${40 * MIN} <= ${now} THEN 'opened'
            WHEN st0 < 4 THEN 'failed' WHEN st0 < 8 THEN 'skipped'
            WHEN st0 < 38 OR mat + ${40 * MIN} > ${now} THEN 'delivered' WHEN st0 < 70 THEN 'opened' WHEN st0 < 80 THEN 'clicked' ELSE 'sent' END AS status
        FROM mm WHERE mat <= ${now}
      )
      INSERT INTO message (id, shop, checkout_id, step_id, step_index, channel, status, skip_reason, attempts, last_error, provider_id, recipient,
        subject, body_html, incentive_code, sent_at, delivered_at, opened_at, clicked_at, failed_at, unsubscribed_at, created_at, updated_at)
      SELECT ${id("bm")} || '_' || f.j, ${shop}, ${id("bc")}, f.step, f.sidx, f.channel, f.status,
        CASE WHEN f.status = 'skipped' THEN 'quiet_hours' END, CASE f.status WHEN 'skipped' THEN 0 WHEN 'failed' THEN 3 ELSE 1 END,
        CASE WHEN f.status = 'failed' THEN 'provider said no' END,
        CASE WHEN f.status NOT IN ('failed', 'skipped') THEN ${id("pm")} || '_' || f.j END,
        CASE f.channel WHEN 'email' THEN ${email} WHEN 'whatsapp' THEN ${phone} ELSE 'fcm.googleapis.com' END,
        CASE WHEN f.channel = 'email' THEN 'You left something behind' END,
        CASE WHEN f.channel = 'email' AND f.status NOT IN ('failed', 'skipped') AND f.mat > ${now - 5 * DAY} THEN ${body} END,
        CASE WHEN f.j = 2 AND f.inc_on = 1 THEN ${code} END,
        CASE WHEN f.status NOT IN ('failed', 'skipped') THEN ${ts("f.mat")} END,
        CASE WHEN f.status IN ('delivered', 'opened', 'clicked') THEN ${ts("f.mat + 5000")} END,
        CASE WHEN f.status IN ('opened', 'clicked') THEN ${ts(`f.mat + ${30 * MIN}`)} END,
        CASE WHEN f.status = 'clicked' THEN ${ts(`f.mat + ${35 * MIN}`)} END,
        CASE WHEN f.status = 'failed' THEN ${ts("f.mat")} END,
        CASE WHEN f.kind = 3 AND f.flag = 3 AND f.j = f.k AND f.status = 'opened' THEN ${ts(`f.mat + ${40 * MIN}`)} END,
        ${ts("f.mat")}, ${nowTs}
      FROM ms f`,
  };

  const staffAlert: Statement = {
    table: "message (staff alerts)",
    sql: (lo, hi) => `INSERT INTO message (id, shop, checkout_id, step_id, step_index, channel, status, attempts, recipient, subject, sent_at,
        created_at, updated_at)
      SELECT ${id("bm")} || '_h', ${shop}, ${id("bc")}, 'handoff', -1, 'staff_alert', 'sent', 1, 'staff@bench.example',
        'A shopper needs a person', ${ts(`f.ab + ${62 * MIN}`)}, ${ts(`f.ab + ${62 * MIN}`)}, ${nowTs}
      FROM bench_seed f WHERE ${range(lo, hi)} AND ${handoff} AND f.ab + ${62 * MIN} <= ${now}`,
  };

  const incentive: Statement = {
    table: "incentive",
    sql: (lo, hi) => `INSERT INTO incentive (id, shop, checkout_id, slot, source, kind, percent_off, code, shopify_discount_id, status, customer_key,
        starts_at, ends_at, used_at, used_order_id, discount_minor, created_at, updated_at)
      SELECT ${id("bi")}, ${shop}, ${id("bc")}, 's3', 'automatic', 'percentage', 10, ${code}, 'gid://shopify/DiscountCodeNode/' || f.i,
        CASE WHEN f.kind = 2 THEN 'used' WHEN f.at2 + ${2 * DAY} > ${now} THEN 'active' ELSE 'expired' END, 'email:' || ${email},
        ${ts("f.at2")}, ${ts(`f.at2 + ${2 * DAY}`)}, CASE WHEN f.kind = 2 THEN ${ts("f.rec")} END, CASE WHEN f.kind = 2 THEN 'o' || f.i END,
        CASE WHEN f.kind = 2 THEN f.disc END, ${ts("f.at2")}, ${nowTs}
      FROM bench_seed f WHERE ${range(lo, hi)} AND f.inc_on = 1`,
  };

  const order: Statement = {
    table: "shop_order (checkouts)",
    sql: (lo, hi) => `INSERT INTO shop_order (id, shop, order_id, name, checkout_token, customer_id, email, customer_key, currency, subtotal_minor,
        total_minor, total_discounts_minor, discount_codes, recovered, attributed_step_id, attributed_channel, shopify_created_at, created_at, updated_at)
      SELECT ${id("bo")}, ${shop}, 'o' || f.i, '#' || (1000 + f.i), ${id("tok")}, ${customerId}, ${email}, 'email:' || ${email}, 'USD', f.total,
        f.total - f.disc, f.disc, CASE WHEN f.disc > 0 THEN '["' || ${code} || '"]' ELSE '[]' END, ${b("f.kind = 2")},
        CASE WHEN f.kind = 2 THEN ${stepOf("f.k")} END, CASE WHEN f.kind = 2 THEN ${channelOf("f.k")} END,
        ${ts("f.done")}, ${ts("f.done")}, ${nowTs}
      FROM bench_seed f WHERE ${range(lo, hi)} AND f.done IS NOT NULL`,
  };

  const walkIn: Statement = {
    table: "shop_order (walk-ins)",
    sql: (lo, hi) => `INSERT INTO shop_order (id, shop, order_id, name, email, customer_key, currency, subtotal_minor, total_minor, shopify_created_at,
        created_at, updated_at)
      SELECT ${id("bx")}, ${shop}, 'x' || f.i, '#W' || f.i, 'walkin' || f.i || '@example.com', 'email:walkin' || f.i || '@example.com', 'USD',
        2000 + f.w2 % 20000, 2000 + f.w2 % 20000, ${ts(`${now} - (f.w3 % 7776000) * 1000 - f.w3 % 1000`)},
        ${ts(`${now} - (f.w3 % 7776000) * 1000 - f.w3 % 1000`)}, ${nowTs}
      FROM bench_seed f WHERE ${range(lo, hi)} AND f.w % 100 < 30`,
  };

  const conversation: Statement = {
    table: "conversation_entry",
    sql: (lo, hi) => `INSERT INTO conversation_entry (id, shop, checkout_id, channel, direction, body, classification, provider_message_id, author, created_at)
      SELECT ${id("ce")} || CASE WHEN m.j = 1 THEN '_in' ELSE '_out' END, ${shop}, ${id("bc")}, 'whatsapp',
        CASE WHEN m.j = 1 THEN 'inbound' ELSE 'outbound' END,
        CASE WHEN m.j = 1 THEN 'Is there a discount if I order today?' ELSE 'Here is 10% off, it works until tomorrow.' END,
        CASE WHEN m.j = 1 THEN ${pick("f.w % 5", TOPICS)} END, 'wamid.' || ${d.pad7("f.i")} || '.' || m.j, CASE WHEN m.j = 2 THEN 'Sam' END,
        ${ts(`f.ab + CASE WHEN m.j = 1 THEN ${70 * MIN} ELSE ${95 * MIN} END`)}
      FROM bench_seed f CROSS JOIN (SELECT 1 AS j UNION ALL SELECT 2) m
      WHERE ${range(lo, hi)} AND ${handoff} AND (m.j = 1 OR f.w2 % 2 = 0) AND f.ab + CASE WHEN m.j = 1 THEN ${70 * MIN} ELSE ${95 * MIN} END <= ${now}`,
  };

  const note: Statement = {
    table: "checkout_note",
    sql: (lo, hi) => `INSERT INTO checkout_note (id, shop, checkout_id, author, body, created_at)
      SELECT ${id("cn")}, ${shop}, ${id("bc")}, 'Sam', 'Called the shopper: will order after payday.', ${ts(`f.ab + ${80 * MIN}`)}
      FROM bench_seed f WHERE ${range(lo, hi)} AND ${handoff} AND f.w2 % 4 = 1 AND f.ab + ${80 * MIN} <= ${now}`,
  };

  const audit: Statement = {
    table: "audit_log",
    sql: (lo, hi) => `INSERT INTO audit_log (id, shop, checkout_id, actor, action, from_value, to_value, created_at)
      SELECT ${id("ba")} || '_' || m.j, ${shop}, ${id("bc")}, 'system:engine', CASE WHEN m.j = 1 THEN 'stage_change' ELSE 'handoff' END,
        CASE WHEN m.j = 1 THEN 'abandoned' END,
        CASE WHEN m.j = 2 THEN 'high_value' WHEN f.kind = 3 AND (f.flag = 3 OR (f.age > ${2 * DAY} AND f.w % 10 < 4 AND f.flag <> 2)) THEN 'lost' ELSE 'contacted' END,
        ${ts(`f.ab + CASE WHEN m.j = 1 THEN ${60 * MIN} ELSE ${62 * MIN} END`)}
      FROM bench_seed f CROSS JOIN (SELECT 1 AS j UNION ALL SELECT 2) m
      WHERE ${range(lo, hi)} AND f.kind IN (2, 3) AND (m.j = 1 OR (${handoff})) AND f.ab + CASE WHEN m.j = 1 THEN ${60 * MIN} ELSE ${62 * MIN} END <= ${now}`,
  };

  const optOut = `f.kind = 3 AND f.flag = 3`;
  const optOutAt = `CASE WHEN f.atk + ${40 * MIN} <= ${now} THEN f.atk + ${40 * MIN} ELSE ${now} END`;
  const suppression: Statement = {
    table: "suppression",
    sql: (lo, hi) => `INSERT INTO suppression (id, shop, channel, address, reason, created_at)
      SELECT ${id("bs")}, ${shop}, 'email', 'optout' || f.i || '@example.com', ${pick("f.w % 3", ["unsubscribe", "bounce", "stop_reply"])},
        ${ts(`${now} - (f.w3 % 7776000) * 1000`)}
      FROM bench_seed f WHERE ${range(lo, hi)} AND f.i <= ${Math.round(n / 100)}
      UNION ALL
      SELECT ${id("bu")}, ${shop}, 'email', ${email}, 'unsubscribe', ${ts(optOutAt)}
      FROM bench_seed f WHERE ${range(lo, hi)} AND ${optOut}`,
  };

  return { create, facts, tables: [checkout, message, staffAlert, incentive, order, walkIn, conversation, note, audit, suppression] };
}

async function inTransaction(db: Db, run: (tx: Pick<Db, "$executeRawUnsafe">) => Promise<number>): Promise<number> {
  return db.$transaction((tx) => run(tx), { maxWait: 60_000, timeout: 3_600_000 });
}

/** Seed the shop's rows (the shop row itself must exist). Returns each table's rows and seconds. */
export async function seedBulk(db: Db, provider: Provider, o: SeedOptions): Promise<TableTiming[]> {
  if (!(o.checkouts >= 1 && o.checkouts <= MAX_CHECKOUTS)) throw new Error(`--checkouts must be 1..${MAX_CHECKOUTS}`);
  const d = new Dialect(provider);
  const chunk = o.chunk ?? 50_000;
  const s = statements(d, o);
  const chunks: Array<[number, number]> = [];
  for (let lo = 1; lo <= o.checkouts; lo += chunk) chunks.push([lo, Math.min(o.checkouts, lo + chunk - 1)]);
  const out: TableTiming[] = [];
  const timed = async (table: string, run: () => Promise<number>) => {
    const t0 = performance.now();
    const rows = await run();
    const t: TableTiming = { table, rows, seconds: (performance.now() - t0) / 1000 };
    out.push(t);
    o.onTable?.(t);
  };

  await db.$executeRawUnsafe("DROP TABLE IF EXISTS bench_seed");
  await db.$executeRawUnsafe(s.create);
  try {
    await timed("(draws: bench_seed)", () =>
      inTransaction(db, async (tx) => {
        let rows = 0;
        for (const [lo, hi] of chunks) rows += await tx.$executeRawUnsafe(s.facts(lo, hi));
        return rows;
      }),
    );
    for (const st of s.tables) {
      await timed(st.table, () =>
        inTransaction(db, async (tx) => {
          let rows = 0;
          for (const [lo, hi] of chunks) rows += await tx.$executeRawUnsafe(st.sql(lo, hi));
          return rows;
        }),
      );
    }
    // The shop's order statistics, as orders/create maintains them.
    await db.$executeRawUnsafe(
      `UPDATE shop SET order_count = (SELECT COUNT(*) FROM shop_order WHERE shop = ${quote(o.shop)}),
         order_revenue_minor = (SELECT COALESCE(SUM(total_minor), 0) FROM shop_order WHERE shop = ${quote(o.shop)}) WHERE domain = ${quote(o.shop)}`,
    );
  } finally {
    await db.$executeRawUnsafe("DROP TABLE IF EXISTS bench_seed");
  }
  return out;
}
