// Needs a person, on SQLite and PostgreSQL, with genuinely signed session tokens: the queue holds handed-off checkouts
// still open (no order, not Recovered or Lost, this shop only), most urgent first and the longest waiting first within
// a priority; its filters; "Assign to me" (audited); known staff recorded from the session token.
import { beforeEach, describe, expect, it } from "vitest";
import type { Prisma } from "@prisma/client";
import { db } from "../../app/db.server";
import { forgetStaffSeen } from "../../app/models/staff-members.server";
import * as queue from "../../app/routes/app.queue";
import { adminRequest, call } from "../helpers/admin";
import { seedAdminCheckout } from "../helpers/admin-seed";
import { OTHER_SHOP, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { addHours } from "../helpers/time";

const NOW = new Date();
const hoursAgo = (h: number) => addHours(NOW, -h);
const handed = (firstName: string, data: Partial<Prisma.CheckoutUncheckedCreateInput> = {}) =>
  seedAdminCheckout({ firstName, handoff: true, handoffReason: "high_value", handedOffAt: hoursAgo(2), priority: "high", ...data }, { now: NOW });
const reply = (checkoutId: string, classification: string, channel: string, hours: number) =>
  db.conversationEntry.create({ data: { shop: TEST_SHOP, checkoutId, channel, direction: "inbound", body: "…", classification, createdAt: hoursAgo(hours) } });

async function names(path: string): Promise<string[]> {
  const res = await call(queue.loader, await adminRequest(path));
  expect(res.status).toBe(200);
  return (res.json.rows as Array<{ name: string }>).map((r) => r.name.split(" ")[0]);
}

beforeEach(async () => {
  await resetDatabase();
  forgetStaffSeen();
  await seedShop();
  await seedShop(OTHER_SHOP);
  await seedOfflineSession();
});

describe("needs a person", () => {
  it("orders the open handoffs by priority, then by waiting time, and leaves the rest out", async () => {
    await handed("HighOld", { handedOffAt: hoursAgo(10) });
    await handed("HighNew", { handedOffAt: hoursAgo(1) });
    await handed("Urgent", { priority: "urgent", handedOffAt: hoursAgo(0.5), handoffReason: "failed_payment" });
    await handed("Low", { priority: "low", handedOffAt: hoursAgo(30) });
    await handed("Legacy", { handedOffAt: null, stageChangedAt: hoursAgo(20), priority: "medium" }); // handed off before the column
    await handed("Ordered", { completedAt: hoursAgo(1), status: "completed" });
    await handed("Won", { stage: "recovered" });
    await handed("Lost", { stage: "lost" });
    await seedAdminCheckout({ firstName: "NotHanded" }, { now: NOW });
    await seedAdminCheckout({ shop: OTHER_SHOP, firstName: "Elsewhere", handoff: true, handedOffAt: hoursAgo(50) }, { now: NOW });
    const res = await call(queue.loader, await adminRequest("/app/queue"));
    expect(res.json.total).toBe(5);
    expect(res.json.rows.map((r: { name: string }) => r.name.split(" ")[0])).toEqual(["Urgent", "HighOld", "HighNew", "Legacy", "Low"]);
    const urgent = res.json.rows[0];
    expect(urgent).toMatchObject({ reasons: ["failed_payment"], priority: "urgent", owner: null });
    expect(urgent.waitingMinutes).toBeGreaterThanOrEqual(29);
    expect(urgent.waitingMinutes).toBeLessThan(32);
  });

  it("filters by reason, owner (me, nobody, a name), follow-up due, reply topic and channel, priority", async () => {
    const a = await handed("Ada", { handoffReason: "high_value,returning_customer", owner: "Grace", followUpAt: hoursAgo(1) });
    const b = await handed("Bob", { handoffReason: "reply", followUpAt: hoursAgo(-5) });
    await handed("Cy", { handoffReason: "failed_payment", priority: "urgent" });
    await reply(b.id, "shipping", "whatsapp", 1);
    await reply(a.id, "payment", "email", 3);
    await reply(a.id, "discount", "email", 1); // the latest reply decides the topic
    expect(await names("/app/queue?reason=returning_customer")).toEqual(["Ada"]);
    expect(await names("/app/queue?reason=reply")).toEqual(["Bob"]);
    expect(await names("/app/queue?owner=Grace")).toEqual(["Ada"]);
    expect((await names("/app/queue?owner=unassigned")).sort()).toEqual(["Bob", "Cy"]);
    expect(await names("/app/queue?due=1")).toEqual(["Ada"]);
    expect(await names("/app/queue?topic=discount")).toEqual(["Ada"]);
    expect(await names("/app/queue?topic=payment")).toEqual([]);
    expect(await names("/app/queue?channel=whatsapp")).toEqual(["Bob"]);
    expect(await names("/app/queue?priority=urgent")).toEqual(["Cy"]);
    expect(await names("/app/queue?reason=nonsense&priority=purple")).toHaveLength(3); // unknown values filter nothing
  });

  it("assigns to me (audited), lists me among the staff, and 'assigned to me' finds it", async () => {
    const c = await handed("Ada");
    const page = await call(queue.loader, await adminRequest("/app/queue"));
    const me = page.json.me as string;
    expect(me).toBeTruthy();
    expect(page.json.staff).toEqual([me]); // recorded from the session token
    const res = await call(queue.action, await adminRequest("/app/queue", { form: { intent: "assign", checkoutId: c.id, owner: me } }));
    expect(res.status).toBe(200);
    expect((await db.checkout.findUniqueOrThrow({ where: { id: c.id } })).owner).toBe(me);
    expect(await db.auditLog.count({ where: { checkoutId: c.id, action: "owner_change", toValue: me } })).toBe(1);
    expect(await names("/app/queue?owner=me")).toEqual(["Ada"]);
    const other = await seedAdminCheckout({ shop: OTHER_SHOP, firstName: "Elsewhere", handoff: true }, { now: NOW });
    const refused = await call(queue.action, await adminRequest("/app/queue", { form: { intent: "assign", checkoutId: other.id, owner: me } }));
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect((await db.checkout.findUniqueOrThrow({ where: { id: other.id } })).owner).toBeNull();
  });
});
