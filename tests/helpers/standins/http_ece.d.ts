// Minimal types for http_ece (Encrypted Content-Encoding for HTTP, RFC 8188), as used by the push receiver.
declare module "http_ece" {
  import type { ECDH } from "node:crypto";
  interface EceParams {
    version?: "aes128gcm" | "aesgcm" | "aesgcm128";
    privateKey?: ECDH;
    dh?: string | Buffer;
    authSecret?: string | Buffer;
    key?: string | Buffer;
    keyid?: string | Buffer;
    salt?: string | Buffer;
    rs?: number;
  }
  export function decrypt(buffer: Buffer, params: EceParams): Buffer;
  export function encrypt(buffer: Buffer, params: EceParams): Buffer;
  const ece: { decrypt: typeof decrypt; encrypt: typeof encrypt };
  export default ece;
}
