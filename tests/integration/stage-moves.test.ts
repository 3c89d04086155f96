// Stage moves mean what they say (issue 14, item 6), through the admin routes with signed requests, on SQLite and
// PostgreSQL: Lost or Recovered by hand ends automation; Lost back to Contacted says first whether reminders resume and
// does that; a call or WhatsApp sent by hand from a card moves it to Contacted and is logged as a shopper message.
import { beforeEach, describe, expect, it } from "vitest";
import type { Prisma } from "@prisma/client";
import { db } from "../../app/db.server";
import { formatShopTime } from "../../app/lib/stage-moves";
import { forgetShopCache } from "../../app/models/shops.server";
import * as pipeline from "../../app/routes/app.pipeline";
import * as detail from "../../app/routes/app.checkouts.$id";
import * as logs from "../../app/routes/app.logs";
import { adminRequest, call } from "../helpers/admin";
import { overviewAt } from "../helpers/overview";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession } from "../helpers/db";
import { makeOutbox, tick } from "../helpers/engine";
import { addHours, addMinutes, hoursFrom } from "../helpers/time";

const TZ = "America/New_York";
const NOW = new Date();
const hoursAgo = (h: number) => addHours(NOW, -h);
const hoursFromNow = hoursFrom(NOW);
let seq = 0;

/** A checkout in the middle of its sequence: step 1 sent, step 2 due (or as `data` says). */
async function checkout(data: Partial<Prisma.CheckoutUncheckedCreateInput> = {}) {
  seq += 1;
  return db.checkout.create({
    data: {
      shop: TEST_SHOP,
      token: `tok-move-${seq}-${Math.random().toString(36).slice(2, 8)}`,
      email: `mover${seq}@example.com`,
      phone: "+15550100000",
      smsConsent: true,
      customerKey: `email:mover${seq}@example.com`,
      firstName: "Ada",
      lineItems: JSON.stringify([{ title: "Linen Shirt", quantity: 1, priceMinor: 5000 }]),
      lineItemCount: 1,
      totalMinor: 5000,
      subtotalMinor: 5000,
      shopifyCreatedAt: hoursAgo(2.5),
      shopifyUpdatedAt: hoursAgo(2.5),
      abandonedAt: hoursAgo(2),
      status: "abandoned",
      stage: "contacted",
      nextStepIndex: 2,
      nextDueAt: hoursFromNow(2), // s3 at +4 h
      ...data,
    },
  });
}

const move = async (checkoutId: string, to: string) => call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "move", checkoutId, to } }));

beforeEach(async () => {
  await resetDatabase();
  // The shop as installed with its profile loaded (time zone from Shopify); quiet hours off so that the stated times
  // below do not depend on the hour the suite runs.
  await db.shop.create({ data: { domain: TEST_SHOP, timezone: TZ, settings: JSON.stringify({ quietHours: { enabled: false } }) } });
  forgetShopCache(TEST_SHOP);
  await seedOfflineSession();
});

