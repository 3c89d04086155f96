// Web push message encryption (RFC 8291) with the aes128gcm content coding (RFC 8188), on node:crypto directly.
// Every message gets a fresh ephemeral P-256 key pair and a fresh random 16-byte salt (RFC 8291 section 3.1 / 4):
// nothing derived from them is ever reused. What is fixed per subscription (the decoded, validated ua_public and
// auth secret) is computed once by preparePushKeys.
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
//
// One implementation, run in two places: the encryption is PUSH_ENCRYPTION_CORE, plain JavaScript source that the
// encryption worker threads evaluate (push-encrypt-pool.server.ts; a worker must be built from a source string, a
// worker file would not survive the Remix bundle) and that this module evaluates once for the main thread (the
// synchronous functions below, the inline path of the pool). The RFC 8291 test vector and the decrypt tests run
// through the same text the workers run.
import crypto from "node:crypto";

/** Record size written in the header (the usual value; one record always holds a push payload). */
export const PUSH_RECORD_SIZE = 4096;
/** salt (16) + rs (4) + idlen (1) + keyid = as_public (65). */
export const AES128GCM_HEADER_BYTES = 86;

/**
 * The encryption, as JavaScript source (no TypeScript: it is evaluated as is, in strict mode). Free variables: `crypto`
 * (node:crypto: the evaluator must bind it, the global `crypto` is WebCrypto) and `Buffer`. Declares:
 *   bodyLength(size): the body size for a plaintext of `size` UTF-8 bytes; throws when it does not fit one record.
 *   sealWith(out, at, plaintext, size, uaPublic, auth, ephemeral, salt, asPublic): writes the body at out[at..]
 *     with the given ephemeral key pair (an ECDH object holding as_private) and salt: the RFC test vector only.
 *   seal(out, at, plaintext, size, uaPublic, auth): the same with a fresh key pair and a fresh salt.
 * `plaintext` is a string (`size` = its UTF-8 length) or bytes; `out` must have bodyLength(size) bytes from `at`.
 */
export const PUSH_ENCRYPTION_CORE = String.raw`
const RECORD_SIZE = ${PUSH_RECORD_SIZE};
const HEADER_BYTES = ${AES128GCM_HEADER_BYTES};
const TAG_BYTES = 16;
const KEY_INFO = Buffer.from("WebPush: info\0", "latin1");
const CEK_INFO = Buffer.from("Content-Encoding: aes128gcm\0\x01", "latin1");
const NONCE_INFO = Buffer.from("Content-Encoding: nonce\0\x01", "latin1");
const ONE = Buffer.from([1]);

function hmac(key, ...data) {
  const h = crypto.createHmac("sha256", key);
  for (const d of data) h.update(d);
  return h.digest();
}

function bodyLength(size) {
  if (size + 1 + TAG_BYTES > RECORD_SIZE) throw new Error("push payload does not fit one record");
  return HEADER_BYTES + size + 1 + TAG_BYTES;
}

function sealWith(out, at, plaintext, size, uaPublic, auth, ephemeral, salt, asPublic) {
  if (salt.length !== 16) throw new Error("the salt must be 16 bytes");
  if (asPublic.length !== 65) throw new Error("the ephemeral public key must be an uncompressed P-256 point");
  const ecdhSecret = ephemeral.computeSecret(uaPublic);
  const prkKey = hmac(auth, ecdhSecret);
  const ikm = hmac(prkKey, KEY_INFO, uaPublic, asPublic, ONE);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, CEK_INFO).subarray(0, 16);
  const nonce = hmac(prk, NONCE_INFO).subarray(0, 12); // record 0: the nonce is NONCE xor 0

  // Header, then plaintext || 0x02 encrypted in place, then the tag.
  salt.copy(out, at);
  out.writeUInt32BE(RECORD_SIZE, at + 16);
  out[at + 20] = 65;
  asPublic.copy(out, at + 21);
  const start = at + HEADER_BYTES;
  if (typeof plaintext === "string") out.write(plaintext, start, size, "utf8");
  else plaintext.copy(out, start, 0, size);
  out[start + size] = 2; // padding delimiter of the last (only) record, no padding
  const cipher = crypto.createCipheriv("aes-128-gcm", cek, nonce);
  const enc = cipher.update(out.subarray(start, start + size + 1));
  enc.copy(out, start);
  const fin = cipher.final(); // empty for GCM
  if (fin.length) fin.copy(out, start + enc.length);
  cipher.getAuthTag().copy(out, start + size + 1);
}

// The ECDH object is only a holder: generateKeys() draws a new random private key (and its public key) into it for
// every message, replacing the previous message's pair, so each message still has its own ephemeral key pair. It
// saves creating the P-256 group object per message. Safe because seal is synchronous (nothing interleaves between
// generateKeys and computeSecret); each thread evaluates its own copy of this source.
let ephemeralHolder = null;

// Salts come from a CSPRNG pool refilled every 256 messages (one RNG call instead of one per message); each 16-byte
// slice is used once, copied into the body and the HMAC key, and never handed out again.
const SALT_POOL = Buffer.alloc(16 * 256);
let saltOffset = SALT_POOL.length;
function freshSalt() {
  if (saltOffset >= SALT_POOL.length) {
    crypto.randomFillSync(SALT_POOL);
    saltOffset = 0;
  }
  const salt = SALT_POOL.subarray(saltOffset, saltOffset + 16);
  saltOffset += 16;
  return salt;
}

function seal(out, at, plaintext, size, uaPublic, auth) {
  if (ephemeralHolder === null) ephemeralHolder = crypto.createECDH("prime256v1");
  const asPublic = ephemeralHolder.generateKeys();
  sealWith(out, at, plaintext, size, uaPublic, auth, ephemeralHolder, freshSalt(), asPublic);
}
`;

