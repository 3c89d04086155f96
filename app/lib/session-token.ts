// A Shopify admin session token: an HS256 JWT signed with the app's API secret, with the claims App Bridge puts in
// it. Used by the local demo (to open admin pages in an ordinary browser) and by the browser tests.
import crypto from "node:crypto";

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

/** A Shopify admin session token (HS256 JWT signed with the app secret), as App Bridge issues it. */
export function mintSessionToken(o: { shop: string; apiKey: string; apiSecret: string; now?: number; ttlSeconds?: number }): string {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(
    JSON.stringify({
      iss: `https://${o.shop}/admin`,
      dest: `https://${o.shop}`,
      aud: o.apiKey,
      sub: "1",
      exp: now + (o.ttlSeconds ?? 3600),
      nbf: now - 60,
      iat: now,
      jti: crypto.randomUUID(),
      sid: crypto.randomUUID(),
    }),
  );
  const sig = crypto.createHmac("sha256", o.apiSecret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${sig}`;
}
