// shopify.app.toml and the code must agree: API version, one route per webhook subscription, compliance topics.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_VERSION } from "../../app/shopify.server";

const toml = fs.readFileSync(path.resolve("shopify.app.toml"), "utf8");

describe("shopify.app.toml", () => {
  it("uses the same webhook API version as the code", () => {
    expect(/api_version = "([^"]+)"/.exec(toml)?.[1]).toBe(API_VERSION);
  });

  it("routes every subscription to an existing route file named after its path", () => {
    const uris = [...toml.matchAll(/uri = "(\/webhooks\/[^"]+)"/g)].map((m) => m[1]);
    expect(uris.length).toBeGreaterThanOrEqual(8);
    for (const uri of uris) {
      const file = path.resolve("app/routes", `${uri.slice(1).replace(/\//g, ".")}.tsx`);
      expect(fs.existsSync(file), `${uri} -> ${file}`).toBe(true);
    }
  });

  it("subscribes to the checkout, order, lifecycle and mandatory compliance topics", () => {
    for (const t of ["checkouts/create", "checkouts/update", "orders/create", "app/uninstalled", "app/scopes_update", "shop/update"]) {
      expect(toml).toContain(`topics = ["${t}"]`);
    }
    for (const t of ["customers/data_request", "customers/redact", "shop/redact"]) {
      expect(toml).toContain(`compliance_topics = ["${t}"]`);
    }
    expect(toml).toMatch(/scopes = ".*read_orders.*write_discounts.*"/);
  });
});
