// The rules server.mjs (and the Express version it is measured against, bench/express-server.mjs) applies to every request and answer
// (scripts/server-policy.mjs): TRUST_PROXY, what may be compressed, frame-ancestors on every answer.
import http from "node:http";
import net from "node:net";
import { describe, expect, it } from "vitest";
import {
  ADMIN_FRAME_ANCESTORS,
  NO_FRAME,
  requestOrigin,
  shouldCompress,
  trustedPeer,
  trustProxySetting,
  withFrameAncestors,
} from "../../scripts/server-policy.mjs";

/** A request and its answer as the middleware sees them, without a socket. */
function exchange(method: string, contentType?: string) {
  const req = new http.IncomingMessage(new net.Socket());
  req.method = method;
  req.headers = { "accept-encoding": "br" };
  const res = new http.ServerResponse(req);
  if (contentType) res.setHeader("Content-Type", contentType);
  return { req, res };
}

describe("TRUST_PROXY", () => {
  it("reads off, a hop count, true, and lists of addresses, subnets and Express's names", () => {
    for (const off of [undefined, "", " ", "0", "false", "FALSE"]) expect(trustProxySetting(off)).toBe(false);
    expect(trustProxySetting("true")).toBe(true);
    expect(trustProxySetting("2")).toBe(2);
    expect(trustProxySetting("10.0.0.0/8, loopback")).toEqual(["10.0.0.0/8", "loopback"]);
  });

  it("trusts the peer only as configured, IPv4 peers on a dual-stack socket included", () => {
    const off = trustedPeer(false);
    const list = trustedPeer(["10.0.0.0/8", "loopback", "fd00::1"]);
    expect(off("127.0.0.1")).toBe(false);
    expect(trustedPeer(1)("203.0.113.9")).toBe(true);
    expect(trustedPeer(0)("127.0.0.1")).toBe(false);
    expect(list("10.1.2.3")).toBe(true);
    expect(list("::ffff:10.1.2.3")).toBe(true);
    expect(list("::1")).toBe(true);
    expect(list("fd00::1")).toBe(true);
    expect(list("11.0.0.1")).toBe(false);
    expect(list("192.168.1.1")).toBe(false);
    expect(list(undefined)).toBe(false);
  });

  it("names the URL from the socket and Host unless the peer is trusted, then from the first forwarded values", () => {
    const req = new http.IncomingMessage(new net.Socket());
    Object.defineProperty(req.socket, "remoteAddress", { value: "10.0.0.5" });
    req.headers = { host: "app.internal:3000", "x-forwarded-proto": "https, http", "x-forwarded-host": "app.example.com, app.internal" };
    expect(requestOrigin(req, trustedPeer(false))).toBe("http://app.internal:3000");
    expect(requestOrigin(req, trustedPeer(["10.0.0.0/8"]))).toBe("https://app.example.com");
    expect(requestOrigin(req, trustedPeer(["192.168.0.0/16"]))).toBe("http://app.internal:3000");
  });
});

describe("shouldCompress", () => {
  it("compresses answers to GET and HEAD of a compressible type, never a POST's, a document or an event stream", () => {
    expect(shouldCompress(exchange("GET", "application/javascript").req, exchange("GET", "application/javascript").res)).toBe(true);
    const json = exchange("GET", "application/json");
    expect(shouldCompress(json.req, json.res)).toBe(true);
    const post = exchange("POST", "application/json");
    expect(shouldCompress(post.req, post.res)).toBe(false);
    const html = exchange("GET", "text/html");
    expect(shouldCompress(html.req, html.res)).toBe(false);
    const events = exchange("GET", "text/event-stream");
    expect(shouldCompress(events.req, events.res)).toBe(false);
    const png = exchange("GET", "image/png");
    expect(shouldCompress(png.req, png.res)).toBe(false);
  });
});

describe("withFrameAncestors", () => {
  const shop = "frame-ancestors https://shop-1.myshopify.com https://admin.shopify.com;";
  it("keeps a policy that has frame-ancestors (the shop's, set by Shopify's library on admin documents)", () => {
    expect(withFrameAncestors("/app", "text/html", shop)).toEqual([shop]);
    expect(withFrameAncestors("/app", "text/html", ["default-src 'self'", shop])).toEqual(["default-src 'self'", shop]);
  });

  it("gives every other answer frame-ancestors 'none', added to a policy without one", () => {
    expect(withFrameAncestors("/webhooks/orders/create", "application/json", undefined)).toEqual([NO_FRAME]);
    expect(withFrameAncestors("/app/logs", "application/json", undefined)).toEqual([NO_FRAME]);
    expect(withFrameAncestors("/u/abc", "text/html", "default-src 'self'")).toEqual([`default-src 'self'; ${NO_FRAME}`]);
  });

  it("lets the admin's own HTML without a policy (the library's auth bounce pages) be framed by the admin only", () => {
    expect(withFrameAncestors("/auth/session-token", "text/html; charset=utf-8", undefined)).toEqual([ADMIN_FRAME_ANCESTORS]);
    expect(withFrameAncestors("/app", "text/html", undefined)).toEqual([ADMIN_FRAME_ANCESTORS]);
    expect(withFrameAncestors("/application", "text/html", undefined)).toEqual([NO_FRAME]);
  });
});
