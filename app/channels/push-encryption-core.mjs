// @ts-check
// The RFC 8291 (aes128gcm, RFC 8188) encryption itself, as a plain ES module so that it runs unchanged in two places:
// imported by push-encryption.server.ts (the main thread: bundled into build/index.js by `remix build`, run from
// source by tsx and vitest) and by push-encrypt-worker.mjs (the worker threads, always loaded from this folder; see
// pushEncryptWorkerFile in push-encrypt-pool.server.ts). JavaScript with JSDoc types, checked by `tsc --noEmit`
// (tsconfig includes this folder's .mjs files; `// @ts-check` above turns the checks on).
//
// Ours is a "sealer" (bodyLength + seal into a caller's buffer). push-encryption-web-push.mjs is the same shape around
// web-push's own `encrypt` (the maintained library), which ours is measured against (bench/send.ts
// --push-encryption) and diff-tested against (tests/unit/push-encryption-differential.test.ts).
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
const KEY_INFO = Buffer.from("WebPush: info\0", "latin1");
const CEK_INFO = Buffer.from("Content-Encoding: aes128gcm\0\x01", "latin1");
const NONCE_INFO = Buffer.from("Content-Encoding: nonce\0\x01", "latin1");
const ONE = Buffer.from([1]);

/**
 * One way of encrypting a push body.
 * @typedef {object} PushSealer
 * @property {(size: number) => number} bodyLength The body size for a plaintext of `size` UTF-8 bytes; throws when it
 *   does not fit one record.
 * @property {(out: Buffer, at: number, plaintext: string | Buffer, size: number, uaPublic: Buffer, auth: Buffer) => void} seal
 *   Writes the body for `plaintext` (`size` = its UTF-8 length) at out[at..], with a fresh ephemeral key pair and a
 *   fresh salt; `out` must have bodyLength(size) bytes from `at`.
 */

/**
 * Which encryption a pool or an inline call runs: ours (production) or web-push's (push-encryption-web-push.mjs;
 * bench/send.ts --push-encryption and the differential tests).
 * @typedef {"ours" | "web-push"} PushEncryption
 */

/**
 * @param {crypto.BinaryLike} key
 * @param {Buffer[]} data
 * @returns {Buffer}
 */
function hmac(key, ...data) {
  const h = crypto.createHmac("sha256", key);
  for (const d of data) h.update(d);
  return h.digest();
}

/**
 * @param {number} size
 * @returns {number}
 */
export function bodyLength(size) {
  if (size + 1 + TAG_BYTES > PUSH_RECORD_SIZE) throw new Error("push payload does not fit one record");
  return AES128GCM_HEADER_BYTES + size + 1 + TAG_BYTES;
}

/**
 * Writes the body at out[at..] with the given ephemeral key pair (an ECDH object holding as_private) and salt: the
 * RFC 8291 test vector only; senders use seal, which makes both fresh for every message.
 * @param {Buffer} out
 * @param {number} at
 * @param {string | Buffer} plaintext
 * @param {number} size
 * @param {Buffer} uaPublic
 * @param {Buffer} auth
 * @param {crypto.ECDH} ephemeral
 * @param {Buffer} salt
 * @param {Buffer} asPublic
 */
export function sealWith(out, at, plaintext, size, uaPublic, auth, ephemeral, salt, asPublic) {
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
  out.writeUInt32BE(PUSH_RECORD_SIZE, at + 16);
  out[at + 20] = 65;
  asPublic.copy(out, at + 21);
  const start = at + AES128GCM_HEADER_BYTES;
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
// generateKeys and computeSecret); each thread has its own instance of this module.
/** @type {crypto.ECDH | null} */
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

/** Ours: a fresh ephemeral key pair and a fresh salt per message, on node:crypto. @type {PushSealer} */
export const oursSealer = {
  bodyLength,
  seal(out, at, plaintext, size, uaPublic, auth) {
    if (ephemeralHolder === null) ephemeralHolder = crypto.createECDH("prime256v1");
    const asPublic = ephemeralHolder.generateKeys();
    sealWith(out, at, plaintext, size, uaPublic, auth, ephemeralHolder, freshSalt(), asPublic);
  },
};
