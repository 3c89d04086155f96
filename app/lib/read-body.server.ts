// Read a request body as text with a byte limit (null when larger), before any parsing or signature check.
// The production server hands a small body over as bytes already read, which the Request holds as a one-chunk
// stream: reading that here costs a few microseconds (bench/RESULTS.md, "Issue 16"), so nothing passes beside it.

export async function readBodyLimited(request: Request, max: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > max) return null;
  if (!request.body) return "";
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
