// Web push message encryption (RFC 8291) with the aes128gcm content coding (RFC 8188), on node:crypto directly.
// Every message gets a fresh ephemeral P-256 key pair and a fresh random 16-byte salt (RFC 8291 section 3.1 / 4):
// nothing derived from them is ever reused. What is fixed per subscription (the decoded, validated ua_public and
// auth secret, and the "WebPush: info\0" || ua_public prefix of the key info) is computed once by preparePushKeys.
//
//   ecdh_secret = ECDH(as_private, ua_public)
//   IKM   = HKDF(salt = auth_secret, ikm = ecdh_secret, info = "WebPush: info\0" || ua_public || as_public, 32)
//   PRK   = HKDF-Extract(salt, IKM)
//   CEK   = HKDF-Expand(PRK, "Content-Encoding: aes128gcm\0", 16)
//   NONCE = HKDF-Expand(PRK, "Content-Encoding: nonce\0", 12)
//   body  = salt(16) || rs(4) || idlen(1) = 65 || as_public(65) || AES-128-GCM(CEK, NONCE, plaintext || 0x02) || tag
//
// Each HKDF output here is at most one SHA-256 block, so Expand is a single HMAC(PRK, info || 0x01): five HMACs in
// all (crypto.hkdfSync would do six, and costs more per call). One record only: a push body is at most 4096 bytes.
import crypto from "node:crypto";

/** Record size written in the header (the usual value; one record always holds a push payload). */
export const PUSH_RECORD_SIZE = 4096;
/** salt (16) + rs (4) + idlen (1) + keyid = as_public (65). */
export const AES128GCM_HEADER_BYTES = 86;
const TAG_BYTES = 16;
const KEY_INFO_PREFIX = Buffer.from("WebPush: info\0", "latin1");
const CEK_INFO = Buffer.from("Content-Encoding: aes128gcm\0\x01", "latin1");
const NONCE_INFO = Buffer.from("Content-Encoding: nonce\0\x01", "latin1");
const ONE = Buffer.from([1]);

/** A subscription's keys, decoded and checked once. */
export interface PreparedPushKeys {
  /** ua_public: the subscription's uncompressed P-256 point (65 bytes). */
  readonly uaPublic: Buffer;
  /** auth_secret (16 bytes from browsers). */
  readonly auth: Buffer;
  /** "WebPush: info\0" || ua_public: the fixed start of the key info. */
  readonly keyInfoPrefix: Buffer;
}

export class InvalidPushKeysError extends Error {
  readonly code = "EPUSHKEYS";
}

/** Decodes and validates a subscription's p256dh (a point on P-256) and auth secret (>= 16 bytes). Throws InvalidPushKeysError. */
export function preparePushKeys(p256dh: string, auth: string): PreparedPushKeys {
  const uaPublic = Buffer.from(p256dh, "base64url");
  if (uaPublic.length !== 65 || uaPublic[0] !== 4) throw new InvalidPushKeysError("the subscription p256dh is not an uncompressed P-256 public key");
  try {
    // Decoding the point checks that it is on the curve (ECDH with a bad point would fail on every message).
    crypto.ECDH.convertKey(uaPublic, "prime256v1", undefined, undefined, "uncompressed");
  } catch {
    throw new InvalidPushKeysError("the subscription p256dh is not a point on P-256");
  }
  const authSecret = Buffer.from(auth, "base64url");
  if (authSecret.length < 16) throw new InvalidPushKeysError("the subscription auth secret is shorter than 16 bytes");
  return { uaPublic, auth: authSecret, keyInfoPrefix: Buffer.concat([KEY_INFO_PREFIX, uaPublic]) };
}

function hmac(key: Buffer, ...data: Buffer[]): Buffer {
  const h = crypto.createHmac("sha256", key);
  for (const d of data) h.update(d);
  return h.digest();
}

/**
 * aes128gcm body for one message with the given ephemeral key pair and salt. Exposed for the RFC 8291 test vector
 * only: senders call encryptPushPayload, which makes both fresh for every message.
 */
export function encryptPushPayloadWith(plaintext: string | Buffer, keys: PreparedPushKeys, ephemeral: crypto.ECDH, salt: Buffer, asPublic: Buffer = ephemeral.getPublicKey()): Buffer {
  if (salt.length !== 16) throw new Error("the salt must be 16 bytes");
  if (asPublic.length !== 65) throw new Error("the ephemeral public key must be an uncompressed P-256 point");
  const size = typeof plaintext === "string" ? Buffer.byteLength(plaintext, "utf8") : plaintext.length;
  if (size + 1 + TAG_BYTES > PUSH_RECORD_SIZE) throw new Error("push payload does not fit one record");
  const ecdhSecret = ephemeral.computeSecret(keys.uaPublic);
  const prkKey = hmac(keys.auth, ecdhSecret);
  const ikm = hmac(prkKey, keys.keyInfoPrefix, asPublic, ONE);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, CEK_INFO).subarray(0, 16);
  const nonce = hmac(prk, NONCE_INFO).subarray(0, 12); // record 0: the nonce is NONCE xor 0

  // One buffer for the whole body: header, then plaintext || 0x02 encrypted in place, then the tag.
  const out = Buffer.allocUnsafe(AES128GCM_HEADER_BYTES + size + 1 + TAG_BYTES);
  salt.copy(out, 0);
  out.writeUInt32BE(PUSH_RECORD_SIZE, 16);
  out[20] = 65;
  asPublic.copy(out, 21);
  const start = AES128GCM_HEADER_BYTES;
  if (typeof plaintext === "string") out.write(plaintext, start, size, "utf8");
  else plaintext.copy(out, start);
  out[start + size] = 2; // padding delimiter of the last (only) record, no padding
  const cipher = crypto.createCipheriv("aes-128-gcm", cek, nonce);
  const enc = cipher.update(out.subarray(start, start + size + 1));
  enc.copy(out, start);
  const fin = cipher.final(); // empty for GCM
  if (fin.length) fin.copy(out, start + enc.length);
  cipher.getAuthTag().copy(out, start + size + 1);
  return out;
}

// The ECDH object is only a holder: generateKeys() draws a new random private key (and its public key) into it for
// every message, replacing the previous message's pair, so each message still has its own ephemeral key pair. It
// saves creating the P-256 group object per message. Safe because encryption is synchronous (nothing interleaves
// between generateKeys and computeSecret); each worker thread has its own module instance.
let ephemeralHolder: crypto.ECDH | null = null;

// Salts come from a CSPRNG pool refilled every 256 messages (one RNG call instead of one per message); each 16-byte
// slice is used once, copied into the body and the HMAC key, and never handed out again.
const SALT_POOL = Buffer.allocUnsafe(16 * 256);
let saltOffset = SALT_POOL.length;
function freshSalt(): Buffer {
  if (saltOffset >= SALT_POOL.length) {
    crypto.randomFillSync(SALT_POOL);
    saltOffset = 0;
  }
  const salt = SALT_POOL.subarray(saltOffset, saltOffset + 16);
  saltOffset += 16;
  return salt;
}

/** RFC 8291 aes128gcm body: a new ephemeral ECDH P-256 key pair and a new random salt for this message alone. */
export function encryptPushPayload(plaintext: string | Buffer, keys: PreparedPushKeys): Buffer {
  const ephemeral = (ephemeralHolder ??= crypto.createECDH("prime256v1"));
  const asPublic = ephemeral.generateKeys();
  return encryptPushPayloadWith(plaintext, keys, ephemeral, freshSalt(), asPublic);
}
