// Per-shop credentials, encrypted at rest (AES-256-GCM under APP_ENCRYPTION_KEY), and app-wide generated material.
import { db } from "../db.server";
import { decryptSecret, encryptSecret } from "../lib/crypto.server";

/** The name under which a shop's WhatsApp Cloud API access token is stored (Settings; write-only). */
export const WHATSAPP_TOKEN_SECRET = "whatsapp_access_token";

export async function saveShopSecret(args: { shop: string; name: string; value: string }) {
  const ciphertext = encryptSecret(args.value);
  await db.shopSecret.upsert({
    where: { shop_name: { shop: args.shop, name: args.name } },
    create: { shop: args.shop, name: args.name, ciphertext },
    update: { ciphertext },
  });
}

/** The decrypted secret, or null when none is stored (or it cannot be decrypted: wrong key). */
export async function getShopSecret(args: { shop: string; name: string }): Promise<string | null> {
  const row = await db.shopSecret.findUnique({ where: { shop_name: { shop: args.shop, name: args.name } }, select: { ciphertext: true } });
  if (!row) return null;
  try {
    return decryptSecret(row.ciphertext);
  } catch {
    return null;
  }
}

export async function deleteShopSecret(args: { shop: string; name: string }) {
  await db.shopSecret.deleteMany({ where: { shop: args.shop, name: args.name } });
}
