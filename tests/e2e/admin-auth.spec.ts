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

test("a webhook body refused for its size is answered 413 and drained, so the next request on the same connection is answered", async () => {
  const { default: http } = await import("node:http");
  const base = new URL(process.env.E2E_BASE_URL!);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  const send = (path: string, body: Buffer | null) =>
    new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          path,
          method: body ? "POST" : "GET",
          agent,
          headers: body ? { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } : {},
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
        },
      );
      req.on("socket", (s) => sockets.add(s));
      req.on("error", reject);
      if (body) req.write(body);
      req.end();
    });
  // Chunked (no Content-Length), 2 MiB, larger than WEBHOOK_MAX_BYTES: the route stops reading at the limit.
  const big = await send("/webhooks/checkouts/create", Buffer.alloc(2 * 1024 * 1024, 0x20));
  expect(big).toEqual({ status: 413, connection: "keep-alive" });
  const next = await send("/auth/login", null);
  expect(next.status).toBe(200);
  expect(sockets.size).toBe(1); // the same keep-alive connection served both
  agent.destroy();
});
