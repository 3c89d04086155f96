// Which of two versions of a checkout wins. Shopify's updated_at has one-second resolution, so two updates of one
// checkout in the same second (the shopper typed their email a moment after the cart changed) carry the same time:
// comparing times alone dropped the second as stale, and with it the email it added (the checkout was never reached).
// The rule: a later updated_at wins; an earlier one is stale; at the same time the update is merged when it brings
// contact data the stored row lacks or holds otherwise (kept: never dropped), and otherwise it is a true repeat
// (stale: nothing changes). A merge keeps what the row already knew where the update is silent.
import { customerKeyOf } from "./contact";

export interface HeldContact {
  shopifyUpdatedAt: Date;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  customerId: string | null;
}

type Contact = Omit<HeldContact, "shopifyUpdatedAt"> & { shopifyUpdatedAt: Date; customerKey: string | null };

export type UpdateVerdict = "newer" | "merge" | "stale";

const CONTACT_FIELDS = ["email", "phone", "firstName", "lastName", "customerId"] as const;

function bringsContact(held: HeldContact, update: Contact): boolean {
  return CONTACT_FIELDS.some((f) => update[f] !== null && update[f] !== held[f]);
}

export function compareUpdate(held: HeldContact, update: Contact): UpdateVerdict {
  const a = held.shopifyUpdatedAt.getTime();
  const b = update.shopifyUpdatedAt.getTime();
  if (b > a) return "newer";
  if (b < a) return "stale";
  return bringsContact(held, update) ? "merge" : "stale";
}

/** The update with the stored contact data filled in where it says nothing (a same-second merge). */
export function mergeSameSecond<T extends Contact>(held: HeldContact, update: T): T {
  const out = { ...update };
  for (const f of CONTACT_FIELDS) out[f] = update[f] ?? held[f];
  out.customerKey = customerKeyOf(out.email, out.phone);
  return out;
}

/**
 * Two open checkouts of one shopper: whether `other` is the newer one (which carries the sequence; the older stops).
 * Created in the same second (two devices), the later id wins (ids are in creation order, app/lib/ids.ts), so both
 * checkouts' decisions agree and exactly one of them goes on.
 */
export function isNewerCheckout(other: { id: string; shopifyCreatedAt: Date }, self: { id: string; shopifyCreatedAt: Date }): boolean {
  const a = other.shopifyCreatedAt.getTime();
  const b = self.shopifyCreatedAt.getTime();
  return a > b || (a === b && other.id > self.id);
}
