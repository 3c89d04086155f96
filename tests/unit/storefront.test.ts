// Pure parts of the storefront capture: input rules for /subscribe, token normalization, and reading the app embed's
// state out of a theme's settings_data.json.
import { describe, expect, it } from "vitest";
import { normalizeCartToken, normalizeCustomerId, SubscribeBodySchema } from "../../app/lib/push-subscription";
import { embedEnabledInSettingsData } from "../../app/storefront/embed-status.server";

describe("normalizing what the storefront sends", () => {
  it("keeps the bare cart token (webhooks carry no ?key=)", () => {
    expect(normalizeCartToken("Z2NwLXVzLWVhc3QxOjAxSj?key=9f8e7d")).toBe("Z2NwLXVzLWVhc3QxOjAxSj");
    expect(normalizeCartToken("abc")).toBe("abc");
    expect(normalizeCartToken("")).toBeNull();
    expect(normalizeCartToken(null)).toBeNull();
  });

  it("reduces customer ids to the number", () => {
    expect(normalizeCustomerId(123)).toBe("123");
    expect(normalizeCustomerId("gid://shopify/Customer/456")).toBe("456");
    expect(normalizeCustomerId("")).toBeNull();
    expect(normalizeCustomerId("drop table")).toBeNull();
  });

  it("validates the subscribe body", () => {
    const keys = { p256dh: "B".repeat(87), auth: "A".repeat(22) };
    expect(SubscribeBodySchema.safeParse({ type: "subscribe", subscription: { endpoint: "https://fcm.googleapis.com/x", keys } }).success).toBe(true);
    expect(
      SubscribeBodySchema.safeParse({ type: "subscribe", subscription: { endpoint: "https://fcm.googleapis.com/x", keys: { ...keys, auth: "" } } }).success,
    ).toBe(false);
    expect(
      SubscribeBodySchema.safeParse({ type: "subscribe", subscription: { endpoint: `https://fcm.googleapis.com/${"x".repeat(3000)}`, keys } }).success,
    ).toBe(false);
    expect(
      SubscribeBodySchema.safeParse({ type: "subscribe", subscription: { endpoint: "https://fcm.googleapis.com/x", keys }, cartToken: "<script>" }).success,
    ).toBe(false);
    expect(SubscribeBodySchema.safeParse({ type: "unsubscribe", endpoint: "https://fcm.googleapis.com/x" }).success).toBe(true);
  });
});

const BANNER = `/*
 * ------------------------------------------------------------
 * IMPORTANT: The contents of this file are auto-generated.
 * ------------------------------------------------------------
 */
`;

function settingsData(blocks: Record<string, unknown>, asPreset = false) {
  const current = { colors_accent: "#000", blocks };
  return BANNER + JSON.stringify(asPreset ? { current: "Default", presets: { Default: current } } : { current, presets: {} });
}

describe("embedEnabledInSettingsData", () => {
  const ours = "shopify://apps/checkout-recovery/blocks/push-prompt/0d7c8f4e-1111-2222-3333-444455556666";

  it("is on when our block is present and not disabled (comment banner and preset form included)", () => {
    expect(embedEnabledInSettingsData(settingsData({ "123": { type: ours, disabled: false, settings: {} } }))).toBe(true);
    expect(embedEnabledInSettingsData(settingsData({ "123": { type: ours, settings: {} } }, true))).toBe(true);
  });

  it("is off when disabled, absent, another app's block, or unreadable", () => {
    expect(embedEnabledInSettingsData(settingsData({ "123": { type: ours, disabled: true } }))).toBe(false);
    expect(embedEnabledInSettingsData(settingsData({ "9": { type: "shopify://apps/reviews/blocks/stars/abc", disabled: false } }))).toBe(false);
    expect(embedEnabledInSettingsData(settingsData({}))).toBe(false);
    expect(embedEnabledInSettingsData(JSON.stringify({ current: {} }))).toBe(false);
    expect(embedEnabledInSettingsData("not json")).toBe(false);
  });
});
