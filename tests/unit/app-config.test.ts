// shopify.app.toml and the code must agree: API version, one route per webhook subscription, compliance topics.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { metadataForWebhook } from "shopify-webhook-schemas";
import { DEFAULT_SCOPES } from "../../app/config.server";
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

  it("asks for exactly the scopes the code's default names, each justified in a comment", () => {
    const scopes = /^scopes = "([^"]*)"/m.exec(toml)?.[1].split(",") ?? [];
    expect(scopes).toEqual(DEFAULT_SCOPES);
    const section = toml.slice(toml.indexOf("[access_scopes]"), toml.indexOf("[auth]"));
    for (const scope of scopes) expect(section, scope).toMatch(new RegExp(`^# - ${scope}: .{20,}`, "m"));
  });

  it("covers the access scopes Shopify documents for every subscribed topic", () => {
    // Shopify's documented webhook metadata (shopify-webhook-schemas) names the resource each topic needs,
    // e.g. ["orders"] for checkouts/create; read_<resource> or write_<resource> grants it.
    const scopes = new Set(DEFAULT_SCOPES);
    const topics = [...toml.matchAll(/^\s*topics = \["([^"]+)"\]/gm)].map((m) => m[1]);
    expect(topics.length).toBeGreaterThanOrEqual(5);
    for (const topic of topics) {
      const meta = metadataForWebhook("2026-07", topic) as { access_scopes?: string[] | null } | undefined;
      expect(meta, `${topic} is a documented topic`).toBeTruthy();
      // marketplace_orders is an alternative to orders for orders/*: one of the documented resources is enough.
      const resources = meta?.access_scopes ?? [];
      if (!resources.length) continue;
      expect(
        resources.some((r) => scopes.has(`read_${r}`) || scopes.has(`write_${r}`)),
        `${topic} needs one of ${resources.join(", ")}`,
      ).toBe(true);
    }
  });
});