interface EncryptionCore {
  bodyLength(size: number): number;
  sealWith(out: Buffer, at: number, plaintext: string | Buffer, size: number, uaPublic: Buffer, auth: Buffer, ephemeral: crypto.ECDH, salt: Buffer, asPublic: Buffer): void;
  seal(out: Buffer, at: number, plaintext: string | Buffer, size: number, uaPublic: Buffer, auth: Buffer): void;
}

// The main thread's instance of the core (its own ephemeral key holder and salt pool).
const core = new Function("crypto", "Buffer", `"use strict";\n${PUSH_ENCRYPTION_CORE}\nreturn { bodyLength, sealWith, seal };`)(crypto, Buffer) as EncryptionCore;

/** A subscription's keys, decoded and checked once. */
export interface PreparedPushKeys {
  /** ua_public: the subscription's uncompressed P-256 point (65 bytes). */
  readonly uaPublic: Buffer;
  /** auth_secret (16 bytes from browsers). */
  readonly auth: Buffer;
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
  return { uaPublic, auth: authSecret };
}

/** Body size for a plaintext of `size` UTF-8 bytes. Throws when it does not fit one record. */
export function pushBodyLength(size: number): number {
  return core.bodyLength(size);
}

/**
 * aes128gcm body for one message with the given ephemeral key pair and salt. Exposed for the RFC 8291 test vector
 * only: senders call encryptPushPayload (or encryptPushPayloadAsync), which make both fresh for every message.
 */
export function encryptPushPayloadWith(plaintext: string | Buffer, keys: PreparedPushKeys, ephemeral: crypto.ECDH, salt: Buffer, asPublic: Buffer = ephemeral.getPublicKey()): Buffer {
  const size = typeof plaintext === "string" ? Buffer.byteLength(plaintext, "utf8") : plaintext.length;
  const out = Buffer.allocUnsafe(core.bodyLength(size));
  core.sealWith(out, 0, plaintext, size, keys.uaPublic, keys.auth, ephemeral, salt, asPublic);
  return out;
}

/**
 * RFC 8291 aes128gcm body: a new ephemeral ECDH P-256 key pair and a new random salt for this message alone, on the
 * calling thread. Senders use encryptPushPayloadAsync (push-encrypt-pool.server.ts), which runs this off the event loop.
 */
export function encryptPushPayload(plaintext: string | Buffer, keys: PreparedPushKeys): Buffer {
  const size = typeof plaintext === "string" ? Buffer.byteLength(plaintext, "utf8") : plaintext.length;
  const out = Buffer.allocUnsafe(core.bodyLength(size));
  core.seal(out, 0, plaintext, size, keys.uaPublic, keys.auth);
  return out;
}
