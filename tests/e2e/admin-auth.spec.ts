import { test, expect, openAdmin } from "./fixtures";

test("an embedded admin page renders for a genuine session token, with this shop's data", async ({ page, db }) => {
  await db.checkout.create({
    data: {
      shop: process.env.E2E_SHOP!,
      token: `e2e-auth-${Date.now()}`,
      shopifyCreatedAt: new Date(),
      shopifyUpdatedAt: new Date(),
      email: "e2e@example.com",
    },
  });
  const res = await openAdmin(page, "/app");
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Overview" }).first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("overview.png"), fullPage: true });
});

test("the same page refuses a token signed with another secret", async ({ page }) => {
  const url = new URL("/app", process.env.E2E_BASE_URL);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", process.env.E2E_SHOP!);
  url.searchParams.set("id_token", "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.forged");
  await page.route("https://cdn.shopify.com/**", (route) => route.abort());
  await page.goto(url.toString());
  // Not the app: authenticate.admin sends the browser to log in again.
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Overview" })).toHaveCount(0);
  expect(new URL(page.url()).pathname).toBe("/auth/login");
});

test("the production server's answers carry the security headers, and a webhook route refuses GET", async ({ page }) => {
  const res = await openAdmin(page, "/app");
  const headers = res!.headers();
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["cache-control"]).toBe("no-store");
  expect(headers["content-security-policy"]).toContain(`frame-ancestors https://${process.env.E2E_SHOP}`);
  const get = await page.request.get(new URL("/webhooks/orders/create", process.env.E2E_BASE_URL).toString());
  expect(get.status()).toBe(405);
  expect(get.headers()["x-content-type-options"]).toBe("nosniff");
});
