// SSRF guard for browser push endpoints. Endpoints come from browsers (anyone can post one through the storefront),
// and the app POSTs to them: accept only https, hosts on an allow-list of push services, and never an IP literal in
// a private, loopback, link-local, CGNAT or otherwise non-public range. Pure.
import net from "node:net";

export const DEFAULT_PUSH_HOSTS = ["fcm.googleapis.com", "updates.push.services.mozilla.com", "*.notify.windows.com", "web.push.apple.com", "*.push.apple.com"];

/** PUSH_ALLOWED_HOSTS ("a.example,*.b.example") -> host patterns; empty/undefined -> the major push services. */
export function parseAllowedHosts(value: string | undefined | null): string[] {
  const list = (value ?? "")
    .split(/[,\s]+/)
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return list.length ? list : DEFAULT_PUSH_HOSTS;
}

export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  const p = pattern.toLowerCase();
  if (p.startsWith("*.")) {
    const suffix = p.slice(1); // ".notify.windows.com"
    return h.endsWith(suffix) && h.length > suffix.length;
  }
  return h === p;
}

function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
}

const V4_BLOCKED: Array<[string, number]> = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

/** Whether an IP address is not a public unicast address (private, loopback, link-local, unique-local, ...). */
export function isNonPublicAddress(ip: string): boolean {
  const family = net.isIP(ip);
  if (family === 4) {
    const n = ipv4ToInt(ip);
    return V4_BLOCKED.some(([base, bits]) => n >>> (32 - bits) === ipv4ToInt(base) >>> (32 - bits));
  }
  if (family === 6) {
    const v = ip.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v);
    if (mapped) return isNonPublicAddress(mapped[1]);
    if (v === "::" || v === "::1") return true;
    const first = parseInt(v.split(":")[0] || "0", 16);
    if ((first & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
    if ((first & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
    if ((first & 0xff00) === 0xff00) return true; // multicast
    if (v.startsWith("64:ff9b:") || v.startsWith("2001:db8:")) return true;
    return false;
  }
  return false;
}

export type EndpointCheck = { ok: true; host: string } | { ok: false; reason: string };

export function checkPushEndpoint(endpoint: string, allowedHosts: string[], opts: { allowNonPublic?: boolean } = {}): EndpointCheck {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    return { ok: false, reason: "not a URL" };
  }
  if (u.protocol !== "https:") return { ok: false, reason: "push endpoint must be https" };
  if (u.username || u.password) return { ok: false, reason: "push endpoint must not carry credentials" };
  // Every push service listens on 443; another port on an allowed host is somebody's other service (local stand-ins
  // in tests and the demo run on random ports, with allowNonPublic).
  if (u.port !== "" && u.port !== "443" && !opts.allowNonPublic) return { ok: false, reason: "push endpoint must use port 443" };
  const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (net.isIP(host) && isNonPublicAddress(host) && !opts.allowNonPublic) return { ok: false, reason: "push endpoint is a private or local address" };
  if (!allowedHosts.some((p) => hostMatches(host, p))) return { ok: false, reason: `push host ${host} is not on the allow-list` };
  return { ok: true, host };
}
