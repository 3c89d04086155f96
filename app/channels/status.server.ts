// Whether each channel can send for a shop, and if not, why (shown in Settings and in the logs).
// Missing credentials disable a channel; they never crash the app.
import type { ChannelName, ChannelStatus, ShopView } from "./types";

export function channelStatuses(shop: ShopView, e: NodeJS.ProcessEnv = process.env): Record<ChannelName, ChannelStatus> {
  const email: ChannelStatus = e.SENDGRID_API_KEY
    ? e.SENDGRID_FROM_EMAIL || shop.settings.sender.fromEmail
      ? { enabled: true }
      : { enabled: false, reason: "No sender address: set SENDGRID_FROM_EMAIL or a sender email in Settings" }
    : { enabled: false, reason: "SENDGRID_API_KEY is not set" };
  const push: ChannelStatus = { enabled: true };
  const wa = shop.settings.whatsapp;
  const whatsapp: ChannelStatus = !wa.enabled
    ? { enabled: false, reason: "WhatsApp is turned off in Settings" }
    : !wa.phoneNumberId
      ? { enabled: false, reason: "No WhatsApp phone number id in Settings" }
      : { enabled: true };
  return { email, push, whatsapp };
}
