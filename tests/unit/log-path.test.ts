import { describe, expect, it } from "vitest";
import { logPath } from "../../scripts/log-path.mjs";

describe("logPath (server.mjs access and error log lines)", () => {
  it("masks the signed token of shopper links and drops every query string", () => {
    expect(logPath("/r/eyJhbGciOi.abc.def?x=1")).toBe("/r/[token]");
    expect(logPath("/u/tok123/confirm")).toBe("/u/[token]/confirm");
    expect(logPath("/o/tok.png")).toBe("/o/[token]");
    expect(logPath("/app/pipeline?id_token=eyJ&shop=a.myshopify.com")).toBe("/app/pipeline");
    expect(logPath("/webhooks/orders/create")).toBe("/webhooks/orders/create");
    expect(logPath("/rx/not-a-link")).toBe("/rx/not-a-link");
  });
});
