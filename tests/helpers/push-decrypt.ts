// RFC 8291 (aes128gcm) decryption written from the RFC with crypto.hkdfSync: shares no code with the encrypter under
// test (web-push's, http_ece underneath) nor with the reference decrypter (http_ece). Throws on anything malformed.
import crypto from "node:crypto";

/** The plaintext of a one-record aes128gcm push body, for the subscriber holding `ua` and `auth`. */
export function decryptPushFromScratch(body: Buffer, ua: crypto.ECDH, auth: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20];
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (record.length > rs) throw new Error(`more than one record (${record.length} bytes, rs ${rs})`);
  const ecdhSecret = ua.computeSecret(asPublic);
  const ikm = Buffer.from(crypto.hkdfSync("sha256", ecdhSecret, auth, Buffer.concat([Buffer.from("WebPush: info\0"), ua.getPublicKey(), asPublic]), 32));
  const cek = Buffer.from(crypto.hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(crypto.hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = crypto.createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error("no last-record delimiter (0x02)");
  return padded.subarray(0, end);
}
