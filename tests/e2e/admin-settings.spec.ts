// Settings in Chromium: inline validation errors with nothing saved, then a valid save; channel and embed status.
import { test, expect, openAdmin } from "./fixtures";

test("invalid settings show inline errors and save nothing; valid settings save", async ({ page, db }) => {
  const shop = process.env.E2E_SHOP!;
  const before = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
  // Other specs share this shop: put its settings back afterwards.
  test.info().attach("settings-before.json", { body: before.settings, contentType: "application/json" });
  try {
    const res = await openAdmin(page, "/app/settings");
    expect(res?.status()).toBe(200);
    await expect(page.locator("#channel-status")).toContainText("Email");
    await expect(page.locator("#embed-deep-link")).toHaveAttribute("href", /themes\/current\/editor\?context=apps&activateAppId=/);

    await page.locator("#handoff-alert-email").fill("not-an-email");
    await page.locator("#step-1-offset").fill("5");
    await page.locator("#quiet-timezone").fill("Mars/Olympus");
    await page.locator("#holdout-percent").fill("60");
    await page.locator("#settings-save-bottom").click();
    await expect(page.locator("#settings-errors")).toBeVisible();
    await expect(page.getByText("not an email address")).toBeVisible();
    await expect(page.getByText("unknown time zone")).toBeVisible();
    await expect(page.getByText(/less than or equal to 50|at most 50|<=50/).first()).toBeVisible();
    await expect(page.getByText(/at least 15 minutes|must come after the previous step/).first()).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("settings-invalid.png"), fullPage: true });
    const unchanged = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(unchanged.settings).toBe(before.settings);
    expect(unchanged.settingsVersion).toBe(before.settingsVersion);

    await page.locator("#handoff-alert-email").fill("team@example.com");
    await page.locator("#step-1-offset").fill("90");
    await page.locator("#quiet-timezone").fill("Europe/Paris");
    await page.locator("#holdout-percent").fill("10");
    await page.locator("#settings-save-bottom").click();
    await expect(page.locator("#settings-saved")).toBeVisible();
    const saved = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(saved.settingsVersion).toBe(before.settingsVersion + 1);
    expect(JSON.parse(saved.settings)).toMatchObject({
      handoff: { staffAlertEmail: "team@example.com" },
      quietHours: { timezone: "Europe/Paris" },
      holdout: { percent: 10 },
    });
    await page.screenshot({ path: test.info().outputPath("settings-saved.png"), fullPage: true });
  } finally {
    await db.shop.update({ where: { domain: shop }, data: { settings: before.settings } });
  }
});
