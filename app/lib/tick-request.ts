// What POST /cron/tick accepts: `Authorization: Bearer $CRON_SECRET`, and an optional JSON body (`now`, honoured only
// in test or demo mode; the tick's time budget; the claim batch size). Pure: the route reads the request, this decides.
import { createHash } from "node:crypto";
import { z } from "zod/v4";
import { safeEqual } from "./safe-equal";
import { v3Message } from "./validation-messages";

export const TickBodySchema = z
  .object({
    now: z.iso.datetime({ offset: true }).optional(),
    budgetMs: z.number().int().min(100).max(55_000).optional(),
    batchSize: z.number().int().min(1).max(1_000).optional(),
  })
  .strict();

export type TickBody = z.infer<typeof TickBodySchema>;

/** Constant-time comparison of the bearer token with the secret (as SHA-256 digests, so the length is never compared). */
export function bearerMatches(header: string | null, secret: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  const digest = (v: string) => createHash("sha256").update(v).digest("hex");
  return safeEqual(digest(m ? m[1].trim() : ""), digest(secret)) && !!m;
}

/** The request body's text -> the tick's options, or the one-line reason it is refused (a 400). */
export function parseTickBody(text: string): { ok: true; body: TickBody } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, body: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, error: "body must be JSON" };
  }
  const parsed = TickBodySchema.safeParse(raw, { error: v3Message });
  if (!parsed.success) return { ok: false, error: `invalid body: ${parsed.error.issues[0].path.join(".") || "_"} ${parsed.error.issues[0].message}` };
  return { ok: true, body: parsed.data };
}
