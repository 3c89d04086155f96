// @ts-check
// Push payload encryption (RFC 8291, aes128gcm content coding of RFC 8188) is web-push's own: `webpush.encrypt`
// (http_ece underneath), with a new ECDH P-256 key pair and a random 16-byte salt drawn by the library for every
// message. What is ours is around it: the one-record size guard and the "sealer" shape (bodyLength + seal into a
// caller's buffer) that lets the worker threads write every body of a batch into one transferred buffer.
// A plain ES module so that it runs unchanged in two places: imported by push-encryption.server.ts (the main thread:
// bundled into build/index.js by `remix build`, run from source by tsx and vitest) and by push-encrypt-worker.mjs
// (the worker threads, always loaded from this folder; see pushEncryptWorkerFile in push-encrypt-pool.server.ts).
// JavaScript with JSDoc types, checked by `tsc --noEmit` (tsconfig includes this folder's .mjs files).
//
// Until issue 16 the encryption was hand-written here on node:crypto; measured on a quiet machine web-push's ran at
// 0.95x its messages/s on the same worker pool (bench/RESULTS.md, "Issue 16: push encryption against web-push"),
// above the 0.9x the issue sets, so the library replaced it. The RFC 8291 Appendix A vector and the differential
// tests (tests/unit/push-encryption*.test.ts) check this path.
import webpush from "web-push";

/** Record size web-push (http_ece) writes in the header; one record always holds a push payload. */
export const PUSH_RECORD_SIZE = 4096;
/** salt (16) + rs (4) + idlen (1) + keyid = as_public (65). */
export const AES128GCM_HEADER_BYTES = 86;
const TAG_BYTES = 16;

/**
 * One way of encrypting a push body (the worker's batch loop is written against this shape).
 * @typedef {object} PushSealer
 * @property {(size: number) => number} bodyLength The body size for a plaintext of `size` UTF-8 bytes; throws when it
 *   does not fit one record.
 * @property {(out: Buffer, at: number, plaintext: string | Buffer, size: number, uaPublic: Buffer, auth: Buffer) => void} seal
 *   Writes the body for `plaintext` (`size` = its UTF-8 length) at out[at..], with a fresh ephemeral key pair and a
 *   fresh salt; `out` must have bodyLength(size) bytes from `at`.
 */

/**
 * Body size of a one-record aes128gcm body: header, plaintext, the 0x02 delimiter, the tag. Refuses more than one
 * record (web-push would write a second one; the sender never sends more than MAX_PUSH_PAYLOAD anyway).
 * @param {number} size
 * @returns {number}
 */
export function bodyLength(size) {
  if (size + 1 + TAG_BYTES > PUSH_RECORD_SIZE) throw new Error("push payload does not fit one record");
  return AES128GCM_HEADER_BYTES + size + 1 + TAG_BYTES;
}

/**
 * web-push's `encrypt`: a new ECDH key pair and a random salt per call, http_ece's aes128gcm with rs 4096 and the
 * sender's public key as keyid. Its body is copied into place.
 * @type {PushSealer}
 */
export const webPushSealer = {
  bodyLength,
  seal(out, at, plaintext, size, uaPublic, auth) {
    const text = typeof plaintext === "string" ? plaintext : plaintext.subarray(0, size);
    const { cipherText } = webpush.encrypt(uaPublic.toString("base64url"), auth.toString("base64url"), text, "aes128gcm");
    if (cipherText.length !== bodyLength(size)) throw new Error("web-push produced an unexpected body size");
    cipherText.copy(out, at);
  },
};
