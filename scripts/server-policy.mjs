// The production server's rules for requests and answers, in one place: server.mjs (node:http, hand-written adapter)
// applies them, and so does the same app on Express + @remix-run/express (bench/express-server.mjs), which it is
// measured and diff-tested against, so that the two differ only in their request/response adapters.
// - TRUST_PROXY: whether X-Forwarded-Proto / X-Forwarded-Host name the request's URL (Express's "trust proxy").
// - Compression: static files and answers written at once; never a streamed document or event stream.
// - frame-ancestors on every answer: app/lib/security-headers.ts sets it on documents (per shop for the admin);
//   everything else is never framed, except the admin's HTML (the library's auth bounce pages) without one.
import net from "node:net";
import compression from "compression";

export const ADMIN_FRAME_ANCESTORS = "frame-ancestors https://admin.shopify.com;";
export const NO_FRAME = "frame-ancestors 'none';";

/**
 * TRUST_PROXY as an Express "trust proxy" value: false (unset, empty, "0", "false"), true ("true"), a hop count
 * ("1", "2"), or a list of addresses, subnets and Express's names loopback, linklocal, uniquelocal ("10.0.0.0/8,::1").
 * @param {string | undefined} value
 * @returns {boolean | number | string[]}
 */
export function trustProxySetting(value) {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "false" || v === "0") return false;
  if (v === "true") return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  trustedPeer(list); // refuse a malformed list at start-up, not on the first request
  return list;
}

const NAMED = {
  loopback: ["127.0.0.1/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) as `10.0.0.1`. */
function plainAddress(address) {
  return address.startsWith("::ffff:") && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/**
 * Whether the peer that sent a request (the socket's address) is trusted to say what the original URL was: Express's
 * `trust(remoteAddress, 0)`, the only question req.protocol and req.hostname ask.
 * @param {boolean | number | string[]} setting
 * @returns {(address: string | undefined) => boolean}
 */
export function trustedPeer(setting) {
  if (setting === false) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === "number") return () => setting >= 1;
  const list = new net.BlockList();
  for (const entry of setting.flatMap((e) => NAMED[e] ?? [e])) {
    const [address, bits] = entry.split("/");
    const type = net.isIPv6(address) ? "ipv6" : "ipv4";
    if (!net.isIP(address) || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new Error(`TRUST_PROXY: "${entry}" is not an address, a subnet (a.b.c.d/n) or loopback, linklocal, uniquelocal`);
    }
    if (bits === undefined) list.addAddress(plainAddress(address), net.isIPv6(plainAddress(address)) ? "ipv6" : "ipv4");
    else list.addSubnet(address, Number(bits), type);
  }
  return (address) => {
    if (!address) return false;
    const a = plainAddress(address);
    return list.check(a, net.isIPv6(a) ? "ipv6" : "ipv4");
  };
}

/** The first value of a header a chain of proxies may have appended to ("https, http"). */
const first = (value) => {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return "";
  const comma = v.indexOf(",");
  return (comma === -1 ? v : v.slice(0, comma)).trim();
};

/**
 * Scheme and host of a request's URL: from the socket and Host, or from X-Forwarded-Proto / X-Forwarded-Host (first
 * value each) when the peer is a trusted proxy.
 * @param {import("node:http").IncomingMessage} req
 * @param {(address: string | undefined) => boolean} trusted
 */
export function requestOrigin(req, trusted) {
  let proto = /** @type {import("node:tls").TLSSocket} */ (req.socket).encrypted ? "https" : "http";
  let host = req.headers.host || "localhost";
  if (trusted(req.socket.remoteAddress)) {
    proto = first(req.headers["x-forwarded-proto"]) || proto;
    host = first(req.headers["x-forwarded-host"]) || host;
  }
  return `${proto}://${host}`;
}

/**
 * Express middleware, before @remix-run/express: that adapter takes the URL's port from X-Forwarded-Host even when
 * the peer is not a trusted proxy (a forged header moves the port), and from the Host header (our own port behind
 * the proxy) when a trusted proxy's X-Forwarded-Host has none. So it gets only what it should use: no
 * X-Forwarded-Host from an untrusted peer, and a trusted proxy's forwarded host as the Host. Trust is Express's own
 * ("trust proxy fn", the TRUST_PROXY setting), for the peer that sent the request.
 * @param {import("express").Request} req
 * @param {import("express").Response} _res
 * @param {() => void} next
 */
export function forwardedHostAsTrusted(req, _res, next) {
  const forwarded = req.headers["x-forwarded-host"];
  if (forwarded !== undefined) {
    if (req.app.get("trust proxy fn")(req.socket.remoteAddress, 0)) req.headers.host = first(forwarded);
    else delete req.headers["x-forwarded-host"];
  }
  next();
}

/**
 * What the compression middleware may compress: answers to GET and HEAD (static files, loaders' data) of a
 * compressible type, never a streamed document or event stream (a compressor holds back the shell React streams, and
 * every event), and never an answer to a POST (webhooks, cron, forms: a few dozen bytes of JSON, where compressing
 * costs more than it saves). Answers under 1 KB stay as they are (the middleware's threshold).
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 */
export function shouldCompress(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (/text\/html|text\/event-stream/i.test(String(res.getHeader("Content-Type") ?? ""))) return false;
  return compression.filter(req, res);
}

/** Every answer's Content-Security-Policy values, with frame-ancestors added when none of them has one. */
export function withFrameAncestors(pathname, contentType, csp) {
  const values = csp === undefined || csp === null ? [] : [csp].flat().map(String);
  if (values.some((v) => /frame-ancestors/i.test(v))) return values;
  const adminHtml = /text\/html/i.test(contentType ?? "") && /^\/(app|auth)(\/|$)/.test(pathname);
  const frame = adminHtml ? ADMIN_FRAME_ANCESTORS : NO_FRAME;
  if (values.length === 0) return [frame];
  values[values.length - 1] = `${values[values.length - 1].trim().replace(/;?$/, ";")} ${frame}`;
  return values;
}
