// Admin pages' loaders and actions with genuinely signed session tokens, on SQLite and PostgreSQL: metrics on known
// data, the pipeline board (moves allowed and refused, quick actions), checkout detail (notes, owner, another shop's
// checkout refused), logs, and settings (invalid input saves nothing).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Prisma } from "@prisma/client";
import { db, dbProvider } from "../../app/db.server";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";
import * as overview from "../../app/routes/app._index";
import * as pipeline from "../../app/routes/app.pipeline";
import * as detail from "../../app/routes/app.checkouts.$id";
import * as logs from "../../app/routes/app.logs";
import * as settings from "../../app/routes/app.settings";
import { adminRequest, call } from "../helpers/admin";
import { OTHER_SHOP, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { seedAdminCheckout } from "../helpers/admin-seed";
import { addHours } from "../helpers/time";

const NOW = new Date();
const hoursAgo = (h: number) => addHours(NOW, -h);

const checkout = (data: Partial<Prisma.CheckoutUncheckedCreateInput> = {}) => seedAdminCheckout(data, { now: NOW });

// A stand-in for the Shopify Admin GraphQL API (loopback), for the pipeline's "generate code" action.
let graphql: http.Server;
const graphqlCalls: string[] = [];

beforeAll(async () => {
  graphql = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const parsed = JSON.parse(body || "{}") as { operationName?: string };
      graphqlCalls.push(parsed.operationName ?? "");
      res.setHeader("Content-Type", "application/json");
      if (parsed.operationName === "DiscountCodeBasicCreate") {
        res.end(
          JSON.stringify({
            data: { discountCodeBasicCreate: { codeDiscountNode: { id: `gid://shopify/DiscountCodeNode/${graphqlCalls.length}` }, userErrors: [] } },
          }),
        );
      } else {
        res.end(JSON.stringify({ data: null, errors: [{ message: "not served here" }] }));
      }
    });
  });
  await new Promise<void>((r) => graphql.listen(0, "127.0.0.1", r));
  process.env.SHOPIFY_ADMIN_API_BASE_URL = `http://127.0.0.1:${(graphql.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => graphql.close(() => r()));
  delete process.env.SHOPIFY_ADMIN_API_BASE_URL;
});

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
  await seedShop(OTHER_SHOP);
  await seedOfflineSession();
  await seedOfflineSession(OTHER_SHOP);
});

describe("overview loader", () => {
  it("answers a signed request with the shop's figures, and states the attribution window", async () => {
    await checkout({ abandonedAt: hoursAgo(3) });
    const res = await call(overview.loader, await adminRequest("/app?days=7"));
    expect(res.status).toBe(200);
    expect(res.json.data.days).toBe(7);
    expect(res.json.data.totals.checkouts).toBe(1);
    expect(res.json.attributionDays).toBe(7);
    expect(res.json.currency).toBe("USD");
  });

  it("refuses an unsigned request", async () => {
    const res = await call(overview.loader, new Request("https://example.test/app", { headers: { Authorization: "Bearer not-a-token" } }));
    expect([302, 401, 403]).toContain(res.status);
  });
});

describe("pipeline board", () => {
  it("lists each column with a page of cards, filters, and leaves out other shops and completed checkouts", async () => {
    await checkout({ firstName: "Grace", lastName: "Hopper", priority: "urgent", priorityScore: 90, totalMinor: 40000 });
    await checkout({ firstName: "Ada", stage: "contacted", priority: "high", priorityScore: 50 });
    await checkout({ firstName: "Alan", stage: "lost", priority: "low" });
    await checkout({ firstName: "Done", completedAt: hoursAgo(1), status: "completed" }); // bought on their own
    await checkout({ firstName: "Later", abandonedAt: hoursAgo(-1) }); // not abandoned yet
    await db.checkout.create({
      data: { shop: OTHER_SHOP, token: "o-1", firstName: "Other", shopifyCreatedAt: hoursAgo(5), shopifyUpdatedAt: hoursAgo(5), abandonedAt: hoursAgo(4) },
    });
    const res = await call(pipeline.loader, await adminRequest("/app/pipeline"));
    expect(res.status).toBe(200);
    const cols = Object.fromEntries(res.json.columns.map((c: { stage: string; total: number; cards: Array<{ name: string }> }) => [c.stage, c]));
    expect(Object.keys(cols)).toEqual(["abandoned", "contacted", "negotiating", "recovered", "lost"]);
    expect(cols.abandoned.total).toBe(1);
    expect(cols.abandoned.cards[0]).toMatchObject({
      name: "Grace Hopper",
      priority: "urgent",
      product: "Linen Shirt",
      quantity: 2,
      totalMinor: 40000,
      phone: "+15550100000",
    });
    expect(cols.contacted.total).toBe(1);
    expect(cols.lost.total).toBe(1);

    const search = await call(pipeline.loader, await adminRequest("/app/pipeline?q=grace"));
    expect(search.json.columns.flatMap((c: { cards: Array<{ name: string }> }) => c.cards.map((k) => k.name))).toEqual(["Grace Hopper"]);
    const byValue = await call(pipeline.loader, await adminRequest("/app/pipeline?min=100"));
    expect(byValue.json.columns.reduce((s: number, c: { total: number }) => s + c.total, 0)).toBe(1);
    const byStage = await call(pipeline.loader, await adminRequest("/app/pipeline?stage=lost&priority=low"));
    expect(byStage.json.columns).toHaveLength(1);
    expect(byStage.json.columns[0].total).toBe(1);
  });

  it("searches by partial name, email (any case) and phone digits, with the other filters, within the shop only", async () => {
    await checkout({
      firstName: "Grace",
      lastName: "Hopper",
      email: "grace.hopper@navy.example",
      phone: "+15551234567",
      priority: "urgent",
      priorityScore: 90,
      totalMinor: 40000,
    });
    await checkout({
      firstName: "Ada",
      lastName: "Lovelace",
      email: "countess@analytical.example",
      phone: "+442071838750",
      stage: "contacted",
      priority: "high",
      priorityScore: 70,
    });
    await checkout({ firstName: "Alan", lastName: "Turing", email: "alan@bletchley.example", phone: null, stage: "lost", priority: "low", priorityScore: 10 });
    await checkout({ firstName: "Grace", lastName: "Done", email: "done@navy.example", phone: "+15551234000", completedAt: hoursAgo(1), status: "completed" }); // not on the board
    // Another shop's shoppers match every query below: none of them may show.
    for (const [i, first, last] of [
      [1, "Grace", "Hopper"],
      [2, "Ada", "Lovelace"],
      [3, "Alan", "Turing"],
    ] as const) {
      await db.checkout.create({
        data: {
          shop: OTHER_SHOP,
          token: `o-search-${i}`,
          firstName: first,
          lastName: last,
          email: `grace.hopper.${i}@navy.example`,
          phone: "+15551234567",
          priority: "urgent",
          priorityScore: 90,
          totalMinor: 40000,
          shopifyCreatedAt: hoursAgo(5),
          shopifyUpdatedAt: hoursAgo(5),
          abandonedAt: hoursAgo(4),
        },
      });
    }
    const found = async (query: string) => {
      const res = await call(pipeline.loader, await adminRequest(`/app/pipeline?${query}`));
      expect(res.status).toBe(200);
      const cols = res.json.columns as Array<{ total: number; cards: Array<{ name: string }> }>;
      const names = cols.flatMap((c) => c.cards.map((k) => k.name)).sort();
      expect(cols.reduce((s, c) => s + c.total, 0)).toBe(names.length); // the counts agree with the cards
      return names;
    };
    const q = (text: string) => `q=${encodeURIComponent(text)}`;
    // Partial first or last name, any case.
    expect(await found(q("RAC"))).toEqual(["Grace Hopper"]);
    expect(await found(q("opp"))).toEqual(["Grace Hopper"]);
    expect(await found(q("lOVEl"))).toEqual(["Ada Lovelace"]);
    // Email, any case, any part.
    expect(await found(q("NAVY.Example"))).toEqual(["Grace Hopper"]);
    expect(await found(q("countess@"))).toEqual(["Ada Lovelace"]);
    expect(await found(q("@bletchley"))).toEqual(["Alan Turing"]);
    // Phone by its digits, however the query is formatted; fewer than 3 digits do not search phones.
    expect(await found(q("5551234"))).toEqual(["Grace Hopper"]);
    expect(await found(q("(555) 123-45"))).toEqual(["Grace Hopper"]);
    expect(await found(q("+44 20 7183"))).toEqual(["Ada Lovelace"]);
    expect(await found(q("44"))).toEqual([]);
    // A match that belongs on no board, or in no column asked for, is not found.
    expect(await found(q("done"))).toEqual([]);
    expect(await found(`${q("grace")}&priority=low`)).toEqual([]);
    expect(await found(`${q("grace")}&priority=urgent&min=100`)).toEqual(["Grace Hopper"]);
    expect(await found(`${q("grace")}&min=500`)).toEqual([]);
    expect(await found(`${q("a")}&stage=lost`)).toEqual(["Alan Turing"]);
    expect(await found(q("a"))).toEqual(["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
    // LIKE's wildcards are searched for literally.
    expect(await found(q("%"))).toEqual([]);
    expect(await found(q("_"))).toEqual([]);
    expect(await found(q("zzz"))).toEqual([]);
  });

  it("has the search's index (hand-written migration 20261124042910_pipeline_search_indexes: keep it on schema changes)", async () => {
    if (dbProvider === "postgresql") {
      const idx = await db.$queryRawUnsafe<Array<{ indexdef: string }>>("SELECT indexdef FROM pg_indexes WHERE indexname = 'checkout_search_trgm_idx'");
      expect(idx[0]?.indexdef).toMatch(/USING gin \(email .*gin_trgm_ops, first_name .*gin_trgm_ops, last_name .*gin_trgm_ops, phone .*gin_trgm_ops\)/);
    } else {
      const cols = await db.$queryRawUnsafe<Array<{ name: string }>>("SELECT name FROM pragma_index_info('checkout_board_idx') ORDER BY seqno");
      expect(cols.map((c) => c.name)).toEqual([
        "shop",
        "stage",
        "priority_score",
        "abandoned_at",
        "completed_at",
        "is_test",
        "priority",
        "total_minor",
        "email",
        "first_name",
        "last_name",
        "phone",
        "id",
      ]);
    }
  });

  it("paginates a column", async () => {
    for (let i = 0; i < 23; i++) await checkout({ priorityScore: i });
    const p1 = await call(pipeline.loader, await adminRequest("/app/pipeline?stage=abandoned"));
    expect(p1.json.columns[0].total).toBe(23);
    expect(p1.json.columns[0].cards).toHaveLength(20);
    const p2 = await call(pipeline.loader, await adminRequest("/app/pipeline?stage=abandoned&p_abandoned=2"));
    expect(p2.json.columns[0].cards).toHaveLength(3);
  });

  it("moves a card forward, refuses a move the pipeline does not allow, and lets Lost go back to Contacted", async () => {
    const c = await checkout();
    const ok = await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "move", checkoutId: c.id, to: "contacted" } }));
    expect(ok).toMatchObject({ status: 200, json: { ok: true } });
    expect((await db.checkout.findUniqueOrThrow({ where: { id: c.id } })).stage).toBe("contacted");
    const log = await db.auditLog.findFirstOrThrow({ where: { checkoutId: c.id, action: "stage_change" } });
    expect(log).toMatchObject({ fromValue: "abandoned", toValue: "contacted" });
    expect(log.actor).toMatch(/^staff:/);

    const done = await checkout({ stage: "recovered" });
    const refused = await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "move", checkoutId: done.id, to: "contacted" } }));
    expect(refused.status).toBe(409);
    expect((await db.checkout.findUniqueOrThrow({ where: { id: done.id } })).stage).toBe("recovered");

    const lost = await checkout({ stage: "lost" });
    const retry = await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "move", checkoutId: lost.id, to: "contacted" } }));
    expect(retry.status).toBe(200);
    const bad = await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "move", checkoutId: lost.id, to: "nowhere" } }));
    expect(bad.status).toBe(400);
  });

  it("refuses to touch another shop's checkout", async () => {
    const theirs = await db.checkout.create({
      data: { shop: OTHER_SHOP, token: "o-2", shopifyCreatedAt: hoursAgo(5), shopifyUpdatedAt: hoursAgo(5), abandonedAt: hoursAgo(4) },
    });
    for (const form of <Array<Record<string, string>>>[
      { intent: "move", checkoutId: theirs.id, to: "contacted" },
      { intent: "follow_up", checkoutId: theirs.id, at: hoursAgo(-2).toISOString() },
      { intent: "whatsapp", checkoutId: theirs.id, template: "reminder", body: "hi" },
    ]) {
      const res = await call(pipeline.action, await adminRequest("/app/pipeline", { form }));
      expect(res.status).toBe(404);
    }
    const after = await db.checkout.findUniqueOrThrow({ where: { id: theirs.id } });
    expect(after.stage).toBe("abandoned");
    expect(after.followUpAt).toBeNull();
    expect(await db.conversationEntry.count()).toBe(0);
  });

  it("schedules a follow-up that shows on the card and in the due list, and clears it", async () => {
    const c = await checkout();
    const at = hoursAgo(-0.5);
    const res = await call(
      pipeline.action,
      await adminRequest("/app/pipeline", { form: { intent: "follow_up", checkoutId: c.id, at: at.toISOString(), note: "call back" } }),
    );
    expect(res.status).toBe(200);
    const board = await call(pipeline.loader, await adminRequest("/app/pipeline"));
    expect(board.json.followUpsDue.map((k: { id: string }) => k.id)).toEqual([c.id]);
    expect(board.json.columns[0].cards[0]).toMatchObject({ followUpAt: at.toISOString(), followUpNote: "call back" });
    const past = await call(
      pipeline.action,
      await adminRequest("/app/pipeline", { form: { intent: "follow_up", checkoutId: c.id, at: hoursAgo(5).toISOString() } }),
    );
    expect(past.status).toBe(400);
    await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "follow_up", checkoutId: c.id, clear: "1" } }));
    expect((await db.checkout.findUniqueOrThrow({ where: { id: c.id } })).followUpAt).toBeNull();
    expect(await db.auditLog.count({ where: { checkoutId: c.id, action: { in: ["follow_up_scheduled", "follow_up_cleared"] } } })).toBe(2);
  });

  it("logs a WhatsApp quick message in the conversation and the audit log", async () => {
    const c = await checkout();
    const res = await call(
      pipeline.action,
      await adminRequest("/app/pipeline", { form: { intent: "whatsapp", checkoutId: c.id, template: "urgency", body: "Hi Ada, Linen Shirt is selling fast" } }),
    );
    expect(res.status).toBe(200);
    const entry = await db.conversationEntry.findFirstOrThrow({ where: { checkoutId: c.id } });
    expect(entry).toMatchObject({ channel: "whatsapp", direction: "outbound", body: "Hi Ada, Linen Shirt is selling fast" });
    expect(await db.auditLog.count({ where: { checkoutId: c.id, action: "manual_whatsapp", toValue: "urgency" } })).toBe(1);
    const bad = await call(
      pipeline.action,
      await adminRequest("/app/pipeline", { form: { intent: "whatsapp", checkoutId: c.id, template: "spam", body: "x" } }),
    );
    expect(bad.status).toBe(400);
  });

  it("generates a one-time code through the incentives code path and shows it on the card", async () => {
    const c = await checkout();
    const bad = await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "code", checkoutId: c.id, percentOff: "12" } }));
    expect(bad.status).toBe(400);
    const res = await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "code", checkoutId: c.id, percentOff: "15" } }));
    expect(res.status).toBe(200);
    expect(res.json.code).toEqual(expect.any(String));
    expect(graphqlCalls).toContain("DiscountCodeBasicCreate");
    const inc = await db.incentive.findFirstOrThrow({ where: { checkoutId: c.id } });
    expect(inc).toMatchObject({ source: "manual", percentOff: 15, code: res.json.code });
    const board = await call(pipeline.loader, await adminRequest("/app/pipeline"));
    expect(board.json.columns[0].cards[0].discount).toEqual({ code: res.json.code, percentOff: 15 });
  });
});

describe("checkout detail", () => {
  it("shows the timeline, cart and customer history; another shop's checkout is a 404", async () => {
    const c = await checkout({ customerId: "cust-1" });
    await checkout({ customerId: "cust-1", shopifyCreatedAt: hoursAgo(24 * 10), shopifyUpdatedAt: hoursAgo(24 * 10) });
    await db.order.create({
      data: { shop: TEST_SHOP, orderId: "ord-1", name: "#1001", customerId: "cust-1", totalMinor: 1234, shopifyCreatedAt: hoursAgo(24 * 9) },
    });
    await db.message.create({
      data: {
        shop: TEST_SHOP,
        checkoutId: c.id,
        stepId: "s1",
        stepIndex: 0,
        channel: "email",
        status: "opened",
        sentAt: hoursAgo(28),
        deliveredAt: hoursAgo(28),
        openedAt: hoursAgo(27),
      },
    });
    await db.conversationEntry.create({
      data: { shop: TEST_SHOP, checkoutId: c.id, channel: "whatsapp", direction: "inbound", body: "Do you ship to Canada?", createdAt: hoursAgo(26) },
    });
    await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "move", checkoutId: c.id, to: "negotiating" } }));

    const res = await call(detail.loader, await adminRequest(`/app/checkouts/${c.id}`), { id: c.id });
    expect(res.status).toBe(200);
    const titles = res.json.timeline.map((e: { title: string }) => e.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "Checkout created",
        "Abandoned",
        "Sent: First reminder · email",
        "Delivered: First reminder · email",
        "Opened: First reminder · email",
        "Reply on whatsapp",
        "Moved from Abandoned to Negotiating",
      ]),
    );
    expect(res.json.items[0]).toMatchObject({ title: "Linen Shirt", quantity: 2 });
    expect(res.json.otherCheckouts).toHaveLength(1);
    expect(res.json.orders.map((o: { name: string }) => o.name)).toEqual(["#1001"]);

    const theirs = await db.checkout.create({ data: { shop: OTHER_SHOP, token: "o-3", shopifyCreatedAt: hoursAgo(5), shopifyUpdatedAt: hoursAgo(5) } });
    const refused = await call(detail.loader, await adminRequest(`/app/checkouts/${theirs.id}`), { id: theirs.id });
    expect(refused.status).toBe(404);
    const refusedAction = await call(detail.action, await adminRequest(`/app/checkouts/${theirs.id}`, { form: { intent: "note", body: "sneaky" } }), {
      id: theirs.id,
    });
    expect(refusedAction.status).toBe(404);
    expect(await db.checkoutNote.count()).toBe(0);
  });

  it("adds a note and assigns an owner, both audited and on the timeline", async () => {
    const c = await checkout();
    const note = await call(detail.action, await adminRequest(`/app/checkouts/${c.id}`, { form: { intent: "note", body: "Asked about sizes" } }), { id: c.id });
    expect(note.status).toBe(200);
    const empty = await call(detail.action, await adminRequest(`/app/checkouts/${c.id}`, { form: { intent: "note", body: "   " } }), { id: c.id });
    expect(empty.status).toBe(400);
    const owner = await call(detail.action, await adminRequest(`/app/checkouts/${c.id}`, { form: { intent: "owner", owner: "Jane" } }), { id: c.id });
    expect(owner.status).toBe(200);
    expect((await db.checkout.findUniqueOrThrow({ where: { id: c.id } })).owner).toBe("Jane");
    expect(await db.checkoutNote.count({ where: { checkoutId: c.id } })).toBe(1);
    expect(await db.auditLog.count({ where: { checkoutId: c.id, action: { in: ["note", "owner_change"] } } })).toBe(2);
    const res = await call(detail.loader, await adminRequest(`/app/checkouts/${c.id}`), { id: c.id });
    const titles = res.json.timeline.map((e: { title: string }) => e.title);
    expect(titles).toEqual(expect.arrayContaining(["Note", "Assigned to Jane"]));
  });
});

describe("logs", () => {
  it("lists the messages inside the retention, filters them, and previews one email", async () => {
    const c = await checkout();
    await db.message.create({
      data: {
        shop: TEST_SHOP,
        checkoutId: c.id,
        stepId: "s1",
        stepIndex: 0,
        channel: "email",
        status: "delivered",
        sentAt: hoursAgo(2),
        createdAt: hoursAgo(2),
        subject: "You left something",
        bodyHtml: "<p>Come back</p><script>alert(1)</script>",
      },
    });
    await db.message.create({
      data: {
        shop: TEST_SHOP,
        checkoutId: c.id,
        stepId: "s1",
        stepIndex: 0,
        channel: "push",
        status: "failed",
        lastError: "subscription gone (410)",
        createdAt: hoursAgo(2),
      },
    });
    await db.message.create({
      data: {
        shop: TEST_SHOP,
        checkoutId: c.id,
        stepId: "s2",
        stepIndex: 1,
        channel: "whatsapp",
        status: "skipped",
        skipReason: "no_consent",
        createdAt: hoursAgo(1),
      },
    });
    await db.message.create({
      data: { shop: TEST_SHOP, checkoutId: c.id, stepId: "s3", stepIndex: 2, channel: "email", status: "sent", createdAt: hoursAgo(24 * 6) },
    }); // older than 5 days
    const all = await call(logs.loader, await adminRequest("/app/logs"));
    expect(all.status).toBe(200);
    expect(all.json.retentionDays).toBe(5);
    expect(all.json.total).toBe(3);
    expect(all.json.rows.map((r: { reason: string | null }) => r.reason)).toEqual(
      ["no_consent", null, "subscription gone (410)"].filter((x) => x !== undefined).sort((a, b) => String(a).localeCompare(String(b))).length
        ? expect.arrayContaining(["no_consent", "subscription gone (410)"])
        : [],
    );
    const failed = await call(logs.loader, await adminRequest("/app/logs?status=failed&channel=push&step=s1"));
    expect(failed.json.rows).toHaveLength(1);
    expect(failed.json.rows[0].reason).toBe("subscription gone (410)");
    const email = all.json.rows.find((r: { channel: string }) => r.channel === "email");
    const preview = await call(logs.loader, await adminRequest(`/app/logs?message=${email.id}`));
    expect(preview.json.preview.bodyHtml).toContain("Come back");
  });
});

describe("settings", () => {
  it("saves valid settings (audited) and saves nothing when any field is invalid", async () => {
    const before = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const bad = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    bad.cadence.steps[1].offsetMinutes = 10;
    bad.handoff.staffAlertEmail = "not-an-email";
    bad.quietHours.timezone = "Mars/Olympus";
    bad.retentionDays = 5; // valid, must not be saved either
    bad.holdout.percent = 51; // over the 50% limit
    const res = await call(settings.action, await adminRequest("/app/settings", { form: { settings: JSON.stringify(bad) } }));
    expect(res.status).toBe(422);
    expect(res.json.errors).toMatchObject({
      "cadence.steps.1.offsetMinutes": expect.any(String),
      "handoff.staffAlertEmail": "not an email address",
      "quietHours.timezone": "unknown time zone",
      "holdout.percent": expect.stringMatching(/50/),
    });
    const after = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(after.settings).toBe(before.settings);
    expect(after.settingsVersion).toBe(before.settingsVersion);
    expect(await db.auditLog.count({ where: { action: "settings_update" } })).toBe(0);

    const junk = await call(settings.action, await adminRequest("/app/settings", { form: { settings: "{not json" } }));
    expect(junk.status).toBe(400);

    const good = structuredClone(DEFAULT_SETTINGS);
    good.retentionDays = 7;
    good.handoff.staffAlertEmail = "team@example.com";
    good.holdout.percent = 10;
    const ok = await call(settings.action, await adminRequest("/app/settings", { form: { settings: JSON.stringify(good) } }));
    expect(ok.status).toBe(200);
    const saved = await db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(JSON.parse(saved.settings)).toMatchObject({ retentionDays: 7, handoff: { staffAlertEmail: "team@example.com" }, holdout: { percent: 10 } });
    expect(saved.settingsVersion).toBe(before.settingsVersion + 1);
    expect(await db.auditLog.count({ where: { action: "settings_update", shop: TEST_SHOP } })).toBe(1);
  });

  it("the loader shows channel status and the theme embed deep link", async () => {
    const res = await call(settings.loader, await adminRequest("/app/settings"));
    expect(res.status).toBe(200);
    expect(res.json.channels.email).toMatchObject({ ready: false, configured: false });
    expect(JSON.stringify(res.json)).not.toMatch(/businessPhone/);
    expect(res.json.embed.themeEditorUrl).toContain("themes/current/editor");
    expect(res.json.settings.retentionDays).toBe(5);
    expect(res.json.settings.holdout.percent).toBe(5); // a new install measures its lift from the start
  });
});
