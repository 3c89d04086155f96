// The Incentives page in Chromium: change values, save, see them persisted (in the page after a reload and in the
// database); an invalid value shows an inline error at its field and nothing is saved.
import { e2eDb, expect, openAdmin, test } from "./fixtures";

const shop = () => process.env.E2E_SHOP!;

// Specs share the database: put the shop's settings back as they were.
let original: string | null = null;
test.beforeAll(async () => {
  original = (await e2eDb().shop.findUniqueOrThrow({ where: { domain: shop() } })).settings;
});
test.afterAll(async () => {
  if (original !== null) await e2eDb().shop.update({ where: { domain: shop() }, data: { settings: original } });
});

test("change the incentive, save, and find it saved after a reload", async ({ page, db }) => {
  const res = await openAdmin(page, "/app/incentives");
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Incentives" }).first()).toBeVisible();
  await expect(page.getByText("Codes issued")).toBeVisible();
  await expect(page.getByLabel("Step that carries it")).toHaveValue("s3"); // the 4 h step by default

  await page.getByLabel("Send an incentive").check();
  await page.getByLabel("Percent off").fill("15");
  await page.getByLabel("Expires after (hours)").fill("36");
  await page.getByLabel("Code prefix").fill("e2e");
  await page.getByLabel("Not on carts that already use a discount code").uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Incentive settings saved")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("incentives-saved.png"), fullPage: true });

  await expect
    .poll(async () => JSON.parse((await db.shop.findUniqueOrThrow({ where: { domain: shop() } })).settings).incentive)
    .toMatchObject({ enabled: true, percentOff: 15, expiryHours: 36, codePrefix: "E2E", skipIfCartHasDiscount: false });

  await openAdmin(page, "/app/incentives");
  await expect(page.getByLabel("Send an incentive")).toBeChecked();
  await expect(page.getByLabel("Percent off")).toHaveValue("15");
  await expect(page.getByLabel("Expires after (hours)")).toHaveValue("36");
  await expect(page.getByLabel("Code prefix")).toHaveValue("E2E");
  await expect(page.getByLabel("Not on carts that already use a discount code")).not.toBeChecked();
});

test("an invalid value shows an inline error and saves nothing", async ({ page, db }) => {
  const before = (await db.shop.findUniqueOrThrow({ where: { domain: shop() } })).settings;
  await openAdmin(page, "/app/incentives");
  await page.getByLabel("Percent off").fill("95");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Nothing was saved: fix the fields marked below")).toBeVisible();
  // Polaris ties the error to its field (aria-describedby -> InlineError).
  const field = page.getByLabel("Percent off");
  await expect(field).toHaveAttribute("aria-invalid", "true");
  const errorId = (await field.getAttribute("aria-describedby"))!.split(" ").find((id) => id.endsWith("Error"))!;
  await expect(page.locator(`[id="${errorId}"]`)).toContainText("90");
  await page.screenshot({ path: test.info().outputPath("incentives-invalid.png"), fullPage: true });
  expect((await db.shop.findUniqueOrThrow({ where: { domain: shop() } })).settings).toBe(before);
});
