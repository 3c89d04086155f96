// Default settings deliver the default cadence (issue 14, item 5): with the settings a new shop gets, unchanged, a
// shopper reachable by email, push and WhatsApp gets every step on time. The frequency cap counts reminders (one per
// step), still protects a shopper who leaves several checkouts, and what it trims is recorded as trimmed.
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { forgetShopCache } from "../../app/models/shops.server";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import type { TickResult } from "../../app/recovery/types";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase } from "../helpers/db";
import { makeOutbox, runUntil, tick, type Outbox } from "../helpers/engine";
import { checkoutPayload } from "../helpers/factories";
import { MINUTE_MS, T0, minutesFrom } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

const MIN = MINUTE_MS;

/**
 * The shop as a real install leaves it once its profile is loaded: its domain and the time zone Shopify reports
 * (shop.ianaTimezone); no settings stored, so every setting is the default.
 */
async function installedShop(settings?: Record<string, unknown>) {
  await db.shop.create({ data: { domain: TEST_SHOP, timezone: "America/New_York", ...(settings ? { settings: JSON.stringify(settings) } : {}) } });
  forgetShopCache(TEST_SHOP);
}

/** A shopper reachable on all three channels: email, phone with SMS consent, and a push subscription on the cart. */
async function reachableCheckout(createdAt: Date, email = "ada@example.com") {
  const payload = checkoutPayload({ createdAt, email, phone: "+1 555 010 2030", acceptsSms: true });
  const res = await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload));
  expect(res.status).toBe(200);
  await db.pushSubscription.create({
    data: { shop: TEST_SHOP, endpoint: `https://push.example.net/sub/${payload.token}`, p256dh: "k", auth: "a", cartToken: payload.cart_token },
  });
  return db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token: payload.token } } });
}

async function rowsOf(checkoutId: string) {
  const rows = await db.message.findMany({ where: { checkoutId }, orderBy: [{ createdAt: "asc" }, { channel: "asc" }] });
  return rows.map((m) => ({ step: m.stepId, channel: m.channel, status: m.status, reason: m.skipReason, at: m.sentAt ?? m.createdAt }));
}

/** Tick at every due moment up to `end`, keeping each tick's result. */
async function tickUntil(outbox: Outbox, end: Date): Promise<TickResult[]> {
  const results: TickResult[] = [];
  for (let i = 0; i < 200; i++) {
    const next = await db.checkout.findFirst({ where: { nextDueAt: { not: null, lte: end } }, orderBy: { nextDueAt: "asc" }, select: { nextDueAt: true } });
    if (!next?.nextDueAt) break;
    results.push(await tick(outbox, next.nextDueAt));
  }
  return results;
}

beforeEach(async () => {
  await resetDatabase();
});

