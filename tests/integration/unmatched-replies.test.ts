// Nothing a shopper writes is lost, on SQLite and PostgreSQL: a reply that matches no checkout is kept once, listed
// for staff, linked to a checkout (then the usual reply path: conversation, Negotiating, a staff alert, audited) or
// dismissed (audited), and erased with the customer on customers/redact.
import { beforeEach, describe, expect, it } from "vitest";
import { OutboxStaffNotifier } from "../../app/channels/outbox.server";
import { db } from "../../app/db.server";
import { redactCustomer } from "../../app/models/compliance.server";
import { recordInboundReply } from "../../app/models/replies.server";
import { linkReplyFromInbox } from "../../app/recovery/inbound-replies.server";
import * as replies from "../../app/routes/app.replies";
import { adminRequest, call } from "../helpers/admin";
import { seedAdminCheckout } from "../helpers/admin-seed";
import { OTHER_SHOP, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { T0 } from "../helpers/time";

const reply = (from: string, body: string, id: string, channel: "email" | "whatsapp" = "email", shop = TEST_SHOP) =>
  recordInboundReply({ shop, channel, from, body, providerMessageId: id, now: T0 }, new OutboxStaffNotifier());

beforeEach(async () => {
  await resetDatabase();
  await seedShop();
  await seedShop(OTHER_SHOP);
  await seedOfflineSession();
});

describe("unmatched replies", () => {
  it("keeps a reply no checkout matches, once, and lists it for this shop only", async () => {
    expect(await reply("Stranger@Example.com", "Is the blue one back in stock?", "in-1")).toMatchObject({ outcome: "no_checkout" });
    expect(await reply("Stranger@Example.com", "Is the blue one back in stock?", "in-1")).toMatchObject({ outcome: "duplicate" });
    await reply("+1 555 010 9999", "hola", "wa-1", "whatsapp");
    await reply("other@example.com", "elsewhere", "in-2", "email", OTHER_SHOP);
    const kept = await db.unmatchedReply.findMany({ where: { shop: TEST_SHOP }, orderBy: { channel: "asc" } });
    expect(kept.map((r) => [r.channel, r.sender, r.status])).toEqual([
      ["email", "stranger@example.com", "open"],
      ["whatsapp", "+15550109999", "open"],
    ]);
    const page = await call(replies.loader, await adminRequest("/app/replies"));
    expect(page.status).toBe(200);
    expect(page.json.rows.map((r: { body: string }) => r.body).sort()).toEqual(["Is the blue one back in stock?", "hola"]);
  });

  it("links a reply to the checkout a person picks: the usual reply path, audited; a second decision is refused", async () => {
    const c = await seedAdminCheckout({ email: "ada.lovelace@example.com", firstName: "Ada", stage: "contacted" });
    await reply("ada.work@example.com", "Can I pay by invoice?", "in-9");
    const kept = await db.unmatchedReply.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    // The page proposes checkouts from what it knows (the search finds Ada by name).
    const page = await call(replies.loader, await adminRequest("/app/replies?q=Ada"));
    expect(page.json.rows[0].candidates.map((x: { id: string }) => x.id)).toContain(c.id);
    const res = await call(replies.action, await adminRequest("/app/replies", { form: { intent: "link", id: kept.id, checkoutId: c.id } }));
    expect(res.json).toMatchObject({ ok: true, outcome: "recorded" });
    const after = await db.checkout.findUniqueOrThrow({ where: { id: c.id }, include: { conversations: true } });
    expect(after.stage).toBe("negotiating");
    expect(after.handoff).toBe(true);
    expect(after.conversations.map((e) => [e.direction, e.body])).toEqual([["inbound", "Can I pay by invoice?"]]);
    expect(await db.unmatchedReply.findUniqueOrThrow({ where: { id: kept.id } })).toMatchObject({ status: "linked", checkoutId: c.id });
    expect(await db.auditLog.count({ where: { action: "reply_linked", checkoutId: c.id } })).toBe(1);
    expect((await call(replies.action, await adminRequest("/app/replies", { form: { intent: "dismiss", id: kept.id } }))).status).toBe(409);
    expect((await call(replies.loader, await adminRequest("/app/replies"))).json.rows).toEqual([]);
  });

  it("dismisses (audited); refuses another shop's checkout; customers/redact erases what the customer wrote", async () => {
    await reply("gone@example.com", "please stop writing to me", "in-3");
    await reply("+15550101111", "hi", "wa-3", "whatsapp");
    const [a, b] = await db.unmatchedReply.findMany({ where: { shop: TEST_SHOP }, orderBy: { channel: "asc" } });
    const elsewhere = await seedAdminCheckout({ shop: OTHER_SHOP, firstName: "X" });
    await expect(linkReplyFromInbox({ shop: TEST_SHOP, id: b.id, checkoutId: elsewhere.id, actor: "staff:t", now: T0 })).rejects.toThrow(/no such checkout/);
    const res = await call(replies.action, await adminRequest("/app/replies", { form: { intent: "dismiss", id: a.id } }));
    expect(res.json).toMatchObject({ ok: true, outcome: "dismissed" });
    expect(await db.auditLog.count({ where: { action: "reply_dismissed", toValue: a.id } })).toBe(1);
    await redactCustomer({
      shop: TEST_SHOP,
      eventId: "ev-r",
      topic: "customers/redact",
      ref: { customerId: null, email: "GONE@example.com", phone: "+1 555 010 1111", orderIds: [] },
      now: T0,
    });
    expect(await db.unmatchedReply.count({ where: { shop: TEST_SHOP } })).toBe(0);
  });
});
