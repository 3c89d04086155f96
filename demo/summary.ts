// The demo's closing numbers, read from the database the app wrote (not from the simulation's own bookkeeping).
import { merchantCurrency } from "../app/lib/shop-view";
import type { Db } from "../app/db.server";
import { SENT_STATUSES } from "../app/lib/attribution";
import { enteredCadence } from "../app/lib/metric-facts";
import type { CadenceStep } from "../app/lib/settings";

const END_OF_STORY = new Date(8.64e15);

export const MESSAGE_CHANNELS = ["email", "push", "whatsapp"] as const;

export interface DemoSummary {
  checkouts: number;
  abandoned: number;
  orderedBeforeMessage: number;
  messagesSent: number;
  byStep: Array<{ stepId: string; label: string; email: number; push: number; whatsapp: number; total: number }>;
  byChannel: Record<(typeof MESSAGE_CHANNELS)[number], number>;
  staffAlerts: number;
  recovered: number;
  recoveredRevenueMinor: number;
  currency: string;
  recoveryRate: number;
  handoffs: number;
  replies: number;
  negotiating: number;
  lost: number;
  incentivesIssued: number;
  incentivesUsed: number;
  skipped: Record<string, number>;
  /** Messages that failed, by channel and first reason. */
  failed: Record<string, number>;
}

export async function readSummary(db: Db, shop: string, steps: CadenceStep[]): Promise<DemoSummary> {
  const shopRow = await db.shop.findUniqueOrThrow({ where: { domain: shop } });
  const sent = { in: [...SENT_STATUSES] };
  const [checkouts, abandoned, orderedBeforeMessage, recoveredAgg, handoffs, replies, negotiating, lost, staffAlerts, incentivesIssued, incentivesUsed] =
    await Promise.all([
      db.checkout.count({ where: { shop } }),
      // Abandoned as the Overview counts (app/lib/metric-facts.ts): entered the cadence, so not paid before its
      // abandonment moment; every moment of the story has come by its end.
      db.checkout
        .findMany({ where: { shop, abandonedAt: { not: null } }, select: { abandonedAt: true, completedAt: true, isTest: true } })
        .then((rows) => rows.filter((c) => enteredCadence({ ...c, abandonedAt: c.abandonedAt! }, END_OF_STORY)).length),
      db.checkout.count({ where: { shop, status: "completed", messages: { none: { status: sent, channel: { in: [...MESSAGE_CHANNELS] } } } } }),
      db.checkout.aggregate({ where: { shop, status: "recovered" }, _count: { _all: true }, _sum: { recoveredRevenueMinor: true } }),
      db.checkout.count({ where: { shop, handoff: true } }),
      db.conversationEntry.count({ where: { shop, direction: "inbound" } }),
      db.checkout.count({ where: { shop, stage: "negotiating" } }),
      db.checkout.count({ where: { shop, stage: "lost" } }),
      db.message.count({ where: { shop, channel: "staff_alert", status: sent } }),
      db.incentive.count({ where: { shop, status: { notIn: ["pending", "failed"] } } }),
      db.incentive.count({ where: { shop, status: "used" } }),
    ]);
  const grouped = await db.message.groupBy({
    by: ["stepId", "channel"],
    where: { shop, status: sent, channel: { in: [...MESSAGE_CHANNELS] } },
    _count: { _all: true },
  });
  const skippedRows = await db.message.groupBy({ by: ["skipReason"], where: { shop, status: "skipped" }, _count: { _all: true } });
  const failedRows = await db.message.groupBy({ by: ["channel", "lastError"], where: { shop, status: "failed" }, _count: { _all: true } });
  const failed: Record<string, number> = {};
  for (const r of failedRows) {
    const key = `${r.channel}: ${(r.lastError ?? "unknown").slice(0, 90)}`;
    failed[key] = (failed[key] ?? 0) + r._count._all;
  }
  const byChannel = { email: 0, push: 0, whatsapp: 0 };
  const byStep = steps.map((s) => ({ stepId: s.id, label: s.label, email: 0, push: 0, whatsapp: 0, total: 0 }));
  for (const g of grouped) {
    const ch = g.channel as keyof typeof byChannel;
    let row = byStep.find((r) => r.stepId === g.stepId);
    if (!row) byStep.push((row = { stepId: g.stepId, label: g.stepId, email: 0, push: 0, whatsapp: 0, total: 0 }));
    row[ch] += g._count._all;
    row.total += g._count._all;
    byChannel[ch] += g._count._all;
  }
  const skipped: Record<string, number> = {};
  for (const r of skippedRows) skipped[r.skipReason ?? "unspecified"] = r._count._all;
  const recovered = recoveredAgg._count._all;
  return {
    checkouts,
    abandoned,
    orderedBeforeMessage,
    messagesSent: byChannel.email + byChannel.push + byChannel.whatsapp,
    byStep,
    byChannel,
    staffAlerts,
    recovered,
    recoveredRevenueMinor: Number(recoveredAgg._sum.recoveredRevenueMinor ?? 0), // a bigint column
    currency: merchantCurrency(shopRow),
    recoveryRate: abandoned ? recovered / abandoned : 0,
    handoffs,
    replies,
    negotiating,
    lost,
    incentivesIssued,
    incentivesUsed,
    skipped,
    failed,
  };
}

