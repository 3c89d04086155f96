// Staff alerts are internal (issue 14, item 9), on SQLite and PostgreSQL: a staff alert sent before an order does not
// get the credit; the Overview neither counts nor shows them as a step or channel, nor in its rates; no merchant-
// visible "reply:<id>" or "handoff" step on the Overview, the logs page or the checkout page.
import { beforeEach, describe, expect, it } from "vitest";
import { OutboxStaffNotifier } from "../../app/channels/outbox.server";
import { db } from "../../app/db.server";
import { recordInboundReply } from "../../app/models/replies.server";
import { forgetShopCache } from "../../app/models/shops.server";
import * as overview from "../../app/routes/app._index";
import * as detail from "../../app/routes/app.checkouts.$id";
import * as logs from "../../app/routes/app.logs";
import { adminRequest, call } from "../helpers/admin";
import { overviewAt, row } from "../helpers/overview";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession } from "../helpers/db";
import { makeOutbox, tick } from "../helpers/engine";
import type { CheckoutPayloadOptions } from "../helpers/factories";
import { addHours, minutesFrom } from "../helpers/time";
import { deliverCheckout, deliverOrder } from "../helpers/webhooks";

// Recent enough for the Overview's 7-day period and the logs' 5-day retention, which count from the real clock.
const T0 = addHours(new Date(), -24);
const at = minutesFrom(T0);

const newCheckout = (o: CheckoutPayloadOptions = {}) => deliverCheckout({ createdAt: T0, ...o });
const order = (token: string, when: Date, id: number) => deliverOrder({ checkoutToken: token, createdAt: when, total: "96.00", id });

/** Every string anywhere in a JSON value. */
function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

beforeEach(async () => {
  await resetDatabase();
  await db.shop.create({ data: { domain: TEST_SHOP, settings: JSON.stringify({ quietHours: { enabled: false } }) } });
  forgetShopCache(TEST_SHOP);
  await seedOfflineSession();
});

describe("staff alerts are internal", () => {
  it("an alert sent after the shopper's last message and before the order does not get the credit; the Overview leaves it out", async () => {
    const outbox = makeOutbox();
    // A: the shopper gets the 1 h email, replies (a staff alert "reply:<id>" goes out), then orders.
    // B: a high-value cart with no address to remind: handed to a person (staff alert "handoff"), then ordered. The
    // alert is the only thing ever sent for it, so B is not a recovery.
    const a = await newCheckout({ email: "ada@example.com" });
    const b = await newCheckout({ email: null, customerId: null, items: [{ title: "Sofa", price: "900.00" }] });
    await tick(outbox, at(80));
    expect(await db.message.count({ where: { checkoutId: b.checkout.id, channel: "staff_alert", stepId: "handoff", status: "sent" } })).toBe(1);
    expect(await db.message.count({ where: { checkoutId: b.checkout.id, channel: { not: "staff_alert" }, status: "sent" } })).toBe(0);
    const reply = await recordInboundReply(
      { shop: TEST_SHOP, channel: "email", from: "ada@example.com", body: "Does it come in blue?", providerMessageId: "in-1", now: at(100) },
      new OutboxStaffNotifier(),
    );
    expect(reply.outcome).toBe("recorded");
    const alert = await db.message.findFirstOrThrow({ where: { checkoutId: a.checkout.id, channel: "staff_alert" } });
    expect(alert.stepId).toMatch(/^reply:/);
    expect(alert.status).toBe("sent");
    await order(a.payload.token, at(120), 9001);
    await order(b.payload.token, at(120), 9002);

    const orders = await db.order.findMany({ orderBy: { orderId: "asc" } });
    expect(orders.map((o) => [o.recovered, o.attributedStepId, o.attributedChannel])).toEqual([
      [true, "s1", "email"],
      [false, null, null],
    ]);
    const aAfter = await db.checkout.findUniqueOrThrow({ where: { id: a.checkout.id } });
    const s1 = await db.message.findFirstOrThrow({ where: { checkoutId: a.checkout.id, stepId: "s1", channel: "email" } });
    expect(aAfter.attributedMessageId).toBe(s1.id);
    expect((await db.checkout.findUniqueOrThrow({ where: { id: b.checkout.id } })).recoveredAt).toBeNull();

    const m = await overviewAt(new Date(), 7);
    expect((m.dims.channel ?? []).map((r) => r.key).sort()).toEqual(["email"]);
    expect((m.dims.step ?? []).map((r) => `${r.key}:${r.sent}:${r.recovered}`)).toEqual(["s1:1:1"]);
    expect(row(m, "staff", "all")?.alerts).toBe(2);
    expect(m.totals).toMatchObject({ sent: 1, opened: 0 });
    // One opt-out over the one shopper message sent: the two alerts are not in the denominator.
    await db.message.update({ where: { id: s1.id }, data: { unsubscribedAt: new Date() } });
    expect((await overviewAt(new Date(), 7)).totals).toMatchObject({ optedOut: 1, sent: 1 });

    // The loaders the merchant sees: no "reply:" or "handoff" step anywhere.
    const page = await call(overview.loader, await adminRequest("/app?days=7"));
    expect(page.status).toBe(200);
    const shown = strings(page.json);
    expect(shown.filter((s) => s.includes("reply:") || s === "handoff" || s === "staff_alert")).toEqual([]);
    const list = await call(logs.loader, await adminRequest("/app/logs"));
    const steps = list.json.rows.map((r: { step: string }) => r.step);
    expect(steps.filter((s: string) => s.startsWith("reply:") || s === "handoff")).toEqual([]);
    expect(steps).toEqual(expect.arrayContaining(["Staff alert: the shopper replied", "Staff alert: handed to a person", "First reminder"]));
    for (const id of [a.checkout.id, b.checkout.id]) {
      const d = await call(detail.loader, await adminRequest(`/app/checkouts/${id}`), { id });
      const titles = (d.json.timeline as Array<{ title: string; kind: string }>).map((e) => `${e.kind}|${e.title}`);
      expect(titles.filter((t) => t.includes("reply:") || /\bhandoff\b/.test(t))).toEqual([]);
      expect(titles.some((t) => t.startsWith("staff_alert|Staff alert"))).toBe(true);
    }
  });
});
