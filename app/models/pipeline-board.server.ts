// The pipeline board: one page of cards per stage column, the follow-ups that are due, with filters.
import type { Prisma } from "@prisma/client";
import { db, dbProvider } from "../db.server";
import { placeholders } from "./sql-placeholders.server";
import { BOARD_PAGE_SIZE, customerName, isPriority, productSummary, type BoardFilters, type Priority } from "../lib/board";
import { STAGES, isStage, type Stage } from "../lib/pipeline";
import { int64, int64OrNull } from "./int64-columns.server";

export interface BoardCard {
  id: string;
  stage: Stage;
  priority: Priority;
  name: string;
  firstName: string | null;
  email: string | null;
  phone: string | null;
  product: string;
  quantity: number;
  /** The cart as the shopper sees it, in their currency (shown labelled with it). */
  totalMinor: number;
  currency: string;
  /** The cart in the shop's currency, when known (the shopper paid in it); null otherwise. */
  shopTotalMinor: number | null;
  shopCurrency: string | null;
  abandonedAt: string | null;
  followUpAt: string | null;
  followUpNote: string | null;
  owner: string | null;
  handoff: boolean;
  recoveryUrl: string | null;
  discount: { code: string; percentOff: number | null } | null;
}

export interface BoardColumn {
  stage: Stage;
  total: number;
  page: number;
  cards: BoardCard[];
}

const CARD_SELECT = {
  id: true,
  stage: true,
  priority: true,
  firstName: true,
  lastName: true,
  email: true,
  phone: true,
  lineItems: true,
  totalMinor: true,
  currency: true,
  shopTotalMinor: true,
  shopCurrency: true,
  abandonedAt: true,
  followUpAt: true,
  followUpNote: true,
  owner: true,
  handoff: true,
  abandonedCheckoutUrl: true,
} satisfies Prisma.CheckoutSelect;

type CardRow = Prisma.CheckoutGetPayload<{ select: typeof CARD_SELECT }>;

