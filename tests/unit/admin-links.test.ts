import { describe, expect, it } from "vitest";
import { adminCheckoutUrl, adminStoreName } from "../../app/lib/admin-links";
import { adminCheckoutUrl as replyAlertUrl } from "../../app/models/replies.server";

describe("admin links (staff alerts)", () => {
  it("open the checkout inside the embedded admin, the same from a handoff and from a reply", () => {
    const url = adminCheckoutUrl("demo-outfitters.myshopify.com", "ck_1/2", "api-key");
    expect(url).toBe("https://admin.shopify.com/store/demo-outfitters/apps/api-key/app/checkouts/ck_1%2F2");
    expect(replyAlertUrl("demo-outfitters.myshopify.com", "ck_1/2", "api-key")).toBe(url);
    expect(adminStoreName("a-b.myshopify.com")).toBe("a-b");
  });
});
