// The last real call made to each channel's provider for a shop (a test from Settings, or a real send): Settings
// says Ready only when it succeeded, and shows its detail otherwise.
import { db } from "../db.server";
import type { ChannelName } from "../channels/types";

export interface ChannelCheckView {
  ok: boolean;
  detail: string | null;
  checkedAt: Date;
}

export async function recordChannelCheck(c: { shop: string; channel: ChannelName; ok: boolean; detail: string | null; now: Date }) {
  await db.channelCheck.upsert({
    where: { shop_channel: { shop: c.shop, channel: c.channel } },
    create: { shop: c.shop, channel: c.channel, ok: c.ok, detail: c.detail, checkedAt: c.now },
    update: { ok: c.ok, detail: c.detail, checkedAt: c.now },
  });
}

export async function getChannelChecks(shop: string): Promise<Partial<Record<ChannelName, ChannelCheckView>>> {
  const rows = await db.channelCheck.findMany({ where: { shop }, select: { channel: true, ok: true, detail: true, checkedAt: true } });
  const out: Partial<Record<ChannelName, ChannelCheckView>> = {};
  for (const r of rows) out[r.channel as ChannelName] = { ok: r.ok, detail: r.detail, checkedAt: r.checkedAt };
  return out;
}

/** Forget a channel's check (its credentials changed: the old result says nothing about the new ones). */
export async function clearChannelCheck(shop: string, channel: ChannelName) {
  await db.channelCheck.deleteMany({ where: { shop, channel } });
}