function pad(s: string | number, n: number, right = false) {
  const t = String(s);
  return right ? t.padEnd(n) : t.padStart(n);
}

export function money(minor: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(minor / 100);
}

/** The summary as printed. Each figure sits on its own labelled line so a test can read it back. */
export function formatSummary(s: DemoSummary): string {
  const L = (label: string, value: string | number, note = "") => `  ${pad(label, 34, true)}${pad(value, 12)}${note ? `   ${note}` : ""}`;
  const lines = [
    L("Checkouts created", s.checkouts),
    L("Abandoned", s.abandoned, "entered the 48-hour cadence (counted as the Overview page counts)"),
    L("Ordered before any message", s.orderedBeforeMessage, "not counted as recovered"),
    L("Messages sent", s.messagesSent),
    L("Recovered", s.recovered, "ordered after a message"),
    L("Recovered revenue", money(s.recoveredRevenueMinor, s.currency)),
    L("Recovery rate", `${(s.recoveryRate * 100).toFixed(1)} %`, "recovered / abandoned"),
    L("Handoffs to a person", s.handoffs, "high value, returning customer or reply"),
    L("Staff alerts sent", s.staffAlerts),
    L("Replies received", s.replies),
    L("Negotiating now", s.negotiating),
    L("Lost (window closed)", s.lost),
    L("Discount codes issued / used", `${s.incentivesIssued} / ${s.incentivesUsed}`),
    "",
    `  ${pad("Messages by step", 28, true)}${pad("email", 8)}${pad("push", 8)}${pad("whatsapp", 10)}${pad("total", 8)}`,
    ...s.byStep.map(
      (r) => `  ${pad(`${r.stepId} ${r.label}`.slice(0, 27), 28, true)}${pad(r.email, 8)}${pad(r.push, 8)}${pad(r.whatsapp, 10)}${pad(r.total, 8)}`,
    ),
    `  ${pad("All steps", 28, true)}${pad(s.byChannel.email, 8)}${pad(s.byChannel.push, 8)}${pad(s.byChannel.whatsapp, 10)}${pad(s.messagesSent, 8)}`,
  ];
  const skipped = Object.entries(s.skipped).sort((a, b) => b[1] - a[1]);
  if (skipped.length) lines.push("", `  Not sent, by reason: ${skipped.map(([k, v]) => `${k} ${v}`).join(", ")}`);
  const failed = Object.entries(s.failed).sort((a, b) => b[1] - a[1]);
  if (failed.length) lines.push(`  Failed: ${failed.map(([k, v]) => `${v} × ${k}`).join("; ")}`);
  return lines.join("\n");
}
