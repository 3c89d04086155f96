// What the pipeline board's pieces share: the action's answer, the quick-code percentages, and how times read.

/** What the pipeline route's action answers (app/routes/app.pipeline.tsx). */
export type PipelineActionData = { ok: true; intent: string; code?: string; applyUrl?: string } | { ok: false; error: string };

/** The one-time codes a card's Code button offers (the action refuses any other). */
export const QUICK_CODE_PERCENTS = [5, 10, 15, 20] as const;

export function formatWhen(iso: string | null): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
