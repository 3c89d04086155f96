// A card's cart value (app/lib/board.ts cardValue): the merchant's currency as is; another currency labelled with its
// code, never converted, with the shop value beside it only when it is known.
import { describe, expect, it } from "vitest";
import { cardValue } from "../../app/lib/board";

describe("card values", () => {
  it("shows a cart in the shop's currency as a plain figure", () => {
    expect(cardValue({ totalMinor: 9995, currency: "USD", shopTotalMinor: 9995, shopCurrency: "USD" }, "USD")).toBe("$99.95");
    expect(cardValue({ totalMinor: 3600, currency: "JPY", shopTotalMinor: 3600, shopCurrency: "JPY" }, "JPY")).toBe("¥3,600");
  });

  it("labels a cart in the shopper's currency with its code and does not invent a shop value", () => {
    expect(cardValue({ totalMinor: 9995, currency: "EUR", shopTotalMinor: null, shopCurrency: "USD" }, "USD")).toBe("€99.95 (EUR)");
    expect(cardValue({ totalMinor: 37035, currency: "KWD", shopTotalMinor: null, shopCurrency: "USD" }, "USD")).toBe("KWD\u00a037.035");
  });

  it("adds the shop value when it is known in the shop's currency", () => {
    expect(cardValue({ totalMinor: 9995, currency: "EUR", shopTotalMinor: 10840, shopCurrency: "USD" }, "USD")).toBe("€99.95 (EUR) · $108.40");
    // A shop value in a former shop currency is not the merchant's figure now.
    expect(cardValue({ totalMinor: 9995, currency: "EUR", shopTotalMinor: 14000, shopCurrency: "CAD" }, "USD")).toBe("€99.95 (EUR)");
  });
});
