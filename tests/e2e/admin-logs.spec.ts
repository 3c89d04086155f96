// Logs in Chromium: messages of the retention window, filters, failure reasons, the sandboxed email preview.
import { test, expect, openAdmin } from "./fixtures";
import { seedCheckout, uniqueTag } from "./admin-helpers";

test("logs list messages with reasons, filter by status, and preview an email in a sandboxed frame", async ({ page, db }) => {
  const tag = uniqueTag("Log");
  const step = tag.toLowerCase().slice(0, 30);
  const c = await seedCheckout(db, { firstName: tag });
  const h = (n: number) => new Date(Date.now() - n * 3600_000);
  const shop = process.env.E2E_SHOP!;
  await db.message.create({
    data: {
      shop,
      checkoutId: c.id,
      stepId: step,
      stepIndex: 0,
      channel: "email",
      status: "delivered",
      sentAt: h(2),
      createdAt: h(2),
      subject: `Your cart ${tag}`,
      bodyHtml: `<h1>Come back ${tag}</h1><script>document.body.innerHTML='pwned'</script>`,
    },
  });
  await db.message.create({
    data: { shop, checkoutId: c.id, stepId: step, stepIndex: 0, channel: "push", status: "failed", lastError: "subscription gone (410)", createdAt: h(2) },
  });
  await db.message.create({
    data: {
      shop,
      checkoutId: c.id,
      stepId: `${step}w`,
      stepIndex: 1,
      channel: "whatsapp",
      status: "skipped",
      skipReason: "no WhatsApp consent",
      createdAt: h(1),
    },
  });
  const old = await seedCheckout(db, { firstName: `${tag}old` });
  await db.message.create({ data: { shop, checkoutId: old.id, stepId: step, stepIndex: 0, channel: "email", status: "sent", createdAt: h(24 * 6) } }); // outside 5 days

  const res = await openAdmin(page, `/app/logs?step=${step}`);
  expect(res?.status()).toBe(200);
  await expect(page.locator("#log-total")).toHaveText("2 messages");
  await expect(page.locator("#log-table")).toContainText("subscription gone (410)");
  await page.locator("#log-status").selectOption("failed");
  await expect(page.locator("#log-total")).toHaveText("1 messages");
  await page.locator("#log-status").selectOption("");
  await expect(page.locator("#log-total")).toHaveText("2 messages");

  await page.getByTestId("log-preview").first().click();
  const frame = page.locator("#email-preview");
  await expect(frame).toHaveAttribute("sandbox", "");
  await expect(page.frameLocator("#email-preview").locator("h1")).toHaveText(`Come back ${tag}`); // the script did not run
  await page.screenshot({ path: test.info().outputPath("logs-preview.png"), fullPage: true });

  await openAdmin(page, `/app/logs?channel=whatsapp&step=${step}w`);
  await expect(page.locator("#log-table")).toContainText("no WhatsApp consent");
  await page.screenshot({ path: test.info().outputPath("logs-skipped.png"), fullPage: true });
});
