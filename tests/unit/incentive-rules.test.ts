import { describe, expect, it } from "vitest";
import { applyUrl, describeIncentive, makeCode, minorToDecimal, parseCodes, randomCodeSuffix, recoveryPath, skipReason } from "../../app/incentives/rules";
import { DEFAULT_SETTINGS } from "../../app/lib/settings";

describe("incentive rules", () => {
  it("codes: prefix, dash, upper case, an unambiguous random part", () => {
    expect(makeCode("BACK", "ABCDEFGH23")).toBe("BACK-ABCDEFGH23");
    expect(makeCode("vip-", "ABCDEFGH23")).toBe("VIP-ABCDEFGH23");
    expect(makeCode("", "ABCDEFGH23")).toBe("ABCDEFGH23");
    const many = new Set(Array.from({ length: 2000 }, () => randomCodeSuffix()));
    expect(many.size).toBe(2000);
    for (const s of many) expect(s).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
  });

  it("Decimal strings from minor units, per currency precision", () => {
    expect(minorToDecimal(750, "USD")).toBe("7.50");
    expect(minorToDecimal(5, "USD")).toBe("0.05");
    expect(minorToDecimal(500, "JPY")).toBe("500");
    expect(minorToDecimal(1500, "KWD")).toBe("1.500");
  });

  it("descriptions and the apply link (recovery key kept, redirect encoded)", () => {
    expect(describeIncentive({ kind: "percentage", percentOff: 10 })).toBe("10% off");
    expect(describeIncentive({ kind: "fixed_amount", amountOffMinor: 500, currency: "EUR" })).toBe("€5.00 off");
    expect(describeIncentive({ kind: "free_shipping" })).toBe("Free shipping");
    expect(recoveryPath("https://shop.example/checkouts/abc/recover?key=k1")).toBe("/checkouts/abc/recover?key=k1");
    expect(recoveryPath(null)).toBe("/cart");
    expect(applyUrl("s.myshopify.com", "BACK-X", "https://s.myshopify.com/checkouts/abc/recover?key=k1")).toBe(
      "https://s.myshopify.com/discount/BACK-X?redirect=%2Fcheckouts%2Fabc%2Frecover%3Fkey%3Dk1",
    );
  });

  it("who qualifies, in order", () => {
    const settings = { ...DEFAULT_SETTINGS.incentive, enabled: true, minCartValueMinor: 1000, minSubtotalMinor: 2000 };
    const checkout = { subtotalMinor: 5000, totalMinor: 5000, discountCodes: [] as string[], status: "abandoned", completedAt: null };
    expect(skipReason({ settings, checkout, recentlyGiven: false })).toBeNull();
    expect(skipReason({ settings: { ...settings, enabled: false }, checkout, recentlyGiven: false })).toBe("disabled");
    expect(skipReason({ settings, checkout: { ...checkout, discountCodes: ["X"] }, recentlyGiven: false })).toBe("cart_has_discount");
    expect(skipReason({ settings, checkout: { ...checkout, totalMinor: 999 }, recentlyGiven: false })).toBe("below_min_cart_value");
    expect(skipReason({ settings, checkout: { ...checkout, subtotalMinor: 1999 }, recentlyGiven: false })).toBe("below_min_subtotal");
    expect(skipReason({ settings, checkout, recentlyGiven: true })).toBe("recently_given_to_customer");
    expect(skipReason({ settings: { ...settings, notTwiceWithinDays: 0 }, checkout, recentlyGiven: true })).toBeNull();
    expect(skipReason({ settings, checkout: { ...checkout, status: "recovered" }, recentlyGiven: false })).toBe("checkout_closed");
    expect(parseCodes('["A", 3, ""]')).toEqual(["A"]);
    expect(parseCodes("nope")).toEqual([]);
  });
});
