// The Overview's setup checklist for one shop: the embed status, the channels' last real calls, the sender and
// whether the cadence was reviewed (app/lib/setup-checklist.ts decides).
import type { Shop } from "@prisma/client";
import { adminStoreName } from "../lib/admin-links";
import { setupChecklist, type SetupItem } from "../lib/setup-checklist";
import type { Settings } from "../lib/settings";
import { toShopView } from "../lib/shop-view";
import { getEmbedStatus, type EmbedStatus } from "../storefront/embed-status.server";
import { loadChannelSetup } from "./channel-setup.server";

export async function loadSetupChecklist(
  shop: Shop,
  settings: Settings,
  o: { env?: NodeJS.ProcessEnv; embed?: (domain: string) => Promise<EmbedStatus> } = {},
): Promise<{ items: SetupItem[]; complete: boolean }> {
  const e = o.env ?? process.env;
  const embed = await (o.embed ?? getEmbedStatus)(shop.domain);
  const channels = await loadChannelSetup(toShopView(shop, settings), { embedActive: embed.active, env: e });
  return setupChecklist({
    embedActive: embed.active,
    themeEditorUrl: embed.themeEditorUrl,
    readyChannels: Object.entries(channels)
      .filter(([, c]) => c.ready)
      .map(([name]) => name),
    senderName: settings.sender.fromName?.trim() || profileName(shop),
    senderEmail: settings.sender.fromEmail ?? e.SENDGRID_FROM_EMAIL ?? null,
    cadenceReviewed: settings.setup.cadenceReviewed,
  });
}

/** The shop's name as Shopify told us; not the store handle an install without a profile stands in with. */
function profileName(shop: Shop): string | null {
  const name = shop.name.trim();
  if (!name) return null;
  if (!shop.profileSyncedAt && name === adminStoreName(shop.domain)) return null;
  return name;
}