describe("moved to Lost or Recovered by hand", () => {
  for (const [to, reason] of [
    ["lost", "manual_lost"],
    ["recovered", "manual_recovered"],
  ] as const) {
    it(`${to}: automation ends (recorded, audited), queued messages are skipped, and the engine sends nothing more`, async () => {
      const c = await checkout();
      const queued = await db.message.create({
        data: {
          shop: TEST_SHOP,
          checkoutId: c.id,
          stepId: "s2",
          stepIndex: 1,
          channel: "whatsapp",
          status: "pending",
          attempts: 1,
          nextAttemptAt: hoursFromNow(0.1),
          createdAt: hoursAgo(0.5),
        },
      });
      const alert = await db.message.create({
        data: { shop: TEST_SHOP, checkoutId: c.id, stepId: "handoff", stepIndex: -1, channel: "staff_alert", status: "pending", createdAt: hoursAgo(0.5) },
      });
      const res = await move(c.id, to);
      expect(res).toMatchObject({ status: 200, json: { ok: true } });

      const after = await db.checkout.findUniqueOrThrow({ where: { id: c.id } });
      expect(after).toMatchObject({ stage: to, status: "stopped", stopReason: reason, nextDueAt: null, leaseOwner: null });
      expect(await db.message.findUniqueOrThrow({ where: { id: queued.id } })).toMatchObject({ status: "skipped", skipReason: reason });
      expect((await db.message.findUniqueOrThrow({ where: { id: alert.id } })).status).toBe("pending"); // the staff's own alert is not the shopper's
      const audits = await db.auditLog.findMany({ where: { checkoutId: c.id }, orderBy: { createdAt: "asc" } });
      expect(audits.map((a) => `${a.action}:${a.toValue}`).sort()).toEqual([`automation_stopped:${reason}`, `stage_change:${to}`]);
      expect(audits.every((a) => a.actor.startsWith("staff:"))).toBe(true);

      const outbox = makeOutbox();
      const r = await tick(outbox, hoursFromNow(5));
      expect(r.claimed).toBe(0);
      expect(outbox.channels.email.count + outbox.channels.push.count + outbox.channels.whatsapp.count).toBe(0);
    });
  }

  it("a card moved to Lost before moves stopped automation gets no more reminders either", async () => {
    const c = await checkout({ stage: "lost", nextDueAt: hoursAgo(0.1) }); // still scheduled, as such cards were left
    const outbox = makeOutbox();
    const r = await tick(outbox, NOW);
    expect(r.skipped.manual_lost).toBe(1);
    expect(outbox.channels.email.count).toBe(0);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({
      status: "stopped",
      stopReason: "manual_lost",
      nextDueAt: null,
      stage: "lost",
    });
  });
});

describe("Lost back to Contacted", () => {
  it("inside the window: the card and the detail page say when reminders resume, and the move schedules exactly that", async () => {
    const c = await checkout();
    expect((await move(c.id, "lost")).status).toBe(200);
    const expected = addMinutes(c.abandonedAt!, 240); // s3 ("Second attempt") at +4 h, still ahead
    const text = `Reminders resume at step 3 (Second attempt) at ${formatShopTime(expected, TZ)}.`;
    expect(text).toMatch(/ (EST|EDT)\.$/); // in the shop's time zone

    const board = await call(pipeline.loader, await adminRequest("/app/pipeline"));
    expect(board.json.resume).toEqual({ [c.id]: text });
    const page = await call(detail.loader, await adminRequest(`/app/checkouts/${c.id}`), { id: c.id });
    expect(page.json.resumeNote).toBe(text);

    expect((await move(c.id, "contacted")).status).toBe(200);
    const after = await db.checkout.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toMatchObject({ stage: "contacted", status: "abandoned", stopReason: null, nextStepIndex: 2 });
    expect(after.nextDueAt?.toISOString()).toBe(expected.toISOString());
    const outbox = makeOutbox();
    await tick(outbox, expected);
    expect(outbox.channels.email.count).toBe(1);
    expect(await db.message.count({ where: { checkoutId: c.id, stepId: "s3", status: "sent" } })).toBe(1);
    const timeline = (await call(detail.loader, await adminRequest(`/app/checkouts/${c.id}`), { id: c.id })).json.timeline as Array<{ title: string }>;
    expect(timeline.map((e) => e.title)).toEqual(
      expect.arrayContaining(["Automatic reminders stopped (moved to Lost by hand)", "Automatic reminders resumed"]),
    );
  });

  it("after the window: the card says no more reminders, and none are scheduled", async () => {
    const c = await checkout({
      abandonedAt: hoursAgo(50),
      shopifyCreatedAt: hoursAgo(51),
      stage: "lost",
      status: "expired",
      stopReason: "window_passed",
      nextStepIndex: 5,
      nextDueAt: null,
    });
    const text = "The 48-hour window has ended; no more automatic reminders.";
    expect((await call(pipeline.loader, await adminRequest("/app/pipeline"))).json.resume).toEqual({ [c.id]: text });
    expect((await call(detail.loader, await adminRequest(`/app/checkouts/${c.id}`), { id: c.id })).json.resumeNote).toBe(text);
    expect((await move(c.id, "contacted")).status).toBe(200);
    expect(await db.checkout.findUniqueOrThrow({ where: { id: c.id } })).toMatchObject({ stage: "contacted", status: "expired", nextDueAt: null });
    expect(await db.auditLog.count({ where: { checkoutId: c.id, action: "automation_not_resumed", toValue: "window_ended" } })).toBe(1);
  });
});

