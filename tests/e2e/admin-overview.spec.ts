// The Overview page in Chromium: figures with their denominators, the holdout panel, the polaris-viz charts with their
// table fallback, breakdowns, the definitions, and the 7/30/90-day switch.
import { readFile } from "node:fs/promises";
import { test, expect, openAdmin } from "./fixtures";
import { seedCheckout, uniqueTag } from "./admin-helpers";

test("overview shows recovery figures, the holdout comparison, the charts, breakdowns and the definitions", async ({ page, db }) => {
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
  const sent = await db.message.create({
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

  await db.checkout.update({ where: { id: rec.id }, data: { attributedMessageId: sent.id, completedAt: h(20), holdout: false } });
  // Two held-out shoppers: no messages; one ordered anyway.
  await seedCheckout(db, { firstName: `${tag}h1`, abandonedAt: h(40), holdout: true });
  await seedCheckout(db, { firstName: `${tag}h2`, abandonedAt: h(40), holdout: true, completedAt: h(30), status: "completed" });
  // The figures as of now: the first visit after these writes rebuilds them (as the next tick would).
  await db.shop.update({ where: { domain: process.env.E2E_SHOP! }, data: { metricsAsOf: null } });

  const res = await openAdmin(page, "/app?days=7");
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Overview" }).first()).toBeVisible();
  await expect(page.locator("#definitions")).toContainText("within 7 days of the last message");
  await expect(page.locator("#definitions")).toContainText("Staff alerts are internal");
  for (const id of [
    "abandoned",
    "recovered",
    "recovery-rate",
    "revenue",
    "aov-lift",
    "messages",
    "email-open",
    "email-click",
    "push-click",
    "opt-out",
    "discount",
    "staff",
  ]) {
    await expect(page.locator(`#metric-${id}`)).toBeVisible();
  }
  await expect(page.locator("#metric-revenue")).toContainText("$");
  await expect(page.locator("#metric-recovery-rate")).toContainText(" of "); // the denominator beside the rate
  await expect(page.locator("#holdout-panel")).toContainText("Held out (no reminders)");
  await expect(page.locator("#holdout-lift")).toContainText("Not enough data yet");
  // polaris-viz draws in the browser; the table stays for screen readers, and "Show as table" shows it.
  await expect(page.locator("#revenue-chart svg").first()).toBeAttached();
  await expect(page.locator("#trend-chart svg").first()).toBeAttached();
  await expect(page.locator("#revenue-chart-table")).toBeAttached();
  await expect(page.locator("#breakdown-channel")).toContainText("Email");
  await expect(page.locator("#breakdown-step")).toContainText("First reminder");
  await expect(page.locator("#breakdown-segment")).toContainText("Returning customers");
  await expect(page.locator("#breakdown-hours")).toContainText("4-12 h");
  await expect(page.locator("#breakdown-outcome")).toContainText("Recovered");
  await expect(page.locator("#launch-table")).toContainText("Up to recovery 100");
  // The export downloads from the page (a document request carrying the session token), streamed as CSV.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export checkouts (CSV)" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^checkouts-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path())!, "utf8");
  expect(csv).toContain("Outcome");
  expect(csv).toContain(`${tag}r`);
  await page.screenshot({ path: test.info().outputPath("overview-7-days.png"), fullPage: true });

  const abandoned7 = Number((await page.locator("#metric-abandoned").innerText()).replace(/\D/g, ""));
  await page.getByRole("tab", { name: "Last 90 days" }).click();
  await expect(page).toHaveURL(/days=90/);
  await expect.poll(async () => Number((await page.locator("#metric-abandoned").innerText()).replace(/\D/g, ""))).toBeGreaterThan(abandoned7);
  await page.screenshot({ path: test.info().outputPath("overview-90-days.png"), fullPage: true });
});