const likeEscape = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * What belongs on the board, as SQL shared by the column counts and pages: abandoned by now, not a test, and not
 * completed without us (unless recovered).
 *
 * The search is a case-insensitive substring of the email, first name or last name, or, when the query holds 3 or
 * more digits, of the phone by those digits alone (phones are stored normalized, "+" and digits, so "(555) 123-4"
 * finds +15551234567).
 *
 * Indexes (migration 20261124042910_pipeline_search_indexes): on SQLite the board index (shop, stage,
 * priority_score, abandoned_at, completed_at, is_test, priority, total_minor, email, first_name, last_name, phone, id)
 * holds every column this filters on, the search included: counts read the index only, and a page walks it in
 * priority order and stops after its rows. The date and priority terms are written `+abandoned_at` / `+priority` so
 * the planner takes that index rather than the date or (shop, stage, priority) one, which would read the wide row of
 * every candidate. On PostgreSQL a pg_trgm index serves the ILIKE terms (written without ESCAPE: backslash is
 * PostgreSQL's default escape, and a plain pattern is what the trigram index reads).
 */
export function boardSql(shop: string, f: BoardFilters, now: Date): { where: string; params: unknown[] } {
  const pg = dbProvider === "postgresql";
  const date = pg ? "abandoned_at" : "+abandoned_at";
  const like = pg ? "ILIKE" : "LIKE";
  const w = ["shop = ?", "is_test = false", "abandoned_at IS NOT NULL", `${date} <= ?`, "(completed_at IS NULL OR stage = 'recovered')"];
  const params: unknown[] = [shop, now];
  if (f.from) {
    w.push(`${date} >= ?`);
    params.push(f.from);
  }
  if (f.to) {
    w.push(`${date} < ?`);
    params.push(f.to);
  }
  if (f.priority) {
    w.push(pg ? "priority = ?" : "+priority = ?");
    params.push(f.priority);
  }
  // The cart-value filter is in the shop's currency: it reads the shop value, so a cart in another currency (shop
  // value unknown) is outside any range rather than compared by its foreign figure.
  if (f.minMinor !== null) {
    w.push("shop_total_minor >= ?");
    params.push(f.minMinor);
  }
  if (f.maxMinor !== null) {
    w.push("shop_total_minor <= ?");
    params.push(f.maxMinor);
  }
  if (f.q) {
    const term = `%${likeEscape(f.q)}%`;
    const escape = pg ? "" : " ESCAPE '\\'";
    const or = [`email ${like} ?${escape}`, `first_name ${like} ?${escape}`, `last_name ${like} ?${escape}`];
    params.push(`%${likeEscape(f.q.toLowerCase())}%`, term, term);
    const digits = f.q.replace(/\D/g, "");
    if (digits.length >= 3) {
      or.push("phone LIKE ?");
      params.push(`%${digits}%`);
    }
    w.push(`(${or.join(" OR ")})`);
  }
  return { where: w.join(" AND "), params };
}

async function discountsFor(shop: string, ids: string[]) {
  const map = new Map<string, { code: string; percentOff: number | null }>();
  if (!ids.length) return map;
  const rows = await db.incentive.findMany({
    where: { shop, checkoutId: { in: ids }, status: { in: ["active", "used", "pending"] } },
    orderBy: { createdAt: "asc" },
    select: { checkoutId: true, code: true, percentOff: true },
  });
  for (const r of rows) if (r.checkoutId) map.set(r.checkoutId, { code: r.code, percentOff: r.percentOff });
  return map;
}

function toCard(r: CardRow, discount: BoardCard["discount"]): BoardCard {
  let items: Array<{ title?: unknown; quantity?: unknown }> = [];
  try {
    items = JSON.parse(r.lineItems);
  } catch {
    items = [];
  }
  const { product, quantity } = productSummary(items);
  return {
    id: r.id,
    stage: isStage(r.stage) ? r.stage : "abandoned",
    priority: isPriority(r.priority) ? r.priority : "low",
    name: customerName(r),
    firstName: r.firstName,
    email: r.email,
    phone: r.phone,
    product,
    quantity,
    totalMinor: int64(r.totalMinor),
    currency: r.currency,
    shopTotalMinor: int64OrNull(r.shopTotalMinor),
    shopCurrency: r.shopCurrency,
    abandonedAt: r.abandonedAt?.toISOString() ?? null,
    followUpAt: r.followUpAt?.toISOString() ?? null,
    followUpNote: r.followUpNote,
    owner: r.owner,
    handoff: r.handoff,
    recoveryUrl: r.abandonedCheckoutUrl,
    discount,
  };
}

export async function listBoard({
  shop,
  filters,
  pages,
  now,
  pageSize = BOARD_PAGE_SIZE,
}: {
  shop: string;
  filters: BoardFilters;
  pages: Record<Stage, number>;
  now: Date;
  pageSize?: number;
}): Promise<{ columns: BoardColumn[]; followUpsDue: BoardCard[] }> {
  const { where, params } = boardSql(shop, filters, now);
  const stages = filters.stage ? [filters.stage] : [...STAGES];
  // Column counts: one grouped pass, or on PostgreSQL without a search one count per stage (UNION ALL). There, one
  // pass over the whole shop costs about the same to the planner as an index-only scan of the board index or a
  // parallel sequential scan of the wide table, and it picked either (at 100,000 checkouts the scan was 3-6x slower
  // on a busy server). A stage is a fifth of the index and still the whole table, so each count takes the index.
  // With a search the trigram index finds the rows, once.
  const perStage = filters.stage !== null || (dbProvider === "postgresql" && !filters.q);
  const countRows = await db.$queryRawUnsafe<Array<{ stage: string; n: unknown }>>(
    placeholders(
      (perStage ? stages : [null])
        .map((s) => `SELECT stage, COUNT(*) AS n FROM checkout WHERE ${where}${s ? " AND stage = ?" : ""} GROUP BY stage`)
        .join(" UNION ALL "),
    ),
    ...(perStage ? stages.flatMap((s) => [...params, s]) : params),
  );
  const totals = new Map(countRows.map((r) => [r.stage, Number(r.n)]));
  // Each page walks the board index in priority order and stops after its rows (a search reads the candidates).
  const pageIds: Array<{ stage: Stage; total: number; page: number; ids: string[] }> = await Promise.all(
    stages.map(async (stage) => {
      const total = totals.get(stage) ?? 0;
      const page = pages[stage];
      if (total === 0 || (page - 1) * pageSize >= total) return { stage, total, page, ids: [] as string[] };
      const rows = await db.$queryRawUnsafe<Array<{ id: string }>>(
        placeholders(`SELECT id FROM checkout WHERE ${where} AND stage = ? ORDER BY priority_score DESC, id ASC LIMIT ? OFFSET ?`),
        ...params,
        stage,
        pageSize,
        (page - 1) * pageSize,
      );
      return { stage, total, page, ids: rows.map((r) => r.id) };
    }),
  );
  const allIds = pageIds.flatMap((c) => c.ids);
  const cardRows = allIds.length ? await db.checkout.findMany({ where: { shop, id: { in: allIds } }, select: CARD_SELECT }) : [];
  const byId = new Map(cardRows.map((r) => [r.id, r]));
  const columns = pageIds.map((c) => ({
    stage: c.stage,
    total: c.total,
    page: c.page,
    rows: c.ids.map((id) => byId.get(id)).filter((r): r is CardRow => Boolean(r)),
  }));
  // Follow-ups due by the end of the next hour, earliest first (not filtered: a due list is a to-do list).
  const dueRows = await db.checkout.findMany({
    where: { shop, followUpAt: { not: null, lte: new Date(now.getTime() + 3600_000) }, stage: { in: ["abandoned", "contacted", "negotiating", "lost"] } },
    select: CARD_SELECT,
    orderBy: { followUpAt: "asc" },
    take: 20,
  });
  const ids = [...columns.flatMap((c) => c.rows.map((r) => r.id)), ...dueRows.map((r) => r.id)];
  const discounts = await discountsFor(shop, [...new Set(ids)]);
  return {
    columns: columns.map((c) => ({ stage: c.stage, total: c.total, page: c.page, cards: c.rows.map((r) => toCard(r, discounts.get(r.id) ?? null)) })),
    followUpsDue: dueRows.map((r) => toCard(r, discounts.get(r.id) ?? null)),
  };
}

export async function getCard({ shop, checkoutId }: { shop: string; checkoutId: string }): Promise<BoardCard | null> {
  const r = await db.checkout.findFirst({ where: { id: checkoutId, shop }, select: CARD_SELECT });
  if (!r) return null;
  const d = await discountsFor(shop, [r.id]);
  return toCard(r, d.get(r.id) ?? null);
}
