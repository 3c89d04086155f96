// Holdout assignment: which shoppers get no reminders, so the Overview can measure what the reminders caused. Stable
// per shopper (a hash of the shop and the normalised contact, so one shopper is in one group on every device and
// across restarts), decided once per checkout when its first step falls due and recorded (Checkout.holdout).
// Server-only for node:crypto; otherwise pure.
import { createHash } from "node:crypto";
import { customerKeyOf } from "./contact";
import { HOLDOUT_MAX_PERCENT } from "./settings";

export { HOLDOUT_MAX_PERCENT };

/**
 * A stable number in [0, 1) for one shopper of one shop: the first 6 bytes of SHA-256(`${shop}\n${customerKey}`) read
 * as a big-endian integer, divided by 2^48. 48 bits are exact in a double. The shop is part of the hash, so the same
 * shopper is assigned independently in every shop.
 *
 * customerKey must be the key as stored on the checkout (Checkout.customerKey, made by customerKeyOf in ./contact:
 * "email:<lower-cased address>" or "phone:<+digits>"). Any other spelling of the same shopper hashes differently.
 */
export function holdoutShare(shop: string, customerKey: string): number {
  const digest = createHash("sha256").update(`${shop}\n${customerKey}`, "utf8").digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * Whether this shopper is held out (gets no reminders): share * 100 < percent. percent is 0..HOLDOUT_MAX_PERCENT; 0
 * holds nobody out. A percent outside that range (or not a number) is a programming error and throws, so a corrupt
 * setting never silently holds out most shoppers.
 */
export function inHoldout(shop: string, customerKey: string, percent: number): boolean {
  if (!(percent >= 0 && percent <= HOLDOUT_MAX_PERCENT)) {
    throw new RangeError(`Holdout percent must be between 0 and ${HOLDOUT_MAX_PERCENT}, got ${percent}`);
  }
  if (percent === 0) return false;
  return holdoutShare(shop, customerKey) * 100 < percent;
}

/**
 * inHoldout for a checkout's raw email and phone, keyed exactly as the checkout's customerKey is (customerKeyOf: email
 * first, else phone). Null when neither is a usable address: there is no shopper to hold out or to message.
 */
export function contactInHoldout(shop: string, email: string | null, phone: string | null, percent: number): boolean | null {
  const key = customerKeyOf(email, phone);
  return key === null ? null : inHoldout(shop, key, percent);
}
