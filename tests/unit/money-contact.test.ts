import { describe, expect, it } from "vitest";
import { currencyExponent, formatMoney, toMinorUnits } from "../../app/lib/money";
import { customerKeyOf, normalizeEmail, normalizePhone } from "../../app/lib/contact";

describe("money", () => {
  it("parses decimal strings exactly into minor units per currency", () => {
    expect(toMinorUnits("12.34", "USD")).toBe(1234);
    expect(toMinorUnits("0.10", "USD")).toBe(10);
    expect(toMinorUnits("19.995", "USD")).toBe(2000); // rounds half up beyond precision
    expect(toMinorUnits("1500", "JPY")).toBe(1500);
    expect(toMinorUnits("1.234", "KWD")).toBe(1234);
    expect(toMinorUnits(59, "EUR")).toBe(5900);
    expect(toMinorUnits("-3.50", "USD")).toBe(-350);
  });
  it("refuses what is not a decimal", () => {
    expect(toMinorUnits("12,34", "USD")).toBeNull();
    expect(toMinorUnits("abc", "USD")).toBeNull();
    expect(toMinorUnits("", "USD")).toBeNull();
    expect(toMinorUnits(null, "USD")).toBeNull();
  });
  it("knows currency exponents and formats with Intl", () => {
    expect(currencyExponent("USD")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(1500, "JPY", "en-US")).toBe("¥1,500");
    expect(formatMoney(995, "EUR", "de-DE")).toBe("9,95\u00a0€"); // Intl puts a no-break space
  });
});

describe("contacts", () => {
  it("normalizes emails and phones and keys a shopper across devices", () => {
    expect(normalizeEmail("  Ada@Example.COM ")).toBe("ada@example.com");
    expect(normalizeEmail("not-an-email")).toBeNull();
    expect(normalizePhone("+1 (555) 010-2030")).toBe("+15550102030");
    expect(normalizePhone("12")).toBeNull();
    expect(customerKeyOf("A@b.co", "+15550102030")).toBe("email:a@b.co");
    expect(customerKeyOf(null, "+1 555 010 2030")).toBe("phone:+15550102030");
    expect(customerKeyOf(null, null)).toBeNull();
  });
});
