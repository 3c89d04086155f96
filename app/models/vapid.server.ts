// VAPID keys for web push: from env (VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY / VAPID_SUBJECT), or generated once and
// stored in AppSetting with the private key encrypted (AES-256-GCM under APP_ENCRYPTION_KEY). Concurrent first
// calls (two processes) converge on one stored pair: the loser of the insert reads the winner's keys.
import webpush from "web-push";
import { db } from "../db.server";
import { decryptSecret, encryptSecret } from "../lib/crypto.server";
import { isUniqueViolation } from "./webhook-events.server";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

const SETTING = "vapid_keys";
let cached: Promise<VapidKeys> | null = null;

function subjectFrom(e: NodeJS.ProcessEnv): string {
  const s = e.VAPID_SUBJECT?.trim();
  if (s && /^(mailto:|https:)/.test(s)) return s;
  const app = e.SHOPIFY_APP_URL?.trim();
  return app && app.startsWith("https:") ? app : "mailto:push@checkout-recovery.invalid";
}

async function load(e: NodeJS.ProcessEnv): Promise<VapidKeys> {
  if (e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY)
    return { publicKey: e.VAPID_PUBLIC_KEY.trim(), privateKey: e.VAPID_PRIVATE_KEY.trim(), subject: subjectFrom(e) };
  const read = async () => {
    const row = await db.appSetting.findUnique({ where: { name: SETTING } });
    if (!row) return null;
    const v = JSON.parse(row.value) as { publicKey: string; privateKeyEnc: string };
    return { publicKey: v.publicKey, privateKey: decryptSecret(v.privateKeyEnc), subject: subjectFrom(e) };
  };
  const existing = await read();
  if (existing) return existing;
  const generated = webpush.generateVAPIDKeys();
  try {
    await db.appSetting.create({
      data: { name: SETTING, value: JSON.stringify({ publicKey: generated.publicKey, privateKeyEnc: encryptSecret(generated.privateKey) }) },
    });
    return { ...generated, subject: subjectFrom(e) };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await read();
    if (!winner) throw error;
    return winner;
  }
}

/** The VAPID key pair (cached per process). */
export function getVapidKeys(e: NodeJS.ProcessEnv = process.env): Promise<VapidKeys> {
  if (!cached) {
    cached = load(e);
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

/** The public key the storefront passes to pushManager.subscribe({ applicationServerKey }). */
export async function getVapidPublicKey(): Promise<string> {
  return (await getVapidKeys()).publicKey;
}

/** For tests (the AppSetting table is reset between cases). */
export function forgetVapidKeys() {
  cached = null;
}
