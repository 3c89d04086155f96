// Engine test helpers: a tick with the recording outbox and an injected clock, bulk seeding of due checkouts.
import type { Db, DbHandle, DbProvider } from "../../app/db.server";
import { db, dbProvider } from "../../app/db.server";
import { OutboxStaffNotifier, outboxChannels, type OutboxOptions } from "../../app/channels/outbox.server";
import { bulkInsert } from "../../app/models/recovery.server";
import { runTick } from "../../app/recovery/engine.server";
import type { TickOptions } from "../../app/recovery/types";
import { TEST_SHOP } from "./constants";
import { addMinutes } from "./time";

export function makeOutbox(options: OutboxOptions = {}) {
  return { channels: outboxChannels(options), staff: new OutboxStaffNotifier() };
}

export type Outbox = ReturnType<typeof makeOutbox>;

export function tick(outbox: Outbox, now: Date, extra: Partial<TickOptions> = {}) {
  return runTick({ now, owner: extra.owner ?? "test-tick", channels: outbox.channels, staffNotifier: outbox.staff, budgetMs: 30_000, ...extra });
}

/** Tick at every moment something is due, up to `end` (no sleeping: the clock jumps). Returns the tick times. */
export async function runUntil(outbox: Outbox, end: Date, extra: Partial<TickOptions> = {}): Promise<Date[]> {
  const times: Date[] = [];
  for (let i = 0; i < 200; i++) {
    const next = await db.checkout.findFirst({
      where: { nextDueAt: { not: null, lte: end } },
      orderBy: { nextDueAt: "asc" },
      select: { nextDueAt: true, leaseUntil: true },
    });
    if (!next?.nextDueAt) break;
    const at = next.leaseUntil && next.leaseUntil > next.nextDueAt ? new Date(next.leaseUntil.getTime() + 1) : next.nextDueAt;
    times.push(at);
    await tick(outbox, at, extra);
  }
  return times;
}

/** Insert `count` checkouts whose first step is due at `dueAt` (abandoned 60 minutes before), in batches. */
export async function seedDueCheckouts(a: {
  count: number;
  dueAt: Date;
  shop?: string;
  prefix?: string;
  client?: Db;
  provider?: DbProvider;
  sqlite?: DbHandle["withSqliteConnection"];
}) {
  const client = a.client ?? db;
  const provider = a.provider ?? dbProvider;
  const shop = a.shop ?? TEST_SHOP;
  const abandonedAt = addMinutes(a.dueAt, -60);
  const created = addMinutes(abandonedAt, -20);
  const prefix = a.prefix ?? "seed";
  const lineItems = JSON.stringify([
    { title: "Linen Shirt", variantTitle: null, variantId: "1", productId: "2", quantity: 1, priceMinor: 5900, imageUrl: null, sku: null },
  ]);
  for (let i = 0; i < a.count; i += 1000) {
    const rows = [];
    for (let k = i; k < Math.min(a.count, i + 1000); k++) {
      const email = `${prefix}${k}@example.com`;
      rows.push({
        id: `${prefix}_${k}`,
        shop,
        token: `${prefix}_tok_${k}`,
        cartToken: `${prefix}_cart_${k}`,
        email,
        customerKey: `email:${email}`,
        emailConsent: true,
        firstName: "Ada",
        lineItems,
        lineItemCount: 1,
        subtotalMinor: 5900,
        totalMinor: 5900,
        abandonedCheckoutUrl: `https://${shop}/checkouts/${prefix}_tok_${k}/recover?key=k`,
        shopifyCreatedAt: created,
        shopifyUpdatedAt: created,
        status: "open",
        abandonedAt,
        nextStepIndex: 0,
        nextDueAt: a.dueAt,
      });
    }
    // Raw multi-row inserts: Prisma's createMany is slow through the driver adapters (see app/models/recovery.server.ts).
    const columns = Object.keys(rows[0]) as Array<keyof (typeof rows)[number]>;
    const snake = (k: string) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
    await bulkInsert(
      { db: client, provider, sqlite: a.sqlite },
      "checkout",
      [...columns.map((c) => snake(c)), "updated_at"],
      rows.map((r) => [...columns.map((c) => r[c]), created]),
    );
  }
}
