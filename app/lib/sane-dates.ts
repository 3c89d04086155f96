// Dates a payload may carry into the schedule. A checkout's created_at/updated_at become abandonedAt and every step's
// due time; one in year 9999 (or 1970) made due times that SQLite stored as text sorting before today, and the row was
// claimed again and again in one tick. So every Shopify time is held to a sane range before anything is written:
//   - checkouts' created_at and updated_at: refused (422 naming the field; a reconciled record is skipped). Refusing
//     loses no order: at worst one reminder for a checkout whose times are nonsense.
//   - a checkout's completed_at and an order's created_at: clamped to `now` (the moment we learned it). Refusing them
//     would lose a real purchase, and the shopper who paid would get a reminder.
// The range: from 2000-01-01 to a year after `now` (clock skew between Shopify and us is seconds, not months).

export const EARLIEST_TIME = Date.UTC(2000, 0, 1);
export const MAX_AHEAD_MS = 366 * 86_400_000;

export function isSaneTime(d: Date, now: Date): boolean {
  const t = d.getTime();
  return Number.isFinite(t) && t >= EARLIEST_TIME && t <= now.getTime() + MAX_AHEAD_MS;
}

/** `d` when it is in range, else `now`. */
export function clampTime(d: Date, now: Date): Date {
  return isSaneTime(d, now) ? d : now;
}

export interface DateProblem {
  /** The payload's field: "updated_at". */
  field: string;
  reason: string;
}

/** The first of a checkout's refused times that is out of range, or null. */
export function checkoutDateProblem(r: { shopifyCreatedAt: Date; shopifyUpdatedAt: Date }, now: Date): DateProblem | null {
  for (const [field, d] of [
    ["created_at", r.shopifyCreatedAt],
    ["updated_at", r.shopifyUpdatedAt],
  ] as const) {
    if (!isSaneTime(d, now)) return { field, reason: d.getTime() < EARLIEST_TIME ? "before 2000-01-01" : "more than a year ahead" };
  }
  return null;
}

export function describeDateProblem(p: DateProblem): string {
  return `${p.field}: ${p.reason}`;
}

/** A checkout with its clamped times in range (completed_at). */
export function clampCheckoutDates<T extends { completedAt: Date | null }>(r: T, now: Date): T {
  return r.completedAt && !isSaneTime(r.completedAt, now) ? { ...r, completedAt: now } : r;
}

/** An order with its time in range (created_at). */
export function clampOrderDates<T extends { shopifyCreatedAt: Date }>(r: T, now: Date): T {
  return isSaneTime(r.shopifyCreatedAt, now) ? r : { ...r, shopifyCreatedAt: now };
}