describe("a call or WhatsApp sent by hand from a card", () => {
  it("moves the card to Contacted and is logged as a shopper message (ledger, logs page, Overview), not as a reminder", async () => {
    const wa = await checkout({ stage: "abandoned" });
    const res = await call(
      pipeline.action,
      await adminRequest("/app/pipeline", { form: { intent: "whatsapp", checkoutId: wa.id, template: "reminder", body: "Hi Ada, your shirt is waiting" } }),
    );
    expect(res.status).toBe(200);
    const phoned = await checkout({ stage: "abandoned" });
    expect((await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "call", checkoutId: phoned.id } }))).status).toBe(200);
    // A second message by hand on the same card is a second ledger row.
    expect((await call(pipeline.action, await adminRequest("/app/pipeline", { form: { intent: "call", checkoutId: wa.id } }))).status).toBe(200);

    for (const id of [wa.id, phoned.id]) {
      expect((await db.checkout.findUniqueOrThrow({ where: { id } })).stage).toBe("contacted");
      expect(await db.auditLog.count({ where: { checkoutId: id, action: "stage_change", toValue: "contacted" } })).toBe(1);
    }
    const rows = await db.message.findMany({ where: { checkoutId: { in: [wa.id, phoned.id] } }, orderBy: { stepId: "asc" } });
    expect(rows.map((m) => `${m.checkoutId === wa.id ? "wa" : "ph"}:${m.channel}:${m.stepId}:${m.status}`).sort()).toEqual([
      "ph:manual_call:manual:1:sent",
      "wa:manual_call:manual:2:sent",
      "wa:manual_whatsapp:manual:1:sent",
    ]);
    expect(rows.find((m) => m.channel === "manual_whatsapp")).toMatchObject({ recipient: "+15550100000", bodyText: "Hi Ada, your shirt is waiting" });

    const list = await call(logs.loader, await adminRequest("/app/logs"));
    expect(list.json.rows.map((r: { step: string; channelLabel: string }) => `${r.step} / ${r.channelLabel}`).sort()).toEqual([
      "Sent by hand / Call (by hand)",
      "Sent by hand / Call (by hand)",
      "Sent by hand / WhatsApp (sent by hand)",
    ]);
    const m = await overviewAt(hoursFromNow(0.1), 7);
    expect(m.dims.step).toEqual([expect.objectContaining({ key: "manual", sent: 3 })]);
    expect((m.dims.channel ?? []).map((r) => `${r.key}:${r.sent}`).sort()).toEqual(["manual_call:2", "manual_whatsapp:1"]);

    // Not a reminder: the frequency cap does not count it (a 1-a-day cap still lets the next step out).
    await db.shop.update({
      where: { domain: TEST_SHOP },
      data: { settings: JSON.stringify({ quietHours: { enabled: false }, frequencyCap: { maxMessages: 1, perHours: 24 } }) },
    });
    const outbox = makeOutbox();
    await tick(outbox, hoursFromNow(2.1));
    expect(outbox.channels.email.count).toBe(2); // s3 for both cards
  });

  it("from Lost it resumes reminders as the card said", async () => {
    const c = await checkout();
    await move(c.id, "lost");
    const res = await call(
      pipeline.action,
      await adminRequest("/app/pipeline", { form: { intent: "whatsapp", checkoutId: c.id, template: "reminder", body: "Still interested?" } }),
    );
    expect(res.status).toBe(200);
    const after = await db.checkout.findUniqueOrThrow({ where: { id: c.id } });
    expect(after).toMatchObject({ stage: "contacted", status: "abandoned", nextStepIndex: 2 });
    expect(after.nextDueAt?.toISOString()).toBe(addMinutes(c.abandonedAt!, 240).toISOString());
  });
});
