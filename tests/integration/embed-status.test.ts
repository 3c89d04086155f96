// getEmbedStatus against a local stand-in for the Admin GraphQL API, with the shop's offline session from storage.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sessionStorage } from "../../app/shopify.server";
import { getEmbedStatus } from "../../app/storefront/embed-status.server";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";

const BLOCK = "shopify://apps/checkout-recovery/blocks/push-prompt/0d7c8f4e-1111-2222-3333-444455556666";
const settingsText = (disabled: boolean) =>
  `/*\n * auto-generated\n */\n${JSON.stringify({ current: { blocks: { "1700000000": { type: BLOCK, disabled, settings: { delay_seconds: 5 } } } } })}`;

type Answer = { status: number; body: unknown };
let answer: Answer;
const seen: Array<{ path: string; token: string | undefined; operationName: string; query: string }> = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      if (req.url === "/files/settings_data.json") {
        res.writeHead(200, { "Content-Type": "application/json" }).end(settingsText(false));
        return;
      }
      const body = JSON.parse(raw || "{}");
      seen.push({
        path: req.url ?? "",
        token: req.headers["x-shopify-access-token"] as string | undefined,
        operationName: body.operationName,
        query: body.query,
      });
      res.writeHead(answer.status, { "Content-Type": "application/json" }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.env.SHOPIFY_ADMIN_API_BASE_URL = base;
});

afterAll(async () => {
  delete process.env.SHOPIFY_ADMIN_API_BASE_URL;
  await new Promise((r) => server.close(r));
});

beforeEach(async () => {
  seen.length = 0;
  await resetDatabase();
  await seedShop();
  sessionStorage.forgetShop(TEST_SHOP); // the session cache remembers a miss for 30 s
});

function themeWith(body: Record<string, string>) {
  return {
    status: 200,
    body: {
      data: {
        themes: { nodes: [{ id: "gid://shopify/OnlineStoreTheme/1", name: "Dawn", files: { nodes: [{ filename: "config/settings_data.json", body }] } }] },
      },
    },
  };
}

describe("getEmbedStatus", () => {
  it("is unknown without an offline session, and asks nothing", async () => {
    const s = await getEmbedStatus(TEST_SHOP);
    expect(s.active).toBeNull();
    expect(s.reason).toMatch(/no access token/);
    expect(s.themeEditorUrl).toContain("/store/test-shop/themes/current/editor?context=apps&activateAppId=");
    expect(seen).toHaveLength(0);
  });

  it("reads the main theme's settings_data.json with the offline token: on", async () => {
    await seedOfflineSession(TEST_SHOP, "read_themes");
    answer = themeWith({ content: settingsText(false) });
    const s = await getEmbedStatus(TEST_SHOP);
    expect(s).toMatchObject({ active: true, themeName: "Dawn" });
    expect(seen[0]).toMatchObject({ path: "/admin/api/2026-10/graphql.json", token: "shpat_test_token", operationName: "MainThemeSettings" });
    expect(seen[0].query).toContain("roles: [MAIN]");
  });

  it("off when the block is disabled; base64 and url bodies are read too", async () => {
    await seedOfflineSession(TEST_SHOP, "read_themes");
    answer = themeWith({ contentBase64: Buffer.from(settingsText(true)).toString("base64") });
    expect(await getEmbedStatus(TEST_SHOP)).toMatchObject({ active: false, reason: expect.stringContaining("off") });
    answer = themeWith({ url: `${base}/files/settings_data.json` });
    expect((await getEmbedStatus(TEST_SHOP)).active).toBe(true);
  });

  it("unknown (with a reason) when the scope is missing, the API errors, or it cannot be reached", async () => {
    await seedOfflineSession(TEST_SHOP, "read_orders");
    answer = { status: 403, body: { errors: "Forbidden" } };
    expect(await getEmbedStatus(TEST_SHOP)).toMatchObject({ active: null, reason: expect.stringContaining("read_themes") });
    answer = { status: 200, body: { errors: [{ message: "Access denied for themes field." }] } };
    expect(await getEmbedStatus(TEST_SHOP)).toMatchObject({ active: null, reason: expect.stringContaining("Access denied") });
    answer = { status: 502, body: {} };
    expect((await getEmbedStatus(TEST_SHOP)).reason).toContain("502");
    const s = await getEmbedStatus(TEST_SHOP, { accessToken: async () => "t", apiVersion: "2026-10", baseUrl: "http://127.0.0.1:1" });
    expect(s).toMatchObject({ active: null, reason: "The Admin API could not be reached" });
  });

  it("false when the shop has no published theme", async () => {
    await seedOfflineSession(TEST_SHOP, "read_themes");
    answer = { status: 200, body: { data: { themes: { nodes: [] } } } };
    expect(await getEmbedStatus(TEST_SHOP)).toMatchObject({ active: false });
  });
});
