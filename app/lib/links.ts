// Signed link tokens for tracked clicks (/r/<token>), the open pixel (/o/<token>.gif) and unsubscribe (/u/<token>).
// Pure: the HMAC key is passed in (app/lib/crypto.server.ts linkSigningKey derives it from APP_ENCRYPTION_KEY).
// A token is base64url(JSON payload) + "." + base64url(first 16 bytes of HMAC-SHA256("v1." + payload)). Any change
// to either half is refused. A click token may carry a target URL, but the redirect route still accepts only that
// checkout's recovery URL or an https URL on the shop's own domains: no open redirect even with a valid token.
import crypto from "node:crypto";
import { safeEqual } from "./safe-equal";

export type LinkKind = "click" | "open" | "unsubscribe";

export interface LinkPayload {
  kind: LinkKind;
  messageId: string;
  /** click only: where to go (defaults to the checkout's recovery URL). */
  target?: string;
}

const KIND_CODE: Record<LinkKind, string> = { click: "c", open: "o", unsubscribe: "u" };
const CODE_KIND: Record<string, LinkKind> = { c: "click", o: "open", u: "unsubscribe" };

function mac(key: Buffer, body: string): string {
  return crypto.createHmac("sha256", key).update(`v1.${body}`).digest().subarray(0, 16).toString("base64url");
}

export function signLinkToken(payload: LinkPayload, key: Buffer): string {
  const arr: string[] = [KIND_CODE[payload.kind], payload.messageId];
  if (payload.target) arr.push(payload.target);
  const body = Buffer.from(JSON.stringify(arr), "utf8").toString("base64url");
  return `${body}.${mac(key, body)}`;
}

/** The payload of a genuine token, or null (tampered, truncated, wrong kind, or not a token at all). */
export function verifyLinkToken(token: string | null | undefined, key: Buffer, expected?: LinkKind): LinkPayload | null {
  if (!token || token.length > 4096) return null;
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const sig = token.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]{22}$/.test(sig)) return null;
  if (!safeEqual(mac(key, body), sig)) return null;
  let arr: unknown;
  try {
    arr = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(arr) || arr.length < 2 || arr.length > 3 || !arr.every((x) => typeof x === "string")) return null;
  const kind = CODE_KIND[arr[0] as string];
  if (!kind || (expected && kind !== expected)) return null;
  const out: LinkPayload = { kind, messageId: arr[1] as string };
  if (arr[2]) out.target = arr[2] as string;
  return out;
}

function base(appUrl: string): string {
  return appUrl.replace(/\/+$/, "");
}

export interface MessageLinks {
  /** Tracked link to the recovery URL. */
  recover: string;
  /** Tracked link to an arbitrary allowed target (incentive apply link). */
  clickTo(target: string): string;
  openPixel: string;
  unsubscribe: string;
}

/** Just the tracked recovery link (push and WhatsApp need no pixel or unsubscribe link). */
export function recoverLink(appUrl: string, key: Buffer, messageId: string): string {
  return `${base(appUrl)}/r/${signLinkToken({ kind: "click", messageId }, key)}`;
}

export function messageLinks(appUrl: string, key: Buffer, messageId: string): MessageLinks {
  const b = base(appUrl);
  return {
    recover: `${b}/r/${signLinkToken({ kind: "click", messageId }, key)}`,
    clickTo: (target: string) => `${b}/r/${signLinkToken({ kind: "click", messageId, target }, key)}`,
    openPixel: `${b}/o/${signLinkToken({ kind: "open", messageId }, key)}.gif`,
    unsubscribe: `${b}/u/${signLinkToken({ kind: "unsubscribe", messageId }, key)}`,
  };
}

export interface RedirectScope {
  /** The checkout's abandoned_checkout_url. */
  recoveryUrl: string | null;
  /** my-shop.myshopify.com */
  shopDomain: string;
  /** The storefront's own domain (shop.primaryDomain), if known. */
  primaryDomain: string | null;
}

function hostOf(domainOrUrl: string | null): string | null {
  if (!domainOrUrl) return null;
  const v = domainOrUrl.trim().toLowerCase();
  try {
    return new URL(v.includes("://") ? v : `https://${v}`).hostname;
  } catch {
    return null;
  }
}

/**
 * Whether a click may redirect to `target`: exactly the checkout's recovery URL, or an https URL (default port, no
 * credentials) whose host is the shop's myshopify domain or its primary domain (with or without "www.").
 */
export function isAllowedRedirect(target: string, scope: RedirectScope): boolean {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return false;
  }
  if (scope.recoveryUrl && target === scope.recoveryUrl && u.protocol === "https:") return true;
  if (u.protocol !== "https:" || u.username || u.password || (u.port && u.port !== "443")) return false;
  const host = u.hostname.toLowerCase();
  const allowed = new Set<string>();
  for (const h of [hostOf(scope.shopDomain), hostOf(scope.primaryDomain), hostOf(scope.recoveryUrl)]) {
    if (!h) continue;
    allowed.add(h);
    allowed.add(h.startsWith("www.") ? h.slice(4) : `www.${h}`);
  }
  return allowed.has(host);
}

/** A 1x1 transparent GIF for the open pixel. */
export const TRANSPARENT_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
