// Runs `fn` (something that ends in one webpush.encrypt call) with web-push's two draws of randomness pinned: the
// ephemeral ECDH key pair (crypto.createECDH, then generateKeys) and the 16-byte salt (crypto.randomBytes). Lets a
// test compare the library path's body byte for byte (the RFC 8291 Appendix A vector, a generated key and salt).
// Asserts each draw happens exactly once, so a change in how web-push draws its randomness fails loudly.
import crypto from "node:crypto";
import { expect, vi } from "vitest";

export function withPinnedWebPushRandomness<T>(ephemeral: crypto.ECDH, salt: Buffer, fn: () => T): T {
  const realCreate = crypto.createECDH;
  const createECDH = vi.spyOn(crypto, "createECDH").mockImplementation((curve: string) => {
    const ecdh = realCreate(curve);
    ecdh.setPrivateKey(ephemeral.getPrivateKey());
    ecdh.generateKeys = (() => ecdh.getPublicKey()) as crypto.ECDH["generateKeys"];
    return ecdh;
  });
  const randomBytes = vi.spyOn(crypto, "randomBytes").mockImplementation(((size: number) => {
    expect(size).toBe(16);
    return Buffer.from(salt);
  }) as typeof crypto.randomBytes);
  try {
    const out = fn();
    expect(createECDH).toHaveBeenCalledTimes(1);
    expect(randomBytes).toHaveBeenCalledTimes(1);
    return out;
  } finally {
    createECDH.mockRestore();
    randomBytes.mockRestore();
  }
}
