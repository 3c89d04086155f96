// Web push message encryption (RFC 8291) with the aes128gcm content coding (RFC 8188), on node:crypto directly.
// Every message gets a fresh ephemeral P-256 key pair and a fresh random 16-byte salt (RFC 8291 section 3.1 / 4):
// nothing derived from them is ever reused. What is fixed per subscription (the decoded, validated ua_public and
// auth secret) is computed once by preparePushKeys.
//
// The encryption itself is push-encryption-core.mjs (a JavaScript module whose JSDoc types tsc checks; the RFC's
// formulas are written out there): this module runs it on the calling thread (the inline path of the pool), and the
// encryption worker threads (push-encrypt-worker.mjs, started by push-encrypt-pool.server.ts) import the same file.
// The RFC 8291 test vector and the differential tests against web-push run through it.
import crypto from "node:crypto";
import { bodyLength, oursSealer, sealWith, type PushEncryption, type PushSealer } from "./push-encryption-core.mjs";
import { webPushSealer } from "./push-encryption-web-push.mjs";

export { AES128GCM_HEADER_BYTES, PUSH_RECORD_SIZE } from "./push-encryption-core.mjs";

export type { PushEncryption } from "./push-encryption-core.mjs";

const SEALERS: Record<PushEncryption, PushSealer> = { ours: oursSealer, "web-push": webPushSealer };

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
  return bodyLength(size);
}

/**
 * aes128gcm body for one message with the given ephemeral key pair and salt. Exposed for the RFC 8291 test vector
 * only: senders call encryptPushPayload (or encryptPushPayloadAsync), which make both fresh for every message.
 */
export function encryptPushPayloadWith(plaintext: string | Buffer, keys: PreparedPushKeys, ephemeral: crypto.ECDH, salt: Buffer, asPublic: Buffer = ephemeral.getPublicKey()): Buffer {
  const size = typeof plaintext === "string" ? Buffer.byteLength(plaintext, "utf8") : plaintext.length;
  const out = Buffer.allocUnsafe(bodyLength(size));
  sealWith(out, 0, plaintext, size, keys.uaPublic, keys.auth, ephemeral, salt, asPublic);
  return out;
}

/**
 * RFC 8291 aes128gcm body: a new ephemeral ECDH P-256 key pair and a new random salt for this message alone, on the
 * calling thread. Senders use encryptPushPayloadAsync (push-encrypt-pool.server.ts), which runs this off the event loop.
 * `encryption`: ours (the default, what production runs) or web-push's own (bench and tests).
 */
export function encryptPushPayload(plaintext: string | Buffer, keys: PreparedPushKeys, encryption: PushEncryption = "ours"): Buffer {
  const sealer = SEALERS[encryption];
  const size = typeof plaintext === "string" ? Buffer.byteLength(plaintext, "utf8") : plaintext.length;
  const out = Buffer.allocUnsafe(sealer.bodyLength(size));
  sealer.seal(out, 0, plaintext, size, keys.uaPublic, keys.auth);
  return out;
}
