// Read a request body as text with a byte limit (null when larger), before any parsing or signature check.

/**
 * Bodies the production server (server.mjs) has already read whole, keyed by the Request's body stream: a route
 * reads them from here instead of through the stream (Web streams cost several microseconds a chunk).
 */
const rawBodies: WeakMap<object, Buffer> = ((globalThis as Record<symbol, unknown>)[Symbol.for("checkout-recovery.rawBodies")] ??= new WeakMap()) as WeakMap<object, Buffer>;

/** Registers bytes already read for a Request's body (what server.mjs does; tests use it to take the same path). */
export function registerRawBody(request: Request, bytes: Buffer) {
  if (request.body) rawBodies.set(request.body, bytes);
}

export async function readBodyLimited(request: Request, max: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > max) return null;
  if (!request.body) return "";
  const raw = rawBodies.get(request.body);
  if (raw) return raw.length > max ? null : raw.toString("utf8");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
