// @ts-check
// web-push's own RFC 8291 encryption (`webpush.encrypt`, http_ece underneath) in the sealer shape of
// push-encryption-core.mjs: what ours is measured against (bench/send.ts --push-encryption web-push runs it on the
// same worker pool) and diff-tested against. Not on the production send path.
import webpush from "web-push";
import { bodyLength } from "./push-encryption-core.mjs";

/**
 * A new ECDH key pair and a random salt per call (web-push), http_ece's aes128gcm with rs 4096 and the sender's
 * public key as keyid: the same layout as ours for a body of one record. Its body is copied into place.
 * @type {import("./push-encryption-core.mjs").PushSealer}
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
