// What the pipeline board's pieces share: the action's answer, and the quick-code percentages (times read as app/lib/admin-time.ts formats them).

/** What the pipeline route's action answers (app/routes/app.pipeline.tsx). */
export type PipelineActionData = { ok: true; intent: string; code?: string; applyUrl?: string } | { ok: false; error: string };

/** The one-time codes a card's Code button offers (the action refuses any other). */
export const QUICK_CODE_PERCENTS = [5, 10, 15, 20] as const;
