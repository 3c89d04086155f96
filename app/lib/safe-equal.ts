// The one constant-time comparison of secrets and signatures (webhook HMACs, link tokens, the cron bearer, WhatsApp's
// hub signature and verify token, the inbound email token). Pure: node:crypto only.
import crypto from "node:crypto";

/** Constant-time string comparison; different lengths compare unequal without revealing where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  if (ab.length !== bb.length) {
    crypto.timingSafeEqual(ab, ab);
    return false;
  }
  return crypto.timingSafeEqual(ab, bb);
}
