// Checkout detail in Chromium: the timeline, cart, customer history; add a note and assign an owner.
import { test, expect, openAdmin } from "./fixtures";
import { seedCheckout, uniqueTag } from "./admin-helpers";

test("checkout detail shows the timeline and cart, and takes a note and an owner", async ({ page, db }) => {
  const tag = uniqueTag("Det");
  const h = (n: number) => new Date(Date.now() - n * 3600_000);
  const c = await seedCheckout(db, { firstName: tag, customerId: `cust-${tag}`, stage: "contacted" });
  await seedCheckout(db, { firstName: tag, customerId: `cust-${tag}`, shopifyCreatedAt: h(24 * 8), shopifyUpdatedAt: h(24 * 8), abandonedAt: h(24 * 8) });
  await db.message.create({
    data: {
      shop: process.env.E2E_SHOP!,
      checkoutId: c.id,
      stepId: "s1",
      stepIndex: 0,
      channel: "email",
      status: "opened",
      sentAt: h(3),
      deliveredAt: h(3),
      openedAt: h(2),
    },
  });
  await db.conversationEntry.create({
    data: { shop: process.env.E2E_SHOP!, checkoutId: c.id, channel: "whatsapp", direction: "inbound", body: "Does it come in blue?", createdAt: h(1.5) },
  });
  await db.auditLog.create({
    data: {
      shop: process.env.E2E_SHOP!,
      checkoutId: c.id,
      actor: "system:engine",
      action: "stage_change",
      fromValue: "abandoned",
      toValue: "contacted",
      createdAt: h(3),
    },
  });

  const res = await openAdmin(page, `/app/checkouts/${c.id}`);
  expect(res?.status()).toBe(200);
  const timeline = page.locator("#timeline");
  await expect(timeline).toContainText("Checkout created");
  await expect(timeline).toContainText("Sent: First reminder · email");
  await expect(timeline).toContainText("Opened: First reminder · email");
  await expect(timeline).toContainText("Does it come in blue?");
  await expect(timeline).toContainText("Moved from Abandoned to Contacted");
  await expect(timeline).toContainText("Recovery engine");
  await expect(page.locator("#cart-items")).toContainText("Linen Shirt");
  await expect(page.locator("#customer-history")).toContainText("Checkout");

  await page.locator("#note-body").fill("Customer wants blue, checking stock");
  await page.locator("#note-add").click();
  await expect(timeline).toContainText("Customer wants blue, checking stock");
  await page.locator("#owner-name").fill("Jane");
  await page.locator("#owner-save").click();
  await expect(page.locator("#owner-current")).toContainText("Jane");
  await expect(timeline).toContainText("Assigned to Jane");
  expect((await db.checkout.findUniqueOrThrow({ where: { id: c.id } })).owner).toBe("Jane");
  expect(await db.checkoutNote.count({ where: { checkoutId: c.id } })).toBe(1);
  await page.screenshot({ path: test.info().outputPath("checkout-detail.png"), fullPage: true });
});

test("another shop's checkout is not found", async ({ page, db }) => {
  await db.shop.upsert({ where: { domain: "other-shop.myshopify.com" }, create: { domain: "other-shop.myshopify.com" }, update: {} });
  const theirs = await db.checkout.create({
    data: { shop: "other-shop.myshopify.com", token: uniqueTag("other"), shopifyCreatedAt: new Date(), shopifyUpdatedAt: new Date(), firstName: "Secret" },
  });
  const res = await openAdmin(page, `/app/checkouts/${theirs.id}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByText("Secret")).toHaveCount(0);
});
