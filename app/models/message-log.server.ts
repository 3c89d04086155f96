// The Logs page: every orchestrated message inside the shop's retention, newest first, a page at a time.
// Bodies are not read for the list; only the one message being previewed.
import type { Prisma } from "@prisma/client";
import { db } from "../db.server";

export const LOG_PAGE_SIZE = 25;

export interface LogFilters {
  channel: string | null;
  status: string | null;
  step: string | null;
}

export function parseLogFilters(params: URLSearchParams): LogFilters {
  const clean = (v: string | null) => (v && /^[a-z0-9_:-]{1,40}$/i.test(v) ? v : null);
  return { channel: clean(params.get("channel")), status: clean(params.get("status")), step: clean(params.get("step")) };
}

export async function listMessageLog({
  shop,
  filters,
  page,
  retentionDays,
  now,
  pageSize = LOG_PAGE_SIZE,
}: {
  shop: string;
  filters: LogFilters;
  page: number;
  retentionDays: number;
  now: Date;
  pageSize?: number;
}) {
  const since = new Date(now.getTime() - retentionDays * 86_400_000);
  const where: Prisma.MessageWhereInput = {
    shop,
    createdAt: { gte: since },
    ...(filters.channel ? { channel: filters.channel } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.step ? { stepId: filters.step } : {}),
  };
  const [total, rows] = await Promise.all([
    db.message.count({ where }),
    db.message.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        checkoutId: true,
        stepId: true,
        stepIndex: true,
        channel: true,
        status: true,
        skipReason: true,
        lastError: true,
        attempts: true,
        recipient: true,
        subject: true,
        incentiveCode: true,
        sentAt: true,
        deliveredAt: true,
        openedAt: true,
        clickedAt: true,
        failedAt: true,
        createdAt: true,
        purgedAt: true,
        checkout: { select: { firstName: true, lastName: true, email: true } },
      },
    }),
  ]);
  return { since, total, rows };
}

export async function getMessagePreview({ shop, messageId }: { shop: string; messageId: string }) {
  return db.message.findFirst({
    where: { id: messageId, shop },
    select: { id: true, channel: true, subject: true, bodyHtml: true, bodyText: true, purgedAt: true, recipient: true },
  });
}
