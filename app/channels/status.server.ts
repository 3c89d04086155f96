// Whether each channel can send for a shop, and if not, why (shown in Settings and in the logs).
// Missing credentials disable a channel; they never crash the app.
import { encryptionKeyProblem } from "../lib/crypto.server";
import type { ChannelName, ChannelStatus, ShopView } from "./types";

export interface StatusExtras {
  /** A WhatsApp access token is stored (encrypted) for this shop. */
  whatsappTokenStored?: boolean;
}

export function channelStatuses(shop: ShopView, e: NodeJS.ProcessEnv = process.env, extras: StatusExtras = {}): Record<ChannelName, ChannelStatus> {
  const keyProblem = encryptionKeyProblem(e.APP_ENCRYPTION_KEY);
  const email: ChannelStatus = !e.SENDGRID_API_KEY
    ? { enabled: false, reason: "SENDGRID_API_KEY is not set" }
    : !(e.SENDGRID_FROM_EMAIL || shop.settings.sender.fromEmail)
      ? { enabled: false, reason: "No sender address: set SENDGRID_FROM_EMAIL or a sender email in Settings" }
      : keyProblem
        ? { enabled: false, reason: `Tracked and unsubscribe links cannot be signed: ${keyProblem}` }
        : !e.SHOPIFY_APP_URL
          ? { enabled: false, reason: "SHOPIFY_APP_URL is not set (needed for tracked and unsubscribe links)" }
          : { enabled: true };

  const vapidFromEnv = !!(e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY);
  const push: ChannelStatus =
    !vapidFromEnv && keyProblem
      ? {
          enabled: false,
          reason: `No VAPID keys: set VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY, or APP_ENCRYPTION_KEY so keys can be generated and stored (${keyProblem})`,
        }
      : keyProblem
        ? { enabled: false, reason: `Tracked links cannot be signed: ${keyProblem}` }
        : !e.SHOPIFY_APP_URL
          ? { enabled: false, reason: "SHOPIFY_APP_URL is not set (needed for tracked links)" }
          : { enabled: true };

  const wa = shop.settings.whatsapp;
  const hasToken = !!e.WHATSAPP_ACCESS_TOKEN || extras.whatsappTokenStored === true;
  const whatsapp: ChannelStatus = !wa.enabled
    ? { enabled: false, reason: "WhatsApp is turned off in Settings" }
    : !wa.phoneNumberId
      ? { enabled: false, reason: "No WhatsApp phone number id in Settings" }
      : extras.whatsappTokenStored === undefined && !e.WHATSAPP_ACCESS_TOKEN
        ? { enabled: true } // token presence unknown here (stored per shop): checked at send time
        : !hasToken
          ? { enabled: false, reason: "No WhatsApp access token: save one in Settings or set WHATSAPP_ACCESS_TOKEN" }
          : keyProblem && !e.WHATSAPP_ACCESS_TOKEN
            ? { enabled: false, reason: `The stored WhatsApp token cannot be decrypted: ${keyProblem}` }
            : { enabled: true };
  return { email, push, whatsapp };
}
