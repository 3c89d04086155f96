// Bounded work per checkout: a cart with thousands of line items (a bot, a wholesale order) is stored and rendered
// as a summary. Stored: the first STORED_LINE_ITEMS items and the true quantity of all (lineItemCount). Shown: the
// first few, then "and M more items", where M counts the units not shown (what the shopper would count in the cart).
import type { LineItemRecord } from "./shopify-payloads";

export const STORED_LINE_ITEMS = 50;
/** Rows an email lists before "and M more items". */
export const EMAIL_LINE_ITEMS = 5;

const units = (items: readonly LineItemRecord[]) => items.reduce((s, li) => s + li.quantity, 0);

/**
 * The first `shown` items, and how many units of the cart they leave out. `totalQuantity`: the cart's quantity of all
 * items (lineItemCount), which may include items not stored; without it, the stored items' quantity.
 */
export function summarizeItems(
  items: readonly LineItemRecord[],
  totalQuantity: number | null | undefined,
  shown: number,
): { shown: LineItemRecord[]; moreUnits: number } {
  const list = items.slice(0, Math.max(0, shown));
  const total = Math.max(totalQuantity ?? 0, units(items));
  return { shown: list, moreUnits: Math.max(0, total - units(list)) };
}

/** Units of the cart beyond the stored items (0 when every item is stored). */
export function unstoredUnits(items: readonly LineItemRecord[], totalQuantity: number | null | undefined): number {
  return Math.max(0, (totalQuantity ?? 0) - units(items));
}

export function moreItemsText(units: number): string {
  return `and ${units} more item${units === 1 ? "" : "s"}`;
}
