// The "Needs a person" queue: handed-off checkouts still open (not ordered, not Recovered or Lost), most urgent first
// and, within a priority, the one waiting longest first. One SQL query per page, on both databases.
import { db, dbProvider } from "../db.server";
import { placeholders } from "./sql-placeholders.server";
import type { Priority } from "../lib/board";
import { customerName, productSummary } from "../lib/board";
import { QUEUE_PAGE_SIZE, queueReasons, type QueueFilters, type QueueReason } from "../lib/handoff-queue";
import { int64, int64OrNull } from "./int64-columns.server";

export interface QueueRow {
  id: string;
  name: string;
  product: string;
  priority: Priority;
  reasons: QueueReason[];
  /** The latest reply's topic and channel, when the shopper replied. */
  topic: string | null;
  replyChannel: string | null;
  handedOffAt: string | null;
  waitingMinutes: number;
  owner: string | null;
  followUpAt: string | null;
  followUpDue: boolean;
  totalMinor: number;
  currency: string;
  shopTotalMinor: number | null;
  shopCurrency: string | null;
  stage: string;
}

const RANK = "CASE c.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END";
const LATEST_REPLY = (col: string) =>
  `(SELECT e.${col} FROM conversation_entry e WHERE e.checkout_id = c.id AND e.direction = 'inbound' ORDER BY e.created_at DESC, e.id DESC LIMIT 1)`;

function whereOf(shop: string, f: QueueFilters, now: Date): { where: string; params: unknown[] } {
  const parts = ["c.shop = ?", "c.handoff = ?", "c.stage IN ('abandoned', 'contacted', 'negotiating')", "c.completed_at IS NULL"];
  const params: unknown[] = [shop, dbProvider === "postgresql" ? true : 1];
  if (f.reason) {
    parts.push("(',' || COALESCE(c.handoff_reason, '') || ',') LIKE ?");
    params.push(`%,${f.reason},%`);
  }
  if (f.owner === "unassigned") parts.push("c.owner IS NULL");
  else if (f.owner) {
    parts.push("c.owner = ?");
    params.push(f.owner);
  }
  if (f.due) {
    parts.push("c.follow_up_at IS NOT NULL AND c.follow_up_at <= ?");
    params.push(now);
  }
  if (f.priority) {
    parts.push("c.priority = ?");
    params.push(f.priority);
  }
  if (f.topic) {
    parts.push(`${LATEST_REPLY("classification")} = ?`);
    params.push(f.topic);
  }
  if (f.channel) {
    parts.push(`${LATEST_REPLY("channel")} = ?`);
    params.push(f.channel);
  }
  return { where: parts.join(" AND "), params };
}

export async function listQueue({ shop, filters, now }: { shop: string; filters: QueueFilters; now: Date }): Promise<{ rows: QueueRow[]; total: number }> {
  const { where, params } = whereOf(shop, filters, now);
  const waitingSince = "COALESCE(c.handed_off_at, c.stage_changed_at, c.abandoned_at)";
  const [rows, counted] = await Promise.all([
    db.$queryRawUnsafe<Array<Record<string, unknown>>>(
      placeholders(`SELECT c.id, c.first_name, c.last_name, c.email, c.line_items, c.priority, c.handoff_reason, c.owner, c.follow_up_at, c.total_minor,
              c.currency, c.shop_total_minor, c.shop_currency, c.stage, ${waitingSince} AS waiting_since,
              ${LATEST_REPLY("classification")} AS topic, ${LATEST_REPLY("channel")} AS reply_channel
           FROM checkout c WHERE ${where}
           ORDER BY ${RANK}, ${waitingSince} ASC, c.id ASC LIMIT ${QUEUE_PAGE_SIZE} OFFSET ${(filters.page - 1) * QUEUE_PAGE_SIZE}`),
      ...params,
    ),
    db.$queryRawUnsafe<Array<{ n: unknown }>>(placeholders(`SELECT COUNT(*) AS n FROM checkout c WHERE ${where}`), ...params),
  ]);
  const date = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
  return {
    total: Number(counted[0]?.n ?? 0),
    rows: rows.map((r) => {
      const since = date(r.waiting_since);
      const follow = date(r.follow_up_at);
      let items: Array<{ title?: unknown; quantity?: unknown }> = [];
      try {
        items = JSON.parse(String(r.line_items ?? "[]"));
      } catch {
        items = [];
      }
      return {
        id: String(r.id),
        name: customerName({ firstName: (r.first_name as string) ?? null, lastName: (r.last_name as string) ?? null, email: (r.email as string) ?? null }),
        product: productSummary(items).product,
        priority: String(r.priority) as Priority,
        reasons: queueReasons((r.handoff_reason as string) ?? null),
        topic: (r.topic as string) ?? null,
        replyChannel: (r.reply_channel as string) ?? null,
        handedOffAt: since?.toISOString() ?? null,
        waitingMinutes: since ? Math.max(0, (now.getTime() - since.getTime()) / 60_000) : 0,
        owner: (r.owner as string) ?? null,
        followUpAt: follow?.toISOString() ?? null,
        followUpDue: !!follow && follow <= now,
        totalMinor: int64(r.total_minor as number),
        currency: String(r.currency),
        shopTotalMinor: int64OrNull(r.shop_total_minor as number | null),
        shopCurrency: (r.shop_currency as string) ?? null,
        stage: String(r.stage),
      };
    }),
  };
}
