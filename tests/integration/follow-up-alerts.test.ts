// A follow-up that falls due alerts the team once, on SQLite and PostgreSQL: the owner named, the detail page linked,
// a ledger row shown as "Staff alert: follow-up due"; never twice, even from two ticks at once; again when the
// follow-up is moved to a later time; never for an ordered or closed card.
import { beforeEach, describe, expect, it } from "vitest";
import { OutboxStaffNotifier } from "../../app/channels/outbox.server";
import { db } from "../../app/db.server";
import { ledgerStepLabel } from "../../app/lib/message-kinds";
import { alertDueFollowUps, followUpStepId } from "../../app/models/follow-up-alerts.server";
import { seedAdminCheckout } from "../helpers/admin-seed";
import { resetDatabase, seedShop } from "../helpers/db";
import { T0, addHours } from "../helpers/time";

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
});

describe("follow-up alerts", () => {
  it("alerts a due follow-up once, naming its owner, and again after it is moved later", async () => {
    const c = await seedAdminCheckout({
      firstName: "Ada",
      owner: "Grace",
      followUpAt: addHours(T0, 1),
      followUpNote: "call back about sizes",
      stage: "negotiating",
    });
    await seedAdminCheckout({ firstName: "Later", followUpAt: addHours(T0, 5) });
    await seedAdminCheckout({ firstName: "Ordered", followUpAt: addHours(T0, 1), completedAt: T0, status: "completed" });
    await seedAdminCheckout({ firstName: "Closed", followUpAt: addHours(T0, 1), stage: "lost" });
    const notifier = new OutboxStaffNotifier();
    const run = (h: number) => alertDueFollowUps({ now: addHours(T0, h), notifier, apiKey: "api-key" });
    expect(await run(0.5)).toEqual({ alerted: 0, failed: 0 }); // not due yet
    expect(await run(1.5)).toEqual({ alerted: 1, failed: 0 });
    expect(notifier.alerts).toHaveLength(1);
    expect(notifier.alerts[0]).toMatchObject({ checkoutId: c.id, reason: "follow_up" });
    expect(notifier.alerts[0].summary).toContain("owner Grace");
    expect(notifier.alerts[0].summary).toContain("call back about sizes");
    expect(notifier.alerts[0].adminUrl).toContain(`/app/checkouts/${c.id}`);
    expect(await run(2)).toEqual({ alerted: 0, failed: 0 }); // once
    const row = await db.message.findFirstOrThrow({ where: { checkoutId: c.id, channel: "staff_alert" } });
    expect(row).toMatchObject({ stepId: followUpStepId(addHours(T0, 1)), status: "sent" });
    expect(ledgerStepLabel(row, {})).toBe("Staff alert: follow-up due");
    // Moved to tomorrow: alerted again when that comes.
    await db.checkout.update({ where: { id: c.id }, data: { followUpAt: addHours(T0, 24) } });
    expect(await run(3)).toMatchObject({ alerted: 0 });
    expect(await run(24.5)).toMatchObject({ alerted: 2 }); // Ada's new one, and "Later" (due at +5 h)
    expect(notifier.alerts.filter((a) => a.checkoutId === c.id)).toHaveLength(2);
  });

  it("two ticks at once alert a follow-up once", async () => {
    for (let i = 0; i < 6; i++) await seedAdminCheckout({ firstName: `P${i}`, followUpAt: addHours(T0, 1) });
    const notifier = new OutboxStaffNotifier();
    const results = await Promise.all([0, 1, 2].map(() => alertDueFollowUps({ now: addHours(T0, 2), notifier, apiKey: undefined })));
    expect(results.reduce((n, r) => n + r.alerted, 0)).toBe(6);
    expect(new Set(notifier.alerts.map((a) => a.checkoutId)).size).toBe(6);
    expect(notifier.alerts).toHaveLength(6);
    expect(await db.message.count({ where: { channel: "staff_alert" } })).toBe(6);
  });
});
