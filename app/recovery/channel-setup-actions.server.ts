// The Settings page's channel actions (intent=...): the WhatsApp access token (write-only: stored encrypted, never
// sent back), "Send test message", "Send test email"; and what a settings save changes for setup (the cadence
// counts as reviewed; a changed WhatsApp or sender setup forgets its last check, which said nothing about the new one).
import type { Settings } from "../lib/settings";
import { log } from "../log.server";
import { clearChannelCheck } from "../models/channel-checks.server";
import { deleteShopSecret, saveShopSecret, WHATSAPP_TOKEN_SECRET } from "../models/shop-secrets.server";
import { encryptionKeyProblem } from "../lib/crypto.server";
import type { ShopView } from "../channels/types";
import { sendEmailTest, sendWhatsAppTest } from "./channel-setup.server";
import { forgetSendVerdicts } from "./wiring.server";

export const CHANNEL_INTENTS = ["whatsapp-token-save", "whatsapp-token-remove", "whatsapp-test", "email-test"] as const;
export type ChannelIntent = (typeof CHANNEL_INTENTS)[number];

export function isChannelIntent(v: unknown): v is ChannelIntent {
  return typeof v === "string" && (CHANNEL_INTENTS as readonly string[]).includes(v);
}

export interface IntentAnswer {
  status: number;
  body: { ok: boolean; intent: ChannelIntent; message: string; field?: string };
}

/** A Cloud API access token: one word of URL-safe characters (Meta's tokens start with "EAA"). */
export function tokenProblem(raw: string): string | null {
  const t = raw.trim();
  if (!t) return "Paste the access token.";
  if (/\s/.test(t)) return "The token cannot contain spaces or line breaks.";
  if (t.length < 20 || t.length > 1024) return "That does not look like a WhatsApp access token (20 to 1024 characters).";
  if (!/^[A-Za-z0-9_\-.|]+$/.test(t)) return "The token may contain only letters, digits and - _ . |";
  return null;
}

export async function runChannelIntent(a: {
  intent: ChannelIntent;
  form: FormData;
  shop: ShopView;
  staff: string;
  now: Date;
  env?: NodeJS.ProcessEnv;
}): Promise<IntentAnswer> {
  const { intent, form, shop, now } = a;
  const field = (name: string) => String(form.get(name) ?? "");
  const answer = (status: number, ok: boolean, message: string, f?: string): IntentAnswer => ({
    status,
    body: { ok, intent, message, ...(f ? { field: f } : {}) },
  });
  switch (intent) {
    case "whatsapp-token-save": {
      const problem = tokenProblem(field("token"));
      if (problem) {
        log.warn({ shop: shop.domain, intent }, "whatsapp token refused: not a token"); // never the value
        return answer(422, false, problem, "token");
      }
      const keyProblem = encryptionKeyProblem((a.env ?? process.env).APP_ENCRYPTION_KEY);
      if (keyProblem) return answer(503, false, "The app cannot store secrets right now (its encryption key is missing): ask the app's operator.");
      await saveShopSecret({ shop: shop.domain, name: WHATSAPP_TOKEN_SECRET, value: field("token").trim() });
      await clearChannelCheck(shop.domain, "whatsapp");
      forgetSendVerdicts(shop.domain);
      log.info({ shop: shop.domain, staff: a.staff }, "whatsapp token replaced");
      return answer(200, true, "Access token saved. Send a test message to check it.");
    }
    case "whatsapp-token-remove": {
      await deleteShopSecret({ shop: shop.domain, name: WHATSAPP_TOKEN_SECRET });
      await clearChannelCheck(shop.domain, "whatsapp");
      forgetSendVerdicts(shop.domain);
      log.info({ shop: shop.domain, staff: a.staff }, "whatsapp token removed");
      return answer(200, true, "Access token removed.");
    }
    case "whatsapp-test": {
      const r = await sendWhatsAppTest({ shop, phone: field("phone"), now, env: a.env });
      forgetSendVerdicts(shop.domain); // the next real send's verdict is written, whatever this process saw before
      return answer(r.ok ? 200 : !r.ok && r.input ? 422 : 502, r.ok, r.detail, !r.ok && r.input ? "phone" : undefined);
    }
    case "email-test": {
      const r = await sendEmailTest({ shop, email: field("email"), now, env: a.env });
      forgetSendVerdicts(shop.domain);
      return answer(r.ok ? 200 : !r.ok && r.input ? 422 : 502, r.ok, r.detail, !r.ok && r.input ? "email" : undefined);
    }
  }
}

/** Settings as saved from the page: saving them reviews the cadence (the Overview's checklist item). */
export function asReviewed(settings: Settings): Settings {
  return { ...settings, setup: { ...settings.setup, cadenceReviewed: true } };
}

/** After a save: forget checks whose setup changed. */
export async function afterSettingsSaved(shop: string, before: Settings, after: Settings) {
  const wa = (s: Settings) => JSON.stringify([s.whatsapp.phoneNumberId, s.whatsapp.templateLanguage, s.whatsapp.templates]);
  if (wa(before) !== wa(after)) {
    await clearChannelCheck(shop, "whatsapp");
    forgetSendVerdicts(shop);
  }
  if (before.sender.fromEmail !== after.sender.fromEmail) {
    await clearChannelCheck(shop, "email");
    forgetSendVerdicts(shop);
  }
}
