// Issue 15, items 5 and 6, on a real SQLite file and a real PostgreSQL server: a cart of thousands of line items is
// stored and sent as a bounded summary (email over real HTTP to the SendGrid stand-in); same-second updates keep the
// contact data they add, true repeats change nothing; two devices' checkouts of one shopper created in the same
// second yield one sequence; a GET on any webhook route answers 405.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmailSender } from "../../app/channels/email.server";
import { OutboxChannel, OutboxStaffNotifier } from "../../app/channels/outbox.server";
import { buildPushPayload } from "../../app/channels/push.server";
import type { OutboundMessage } from "../../app/channels/types";
import { whatsappProductName } from "../../app/channels/whatsapp.server";
import { db } from "../../app/db.server";
import { linkSigningKey } from "../../app/lib/crypto.server";
import { STORED_LINE_ITEMS } from "../../app/lib/line-items";
import { runTick } from "../../app/recovery/engine.server";
import * as checkoutsCreate from "../../app/routes/webhooks.checkouts.create";
import * as checkoutsUpdate from "../../app/routes/webhooks.checkouts.update";
import { APP_URL, TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedShop } from "../helpers/db";
import { makeOutbox, tick } from "../helpers/engine";
import { checkoutPayload } from "../helpers/factories";
import { startSendGridStandIn, type SendGridStandIn } from "../helpers/standins/sendgrid";
import { T0, at } from "../helpers/time";
import { callAction, signedWebhook } from "../helpers/webhooks";

const NO_QUIET = { quietHours: { enabled: false, start: "21:00", end: "08:00", timezone: null } };

let sg: SendGridStandIn;
beforeAll(async () => {
  sg = await startSendGridStandIn("SG.bounded-key");
});
afterAll(async () => {
  await sg.close();
});
beforeEach(async () => {
  await resetDatabase();
  await seedShop(TEST_SHOP, NO_QUIET as never);
  sg.captured.length = 0;
  sg.queue.length = 0;
});

const stored = (token: string) => db.checkout.findUniqueOrThrow({ where: { shop_token: { shop: TEST_SHOP, token } } });

describe("a checkout with thousands of line items", () => {
  it("stores the first items and the true count, and the email lists a few and says how many more", async () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({ title: `Bolt ${i}`, quantity: 1, price: "0.01" }));
    const payload = checkoutPayload({ createdAt: T0, items });
    const res = await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload));
    expect(res.status).toBe(200);
    const c = await stored(payload.token);
    expect(JSON.parse(c.lineItems)).toHaveLength(STORED_LINE_ITEMS);
    expect(c.lineItemCount).toBe(3000n); // 64-bit columns read back as bigint through Prisma
    expect(c.subtotalMinor).toBe(3000n); // the whole cart's, not the stored items'
    expect(c.lineItems.length).toBeLessThan(20_000);

    const env = { ...process.env, SENDGRID_API_KEY: sg.apiKey, SENDGRID_FROM_EMAIL: "hello@test-shop.example" };
    const email = createEmailSender({
      apiKey: sg.apiKey,
      baseUrl: sg.url,
      defaultFromEmail: env.SENDGRID_FROM_EMAIL,
      appUrl: APP_URL,
      linkKey: linkSigningKey(),
      env,
    });
    const result = await runTick({
      now: at(80),
      owner: "bounded",
      channels: { email, push: new OutboxChannel("push"), whatsapp: new OutboxChannel("whatsapp") },
      staffNotifier: new OutboxStaffNotifier(),
      purge: false,
    });
    expect(result.sent.email).toBe(1);
    const body = sg.captured[0].body;
    const html = body.content.find((p: { type: string }) => p.type === "text/html")!.value as string;
    const text = body.content.find((p: { type: string }) => p.type === "text/plain")!.value as string;
    expect(html).toContain("Bolt 4");
    expect(html).not.toContain("Bolt 5<");
    expect(html).toContain("and 2995 more items");
    expect(text).toContain("and 2995 more items");
    expect(html.length).toBeLessThan(20_000);
  });

  it("push and WhatsApp see the true count through the engine's view", async () => {
    const items = Array.from({ length: 1200 }, (_, i) => ({ title: `Pin ${i}`, quantity: 2, price: "0.01" }));
    const payload = checkoutPayload({ createdAt: T0, items });
    expect((await callAction(checkoutsCreate, signedWebhook("checkouts/create", payload))).status).toBe(200);
    const seen: OutboundMessage[] = [];
    const outbox = makeOutbox({ answer: async (m) => (seen.push(m), { kind: "sent", providerId: null }) });
    await tick(outbox, at(80), { purge: false });
    expect(seen).toHaveLength(1);
    expect(seen[0].checkout.lineItems).toHaveLength(STORED_LINE_ITEMS);
    expect(seen[0].checkout.lineItemCount).toBe(2400);
    // What push and WhatsApp say of it (app/channels/push.server.ts, whatsapp.server.ts).
    expect(buildPushPayload({ ...seen[0], channel: "push" }, "https://example.com/r/x").body).toContain("Pin 0 and 2399 more items");
    expect(whatsappProductName(seen[0])).toBe("Pin 0 and 2349 more");
  });
});

