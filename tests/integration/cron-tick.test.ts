// POST /cron/tick: bearer secret in constant time, 401/503, JSON summary, and `now` only in test or demo mode.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { bearerMatches } from "../../app/routes/cron.tick";
import * as cronTick from "../../app/routes/cron.tick";
import { APP_URL, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { seedDueCheckouts } from "../helpers/engine";
import { addDays } from "../helpers/time";
import { callAction } from "../helpers/webhooks";

const DUE = new Date("2026-11-20T12:00:00Z");
const saved = { ...process.env };

function post(auth: string | null, body?: unknown) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (auth !== null) headers.Authorization = auth;
  return new Request(`${APP_URL}/cron/tick`, { method: "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

beforeEach(async () => {
  process.env.CRON_SECRET = "s3cret-for-tests";
  process.env.CHANNELS_MODE = "outbox";
  await resetDatabase();
  await seedShop(TEST_SHOP, { quietHours: { enabled: false, start: "21:00", end: "08:00", timezone: null } } as never);
});

afterEach(() => {
  process.env = { ...saved };
});

describe("POST /cron/tick", () => {
  it("refuses a wrong or missing secret with 401", async () => {
    expect((await callAction(cronTick, post("Bearer wrong"))).status).toBe(401);
    expect((await callAction(cronTick, post(null))).status).toBe(401);
    expect((await callAction(cronTick, post("s3cret-for-tests"))).status).toBe(401); // not a bearer header
    expect((await callAction(cronTick, post("Bearer s3cret-for-tests-and-more"))).status).toBe(401);
  });

  it("is disabled with 503 and a reason when CRON_SECRET is not set", async () => {
    delete process.env.CRON_SECRET;
    const res = await callAction(cronTick, post("Bearer anything"));
    expect(res.status).toBe(503);
    expect(String(res.json.error)).toContain("CRON_SECRET");
  });

  it("runs a tick and answers what it did", async () => {
    await seedDueCheckouts({ count: 5, dueAt: DUE, prefix: "cron" });
    const res = await callAction(cronTick, post("Bearer s3cret-for-tests", { now: DUE.toISOString() }));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ claimed: 5, sent: { email: 5, push: 0, whatsapp: 0 }, skipped: { no_address: 5 }, failed: 0, stillDue: 0 });
    expect(await db.message.count({ where: { status: "sent" } })).toBe(5);
  });

  it("closes expired, unused one-time codes on the same schedule", async () => {
    const common = { shop: TEST_SHOP, source: "automatic", kind: "percentage", percentOff: 10, startsAt: new Date("2026-11-18T00:00:00Z") };
    await db.incentive.create({ data: { ...common, slot: "s3", code: "BACK-EXPIRED01", status: "active", endsAt: new Date("2026-11-20T11:00:00Z") } });
    await db.incentive.create({ data: { ...common, slot: "s3b", code: "BACK-STILLGOOD", status: "active", endsAt: new Date("2026-11-21T11:00:00Z") } });
    const res = await callAction(cronTick, post("Bearer s3cret-for-tests", { now: DUE.toISOString() }));
    expect(res.status).toBe(200);
    expect(res.json.incentivesExpired).toBe(1);
    expect((await db.incentive.findFirstOrThrow({ where: { code: "BACK-EXPIRED01" } })).status).toBe("expired");
    expect((await db.incentive.findFirstOrThrow({ where: { code: "BACK-STILLGOOD" } })).status).toBe("active");
  });

  it("deletes push subscriptions idle for 90 days, at most once an hour", async () => {
    const now = new Date("2027-06-01T12:00:00Z");
    const daysAgo = (d: number) => addDays(now, -d);
    const sub = (endpoint: string, updatedAt: Date, lastSuccessAt: Date | null) =>
      db.pushSubscription.create({ data: { shop: TEST_SHOP, endpoint, p256dh: "k", auth: "a", updatedAt, lastSuccessAt } });
    await sub("https://fcm.googleapis.com/fcm/send/idle", daysAgo(120), null);
    await sub("https://fcm.googleapis.com/fcm/send/used", daysAgo(120), daysAgo(10)); // delivered to recently
    await sub("https://fcm.googleapis.com/fcm/send/fresh", daysAgo(5), null);
    const res = await callAction(cronTick, post("Bearer s3cret-for-tests", { now: now.toISOString() }));
    expect(res.json.pushSubscriptionsPruned).toBe(1);
    const left = (await db.pushSubscription.findMany({ select: { endpoint: true } })).map((s) => s.endpoint.split("/").pop()).sort();
    expect(left).toEqual(["fresh", "used"]);
    // Within the hour: not scanned again.
    await sub("https://fcm.googleapis.com/fcm/send/idle2", daysAgo(200), null);
    const again = await callAction(cronTick, post("Bearer s3cret-for-tests", { now: new Date(now.getTime() + 600_000).toISOString() }));
    expect(again.json.pushSubscriptionsPruned).toBe(0);
    const later = await callAction(cronTick, post("Bearer s3cret-for-tests", { now: new Date(now.getTime() + 3_700_000).toISOString() }));
    expect(later.json.pushSubscriptionsPruned).toBe(1);
  });

  it("accepts `now` only in test or demo mode", async () => {
    process.env.NODE_ENV = "production";
    delete process.env.DEMO_MODE;
    const res = await callAction(cronTick, post("Bearer s3cret-for-tests", { now: DUE.toISOString() }));
    expect(res.status).toBe(400);
    expect(String(res.json.error)).toContain("now");
    process.env.DEMO_MODE = "1";
    expect((await callAction(cronTick, post("Bearer s3cret-for-tests", { now: DUE.toISOString() }))).status).toBe(200);
  });

  it("rejects a malformed body with 400", async () => {
    const res = await callAction(
      cronTick,
      new Request(`${APP_URL}/cron/tick`, { method: "POST", headers: { Authorization: "Bearer s3cret-for-tests" }, body: "{nope" }),
    );
    expect(res.status).toBe(400);
  });

  it("compares the bearer token exactly", () => {
    expect(bearerMatches("Bearer abc", "abc")).toBe(true);
    expect(bearerMatches("bearer  abc ", "abc")).toBe(true);
    expect(bearerMatches("Bearer abd", "abc")).toBe(false);
    expect(bearerMatches("Bearer ", "")).toBe(false);
    expect(bearerMatches(null, "abc")).toBe(false);
  });
});
