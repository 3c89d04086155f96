// The Overview's setup checklist until a shop is set up: app embed on, a sending channel ready, sender identity,
// cadence reviewed. Each item links to where it is done. Pure.

export type SetupItemId = "embed" | "channel" | "sender" | "cadence";

export interface SetupItem {
  id: SetupItemId;
  label: string;
  done: boolean;
  /** What is missing, or what was found, in words a merchant can act on. */
  detail: string;
  /** Where it is done: a Settings anchor, or the theme editor's deep link (external). */
  url: string;
  external: boolean;
}

export interface SetupFacts {
  embedActive: boolean | null;
  themeEditorUrl: string;
  /** Channels whose last real provider call succeeded (push: keys and embed on). */
  readyChannels: string[];
  /** The name shoppers see: Settings' sender name, else the shop's name from its Shopify profile (null = unknown). */
  senderName: string | null;
  /** The address email comes from: Settings' sender email, else the app's default sender (null = none). */
  senderEmail: string | null;
  cadenceReviewed: boolean;
}

const CHANNEL_NAMES: Record<string, string> = { email: "Email", push: "Push", whatsapp: "WhatsApp" };

export function setupChecklist(f: SetupFacts): { items: SetupItem[]; complete: boolean } {
  const ready = f.readyChannels.map((c) => CHANNEL_NAMES[c] ?? c);
  const items: SetupItem[] = [
    {
      id: "embed",
      label: "Turn on the app embed in your theme",
      done: f.embedActive === true,
      detail:
        f.embedActive === true
          ? "The app embed is on in the live theme."
          : f.embedActive === false
            ? "The app embed is off in the live theme: shoppers are not asked for push permission."
            : "The theme could not be checked yet.",
      url: f.themeEditorUrl,
      external: true,
    },
    {
      id: "channel",
      label: "Get a sending channel ready",
      done: ready.length > 0,
      detail: ready.length
        ? `Ready: ${ready.join(", ")}.`
        : "No channel has sent successfully yet: send a test email or a test WhatsApp message from Settings.",
      url: "/app/settings#channels",
      external: false,
    },
    {
      id: "sender",
      label: "Set who messages come from",
      done: !!f.senderName && !!f.senderEmail,
      detail:
        f.senderName && f.senderEmail
          ? `Messages come from ${f.senderName} <${f.senderEmail}>.`
          : !f.senderName
            ? "The shop's name is not known yet: set a sender name."
            : "No sender email: set one in Settings.",
      url: "/app/settings#channels",
      external: false,
    },
    {
      id: "cadence",
      label: "Review the cadence",
      done: f.cadenceReviewed,
      detail: f.cadenceReviewed ? "Cadence reviewed." : "Check when each reminder goes out and on which channels, then save.",
      url: "/app/settings#cadence",
      external: false,
    },
  ];
  return { items, complete: items.every((i) => i.done) };
}
