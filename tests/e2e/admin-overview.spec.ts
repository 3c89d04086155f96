// The Overview page in Chromium: figures, the chart, breakdowns, the attribution rule, and the 7/30/90-day switch.
import { test, expect, openAdmin } from "./fixtures";
import { seedCheckout, uniqueTag } from "./admin-helpers";

test("overview shows recovery figures, the revenue chart, breakdowns and the attribution rule", async ({ page, db }) => {
  const tag = uniqueTag("Over");
  const h = (n: number) => new Date(Date.now() - n * 3600_000);
  const rec = await seedCheckout(db, {
    firstName: `${tag}r`,
    abandonedAt: h(30),
    recoveredAt: h(20),
    recoveredRevenueMinor: 12345,
    status: "recovered",
    stage: "recovered",
    totalMinor: 12345,
  });
  await seedCheckout(db, { firstName: `${tag}o`, abandonedAt: h(24 * 20) }); // in 30 days, not in 7
  await db.message.create({
    data: {
      shop: process.env.E2E_SHOP!,
      checkoutId: rec.id,
      stepId: "s1",
      stepIndex: 0,
      channel: "email",
      status: "clicked",
      sentAt: h(25),
      createdAt: h(25),
      openedAt: h(24),
      clickedAt: h(24),
    },
  });
  await db.order.create({
    data: {
      shop: process.env.E2E_SHOP!,
      orderId: `${tag}-order`,
      totalMinor: 12345,
      recovered: true,
      attributedStepId: "s1",
      attributedChannel: "email",
      shopifyCreatedAt: h(20),
    },
  });

  const res = await openAdmin(page, "/app?days=7");
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Overview" }).first()).toBeVisible();
  await expect(page.locator("#attribution-rule")).toContainText("within 7 days of the last message");
  for (const id of [
    "abandoned",
    "recovered",
    "recovery-rate",
    "revenue",
    "avg-recovered",
    "email-open",
    "email-click",
    "push-click",
    "discount-use",
    "opt-out",
  ]) {
    await expect(page.locator(`#metric-${id}`)).toBeVisible();
  }
  await expect(page.locator("#metric-revenue")).toContainText("$");
  await expect(page.locator("#revenue-chart rect").first()).toBeAttached();
  await expect(page.locator("#breakdown-channel")).toContainText("Email");
  await expect(page.locator("#breakdown-step")).toContainText("First reminder");
  await expect(page.locator("#breakdown-segment")).toContainText("Returning customers");
  await expect(page.locator("#breakdown-hours")).toContainText("4-12 h");
  await page.screenshot({ path: test.info().outputPath("overview-7-days.png"), fullPage: true });

  const abandoned7 = Number((await page.locator("#metric-abandoned").innerText()).replace(/\D/g, ""));
  await page.getByRole("tab", { name: "Last 90 days" }).click();
  await expect(page).toHaveURL(/days=90/);
  await expect.poll(async () => Number((await page.locator("#metric-abandoned").innerText()).replace(/\D/g, ""))).toBeGreaterThan(abandoned7);
  await page.screenshot({ path: test.info().outputPath("overview-90-days.png"), fullPage: true });
});
