// Web push message encryption (RFC 8291, aes128gcm of RFC 8188): web-push's own `encrypt` (push-encryption-web-push.mjs),
// which draws a fresh ephemeral P-256 key pair and a fresh random 16-byte salt for every message (RFC 8291 section
// 3.1 / 4). Ours is what is fixed per subscription: the decoded, validated ua_public and auth secret, checked once by
// preparePushKeys (a bad key fails the message before any request, and never reaches the library), and the
// one-record size guard.
//
// This module runs the encryption on the calling thread (the inline path of push-encrypt-pool.server.ts); the
// encryption worker threads (push-encrypt-worker.mjs) import the same push-encryption-web-push.mjs.
import crypto from "node:crypto";
import { bodyLength, webPushSealer } from "./push-encryption-web-push.mjs";

export { AES128GCM_HEADER_BYTES, PUSH_RECORD_SIZE } from "./push-encryption-web-push.mjs";

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
 * RFC 8291 aes128gcm body by web-push (a new ephemeral ECDH P-256 key pair and a new random salt for this message
 * alone), on the calling thread. Senders use encryptPushPayloadAsync (push-encrypt-pool.server.ts), which runs this
 * off the event loop. Throws when the payload does not fit one record.
 */
export function encryptPushPayload(plaintext: string | Buffer, keys: PreparedPushKeys): Buffer {
  const size = typeof plaintext === "string" ? Buffer.byteLength(plaintext, "utf8") : plaintext.length;
  const out = Buffer.allocUnsafe(webPushSealer.bodyLength(size));
  webPushSealer.seal(out, 0, plaintext, size, keys.uaPublic, keys.auth);
  return out;
}
