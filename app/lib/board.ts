// The pipeline board's filters and card presentation. Pure: parsed from the URL, applied by the model.
import { formatMoney, toMinorUnits } from "./money";
import { STAGES, isStage, type Stage } from "./pipeline";

export const PRIORITIES = ["urgent", "high", "medium", "low"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const PRIORITY_COLORS: Record<Priority, string> = {
  urgent: "#d72c0d", // red
  high: "#f97316", // orange
  medium: "#e0b000", // amber
  low: "#8a8a8a", // grey
};

export function isPriority(v: unknown): v is Priority {
  return typeof v === "string" && (PRIORITIES as readonly string[]).includes(v);
}

export const BOARD_PAGE_SIZE = 20;

export interface CardMoney {
  totalMinor: number;
  currency: string;
  shopTotalMinor: number | null;
  shopCurrency: string | null;
}

/**
 * A card's cart value. In the shop's currency it is the merchant's figure; in another it is the shopper's figure,
 * labelled with its currency code ("€92.00 (EUR)"), followed by the shop value when one is known. Never converted.
 */
export function cardValue(card: CardMoney, shopCurrency: string): string {
  if (card.currency === shopCurrency) return formatMoney(card.totalMinor, card.currency);
  const shown = formatMoney(card.totalMinor, card.currency);
  const own = shown.includes(card.currency) ? shown : `${shown} (${card.currency})`; // "KWD 37.035" names itself
  return card.shopTotalMinor !== null && card.shopCurrency === shopCurrency ? `${own} · ${formatMoney(card.shopTotalMinor, shopCurrency)}` : own;
}

export interface BoardFilters {
  stage: Stage | null;
  priority: Priority | null;
  minMinor: number | null;
  maxMinor: number | null;
  from: Date | null; // abandoned on or after (UTC day start)
  to: Date | null; // abandoned before the end of this UTC day
  q: string | null;
}

function day(value: string | null, endOfDay: boolean): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const d = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(d.getTime())) return null;
  return endOfDay ? new Date(d.getTime() + 86_400_000) : d;
}

export function parseBoardFilters(params: URLSearchParams, currency: string): BoardFilters {
  const stage = params.get("stage");
  const priority = params.get("priority");
  const q = (params.get("q") ?? "").trim().slice(0, 100);
  const min = toMinorUnits(params.get("min")?.trim() || null, currency);
  const max = toMinorUnits(params.get("max")?.trim() || null, currency);
  return {
    stage: isStage(stage) ? stage : null,
    priority: isPriority(priority) ? priority : null,
    minMinor: min !== null && min >= 0 ? min : null,
    maxMinor: max !== null && max >= 0 ? max : null,
    from: day(params.get("from"), false),
    to: day(params.get("to"), true),
    q: q || null,
  };
}

/** Page number per column from `p_<stage>` (1-based). */
export function parseColumnPages(params: URLSearchParams): Record<Stage, number> {
  const out = {} as Record<Stage, number>;
  for (const s of STAGES) {
    const n = Number(params.get(`p_${s}`));
    out[s] = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
  }
  return out;
}

export function pageCount(total: number, size = BOARD_PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / size));
}

/** "Linen Shirt", "Linen Shirt + 2 more" */
export function productSummary(items: Array<{ title?: unknown; quantity?: unknown }>): { product: string; quantity: number } {
  const list = Array.isArray(items) ? items : [];
  const quantity = list.reduce((s, i) => s + (typeof i.quantity === "number" ? i.quantity : 0), 0);
  const first = list[0] && typeof list[0].title === "string" ? list[0].title : "";
  const product = list.length > 1 ? `${first} + ${list.length - 1} more` : first;
  return { product, quantity };
}

export function customerName(c: { firstName: string | null; lastName: string | null; email: string | null }): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ").trim();
  return name || c.email || "Unknown shopper";
}

/** Follow-up from the browser: an ISO instant. Must be a real date, not in the past by more than a minute. */
export function parseFollowUp(value: unknown, now: Date): Date | null {
  if (typeof value !== "string" || !value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  if (d.getTime() < now.getTime() - 60_000) return null;
  if (d.getTime() > now.getTime() + 366 * 86_400_000) return null;
  return d;
}