describe("same-second updates and same-second checkouts", () => {
  it("an update with the same updated_at second that adds an email is applied; a true repeat changes nothing", async () => {
    const base = checkoutPayload({ createdAt: T0, updatedAt: at(1), email: null, customerId: null });
    expect((await callAction(checkoutsCreate, signedWebhook("checkouts/create", base))).json.outcome).toBe("created");
    const withEmail = { ...base, email: "late@example.com" };
    const res = await callAction(checkoutsUpdate, signedWebhook("checkouts/update", withEmail));
    expect(res.json.outcome).toBe("updated");
    const c = await stored(base.token);
    expect(c).toMatchObject({ email: "late@example.com", customerKey: "email:late@example.com" });
    // The same content again under a new event id: stale, nothing changes.
    const again = await callAction(checkoutsUpdate, signedWebhook("checkouts/update", withEmail));
    expect(again.json.outcome).toBe("stale");
    // An earlier-looking delivery of the same second without the email does not take it away.
    const without = await callAction(checkoutsUpdate, signedWebhook("checkouts/update", base));
    expect(without.json.outcome).toBe("stale");
    const after = await stored(base.token);
    expect(after.email).toBe("late@example.com");
    expect(after.updatedAt.getTime()).toBe(c.updatedAt.getTime());
    // And the shopper is reached.
    const outbox = makeOutbox();
    await tick(outbox, at(90), { purge: false });
    expect(outbox.channels.email.entries.map((e) => e.recipient)).toEqual(["late@example.com"]);
  });

  it("two devices' checkouts of one shopper created in the same second yield one sequence", async () => {
    const a = checkoutPayload({ createdAt: T0, email: "twin@example.com" });
    const b = checkoutPayload({ createdAt: T0, email: "twin@example.com" });
    for (const p of [a, b]) expect((await callAction(checkoutsCreate, signedWebhook("checkouts/create", p))).status).toBe(200);
    const outbox = makeOutbox();
    await tick(outbox, at(80), { purge: false });
    await tick(outbox, at(81), { purge: false });
    expect(outbox.channels.email.count).toBe(1);
    const [ca, cb] = await Promise.all([stored(a.token), stored(b.token)]);
    const stoppedOne = [ca, cb].filter((c) => c.stopReason === "duplicate_checkout");
    expect(stoppedOne).toHaveLength(1);
    // The later id carries the sequence, whichever batch or order they were worked in.
    const carrier = ca.id > cb.id ? ca : cb;
    expect(outbox.channels.email.entries[0].checkoutId).toBe(carrier.id);
  });
});

describe("a GET on a webhook route", () => {
  const routes = readdirSync(path.resolve(__dirname, "../../app/routes")).filter((f) => f.startsWith("webhooks.") && f !== "webhooks.whatsapp.tsx");
  it.each(routes)("%s answers 405 with Allow: POST", async (file) => {
    const mod = (await import(`../../app/routes/${file}`)) as {
      loader?: (a: { request: Request; params: object; context: object }) => Response | Promise<Response>;
    };
    expect(mod.loader).toBeTypeOf("function");
    const res = await mod.loader!({ request: new Request(`${APP_URL}/${file.replace(/\.tsx$/, "").replace(/\./g, "/")}`), params: {}, context: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});
