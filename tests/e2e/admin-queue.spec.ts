// Needs a person in Chromium: handed-off carts most urgent first with their reasons as badges, a filter, "Assign to me",
// and each row opening the checkout's detail page.
import { test, expect, openAdmin } from "./fixtures";
import { seedCheckout, uniqueTag } from "./admin-helpers";

test("the queue lists handoffs most urgent first, filters by reason, and assigns to me", async ({ page, db }) => {
  const tag = uniqueTag("Q");
  const h = (n: number) => new Date(Date.now() - n * 3600_000);
  await seedCheckout(db, { firstName: `${tag}high`, handoff: true, handoffReason: "high_value", priority: "high", handedOffAt: h(3) });
  const urgent = await seedCheckout(db, { firstName: `${tag}urgent`, handoff: true, handoffReason: "failed_payment", priority: "urgent", handedOffAt: h(1) });
  const res = await openAdmin(page, "/app/queue");
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Needs a person" }).first()).toBeVisible();
  const rows = page.locator("#queue-table tbody tr").filter({ hasText: tag });
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText(`${tag}urgent`);
  await expect(rows.first()).toContainText("Payment problem");
  await expect(rows.nth(1)).toContainText("High-value cart");
  await page.screenshot({ path: test.info().outputPath("queue.png"), fullPage: true });

  await page.locator("#queue-reason").selectOption("failed_payment");
  await expect(page).toHaveURL(/reason=failed_payment/);
  await expect(page.locator("#queue-table tbody tr").filter({ hasText: tag })).toHaveCount(1);

  await rows.first().getByRole("button", { name: "Assign to me" }).click();
  await expect.poll(async () => (await db.checkout.findUniqueOrThrow({ where: { id: urgent.id } })).owner).not.toBeNull();
  await expect(rows.first().getByRole("button", { name: "Assign to me" })).toHaveCount(0);

  await expect(page).toHaveURL(/\/app\/queue/); // assigning does not open the row
  await rows.first().getByText(`${tag}urgent`).click();
  await expect(page).toHaveURL(new RegExp(`/app/checkouts/${urgent.id}`));
});
