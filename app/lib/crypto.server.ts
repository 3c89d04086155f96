// Secrets at rest and link signing, both rooted in APP_ENCRYPTION_KEY (64 hex chars = 32 bytes).
// - encryptSecret/decryptSecret: AES-256-GCM, random 96-bit IV, output "v1.<iv>.<tag>.<ciphertext>" (base64url).
// - linkSigningKey: a separate HMAC key derived from the same root (HKDF-SHA256, its own label), so a link token
//   never exposes or reuses the encryption key itself.
import crypto from "node:crypto";

export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EncryptionKeyError";
  }
}

/** The 32-byte root key from APP_ENCRYPTION_KEY; throws an EncryptionKeyError naming the problem. */
export function rootKey(hex: string | undefined = process.env.APP_ENCRYPTION_KEY): Buffer {
  const v = (hex ?? "").trim();
  if (!v) throw new EncryptionKeyError("APP_ENCRYPTION_KEY is not set");
  if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new EncryptionKeyError("APP_ENCRYPTION_KEY must be 64 hex characters (32 bytes)");
  return Buffer.from(v, "hex");
}

/** Whether APP_ENCRYPTION_KEY is usable, and if not, why (for channel status). */
export function encryptionKeyProblem(hex: string | undefined = process.env.APP_ENCRYPTION_KEY): string | null {
  try {
    rootKey(hex);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

function derive(root: Buffer, label: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", root, Buffer.alloc(0), Buffer.from(label, "utf8"), 32));
}

const VERSION = "v1";

export function encryptSecret(plaintext: string, hex?: string): string {
  const key = derive(rootKey(hex), "checkout-recovery/secrets/v1");
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ct.toString("base64url")].join(".");
}

/** Throws when the value was tampered with or encrypted under another key. */
export function decryptSecret(value: string, hex?: string): string {
  const parts = value.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new Error("not an encrypted value");
  const [, ivB, tagB, ctB] = parts;
  const key = derive(rootKey(hex), "checkout-recovery/secrets/v1");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(ivB, "base64url"));
  decipher.setAuthTag(Buffer.from(tagB, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ctB, "base64url")), decipher.final()]).toString("utf8");
}

const linkKeyCache = new Map<string, Buffer>();

/** The HMAC key for link tokens (click, open, unsubscribe). */
export function linkSigningKey(hex: string | undefined = process.env.APP_ENCRYPTION_KEY): Buffer {
  const cacheKey = hex ?? "";
  const hit = linkKeyCache.get(cacheKey);
  if (hit) return hit;
  const key = derive(rootKey(hex), "checkout-recovery/link-tokens/v1");
  linkKeyCache.set(cacheKey, key);
  return key;
}