describe("the default settings, unchanged", () => {
  it("send every step of the default cadence on time to a shopper on email, push and WhatsApp", async () => {
    await installedShop();
    // Created 16:10 in New York (21:10 UTC), abandoned after the 20-minute quiet period at 16:30: every step of the
    // cadence then falls outside the default quiet hours (21:00-08:00 in the shop's time zone).
    const created = new Date("2026-11-20T21:10:00Z");
    const abandoned = new Date(created.getTime() + 20 * MIN);
    const c = await reachableCheckout(created);
    expect(c.abandonedAt?.toISOString()).toBe(abandoned.toISOString());
    const outbox = makeOutbox();
    const results = await tickUntil(outbox, new Date(abandoned.getTime() + 49 * 60 * MIN));

    const rows = await rowsOf(c.id);
    const got = rows.map((r) => `${r.step}:${r.channel}:${r.status}@${(r.at.getTime() - abandoned.getTime()) / MIN / 60}h`);
    expect(got).toEqual([
      "s1:email:sent@1h",
      "s1:push:sent@1h",
      "s2:whatsapp:sent@1.5h",
      "s3:email:sent@4h",
      "s3:push:sent@4h",
      "s4:email:sent@24h",
      "s4:push:sent@24h",
      "s5:email:sent@40h",
      "s5:push:sent@40h",
    ]);
    expect(outbox.channels.email.count).toBe(4);
    expect(outbox.channels.push.count).toBe(4);
    expect(outbox.channels.whatsapp.count).toBe(1);
    expect(results.reduce((n, r) => n + r.trimmedSteps, 0)).toBe(0);
    expect(results.some((r) => r.skipped.frequency_cap)).toBe(false);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ stage: "lost", stopReason: "window_passed" });
  });

  it("still protect a shopper who leaves a second checkout: the steps over the cap are trimmed and recorded", async () => {
    // The default cap and cadence; quiet hours off only so that the second checkout's steps are not moved.
    await installedShop({ quietHours: { enabled: false } });
    const t0 = T0;
    const at = minutesFrom(t0);
    const first = await reachableCheckout(t0);
    const outbox = makeOutbox();
    await runUntil(outbox, at(300)); // the first checkout's 1 h, 1.5 h and 4 h steps: three reminders
    const second = await reachableCheckout(at(300)); // same shopper, abandoned at +320 min
    const results = await tickUntil(outbox, at(3 * 24 * 60));

    const rows = await rowsOf(second.id);
    const status = (step: string) => [...new Set(rows.filter((r) => r.step === step).map((r) => (r.status === "skipped" ? r.reason : r.status)))];
    expect(status("s1")).toEqual(["sent"]); // the 4th reminder in 24 hours
    expect(status("s2")).toEqual(["frequency_cap"]); // a 5th: trimmed, its one channel recorded
    expect(status("s3")).toEqual(["frequency_cap"]); // trimmed on both channels
    expect(rows.filter((r) => r.step === "s3").map((r) => r.channel)).toEqual(["email", "push"]);
    expect(status("s4")).toEqual(["sent"]); // the first checkout's reminders are more than 24 hours old by then
    expect(status("s5")).toEqual(["sent"]);
    expect(results.reduce((n, r) => n + r.trimmedSteps, 0)).toBe(2);
    expect(results.reduce((n, r) => n + (r.skipped.frequency_cap ?? 0), 0)).toBe(3);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({ stopReason: "duplicate_checkout" });
  });
});

describe("a cap tighter than the cadence", () => {
  it("records the step it trims as trimmed on every channel, counts it in the tick, and sends the rest", async () => {
    // Stored before Settings refused such caps: the engine still honours it, and says what it cut.
    await installedShop({ quietHours: { enabled: false }, frequencyCap: { maxMessages: 3, perHours: 24 } });
    const t0 = T0;
    const c = await reachableCheckout(t0);
    const abandoned = c.abandonedAt!;
    const outbox = makeOutbox();
    const results = await tickUntil(outbox, new Date(t0.getTime() + 3 * 24 * 60 * MIN));

    const rows = await rowsOf(c.id);
    const s4 = rows.filter((r) => r.step === "s4");
    expect(s4.map((r) => `${r.channel}:${r.status}:${r.reason}`)).toEqual(["email:skipped:frequency_cap", "push:skipped:frequency_cap"]);
    expect(s4[0].at.getTime() - abandoned.getTime()).toBe(24 * 60 * MIN); // recorded when it was due, not delayed
    const s4Tick = results.find((r) => r.trimmedSteps > 0);
    expect(s4Tick).toMatchObject({ trimmedSteps: 1, skipped: { frequency_cap: 2 } });
    expect(results.reduce((n, r) => n + r.trimmedSteps, 0)).toBe(1);
    expect(rows.filter((r) => r.status === "sent").map((r) => `${r.step}:${r.channel}`)).toEqual([
      "s1:email",
      "s1:push",
      "s2:whatsapp",
      "s3:email",
      "s3:push",
      "s5:email",
      "s5:push",
    ]);
  });
});
