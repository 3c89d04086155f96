// The demo's story is a pure function of the seed, and even a small one plays every part.
import { describe, expect, it } from "vitest";
import { OptionsError, parseOptions } from "../../demo/options";
import { signAppProxyQuery, webhookHmac } from "../../demo/signing";
import { createStory } from "../../demo/story";
import "@shopify/shopify-api/adapters/node";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { getHmac } from "@shopify/shopify-api/test-helpers";

describe("demo story", () => {
  it("is the same for the same seed and different for another", () => {
    expect(createStory(40, "alpha")).toEqual(createStory(40, "alpha"));
    expect(createStory(40, "alpha")).not.toEqual(createStory(40, "beta"));
  });

  it("gives eight shoppers every kind of plan, new and returning, small and large carts, consent or not, push or not", () => {
    const s = createStory(8, "checkout-recovery");
    expect(new Set(s.map((x) => x.plan.kind))).toEqual(
      new Set(["buys_before_reminder", "buys_after_email", "buys_after_push", "replies_whatsapp", "replies_email", "gone"]),
    );
    expect(s.some((x) => x.returning) && s.some((x) => !x.returning)).toBe(true);
    expect(s.some((x) => x.highValue) && s.some((x) => !x.highValue)).toBe(true);
    expect(s.some((x) => x.emailConsent) && s.some((x) => !x.emailConsent)).toBe(true);
    expect(s.some((x) => x.push) && s.some((x) => !x.push)).toBe(true);
    expect(s.filter((x) => x.plan.kind === "replies_whatsapp").every((x) => x.phone && x.smsConsent)).toBe(true);
    expect(new Set(s.map((x) => x.token)).size).toBe(8);
  });
});

describe("demo options", () => {
  it("reads the documented flags", () => {
    expect(parseOptions(["--shoppers", "12", "--seed=x", "--speed", "4", "--no-serve", "--port", "4000"])).toMatchObject({
      shoppers: 12,
      seed: "x",
      speed: 4,
      serve: false,
      port: 4000,
    });
    expect(parseOptions([])).toMatchObject({ shoppers: 40, speed: 2, serve: true, port: null });
  });
  it("refuses unknown flags and out-of-range numbers", () => {
    expect(() => parseOptions(["--shopers", "3"])).toThrow(OptionsError);
    expect(() => parseOptions(["--shoppers", "0"])).toThrow(/1 to 500/);
    expect(() => parseOptions(["--speed", "x"])).toThrow(OptionsError);
  });
});

describe("demo signatures", () => {
  it("signs webhooks like Shopify (base64 HMAC-SHA256 of the raw body)", () => {
    expect(webhookHmac('{"a":1}', "secret")).toBe(getHmac('{"a":1}', "secret"));
  });
  it("signs app proxy queries the way Shopify's own validator checks them", async () => {
    const api = shopifyApi({
      apiKey: "k",
      apiSecretKey: "secret",
      hostName: "127.0.0.1",
      apiVersion: ApiVersion.October25,
      isEmbeddedApp: true,
      logger: { level: 0 },
    });
    const params = { shop: "s.myshopify.com", timestamp: String(Math.floor(Date.now() / 1000)), path_prefix: "/apps/x", logged_in_customer_id: "42" };
    const q = signAppProxyQuery(params, "secret");
    expect(await api.utils.validateHmac(Object.fromEntries(q), { signator: "appProxy" })).toBe(true);
    const forged = signAppProxyQuery({ ...params, logged_in_customer_id: "43" }, "other");
    expect(await api.utils.validateHmac(Object.fromEntries(forged), { signator: "appProxy" })).toBe(false);
  });
});
