import { describe, expect, it } from "vitest";
import { ADMIN_FRAME_ANCESTORS, NO_FRAME, applySecurityHeaders } from "../../app/lib/security-headers";

const at = (path: string) => new URL(`https://app.example.com${path}`);

describe("applySecurityHeaders", () => {
  it("admin documents: nosniff, no-store, and framed only by the Shopify admin when the library set nothing", () => {
    const h = new Headers();
    applySecurityHeaders(at("/app/pipeline"), h, "document");
    expect(h.get("X-Content-Type-Options")).toBe("nosniff");
    expect(h.get("Cache-Control")).toBe("no-store");
    expect(h.get("Content-Security-Policy")).toBe(ADMIN_FRAME_ANCESTORS);
  });

  it("keeps the shop-specific frame-ancestors the Shopify library set", () => {
    const shopCsp = "frame-ancestors https://shop-1.myshopify.com https://admin.shopify.com;";
    const h = new Headers({ "Content-Security-Policy": shopCsp });
    applySecurityHeaders(at("/app?shop=shop-1.myshopify.com"), h, "document");
    expect(h.get("Content-Security-Policy")).toBe(shopCsp);
  });

  it("public documents (unsubscribe) may not be framed at all, and are not marked no-store", () => {
    const h = new Headers({ "Content-Security-Policy": "default-src 'self'" });
    applySecurityHeaders(at("/u/abc"), h, "document");
    expect(h.get("Content-Security-Policy")).toBe(`default-src 'self'; ${NO_FRAME}`);
    expect(h.get("Cache-Control")).toBeNull();
  });

  it("admin data answers are no-store and nosniff, without a document policy", () => {
    const h = new Headers();
    applySecurityHeaders(at("/app/settings"), h, "data");
    expect(h.get("Cache-Control")).toBe("no-store");
    expect(h.get("X-Content-Type-Options")).toBe("nosniff");
    expect(h.get("Content-Security-Policy")).toBeNull();
  });
});
