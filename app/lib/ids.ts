// Row ids that sort by creation time: a one-letter prefix, the time in milliseconds (12 hex digits), then 80 random
// bits (20 hex digits). Rows made together land together at the end of the primary-key index instead of all over it,
// which keeps index writes cheap as tables grow (random ids cost a B-tree page read and write per insert once the
// index no longer fits in cache). Not secret and not for links: links carry a signed token (app/lib/links.ts).
import { randomBytes } from "node:crypto";

// Random bits come from a pool refilled every 256 ids: one CSPRNG call instead of one per id.
const POOL = Buffer.allocUnsafe(10 * 256);
let offset = POOL.length;

export function timeOrderedId(prefix: string, nowMs: number = Date.now()): string {
  if (offset >= POOL.length) {
    randomBytes(POOL.length).copy(POOL);
    offset = 0;
  }
  const random = POOL.toString("hex", offset, offset + 10);
  offset += 10;
  return `${prefix}${nowMs.toString(16).padStart(12, "0")}${random}`;
}
