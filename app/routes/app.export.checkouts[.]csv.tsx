// GET /app/export/checkouts.csv?days=7|30|90: the period's checkouts (the Overview's cohort, in the shop's days) as
// CSV, one row per checkout with its outcome and the message credited (app/models/checkout-export.server.ts).
// Streamed and pulled: each read of the body takes the next page of rows, so the file is never held whole here.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { CSV_BOM, csvLine } from "../lib/csv";
import { parsePeriod } from "../lib/metrics";
import { daySpan } from "../lib/shop-days";
import { log } from "../log.server";
import { EXPORT_PAGE_SIZE, exportCheckoutRows, exportHeader, exportValues, type CheckoutExportRow } from "../models/checkout-export.server";
import { periodDays } from "../models/metric-days.server";
import { adminContext } from "../shopify/admin-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const started = performance.now();
  const { shop, shopRecord, now } = await adminContext(request);
  const days = parsePeriod(new URL(request.url).searchParams.get("days"));
  const period = periodDays(now, shopRecord.timezone, days);
  const settings = shopRecord.parsedSettings;
  let pages = 0;
  const rows = exportCheckoutRows({
    shop,
    from: daySpan(period.from, period.timeZone).start,
    to: daySpan(period.to, period.timeZone).end,
    timeZone: period.timeZone,
    currency: shopRecord.currency,
    windowHours: settings.cadence.windowHours,
    asOf: now,
    stepLabels: Object.fromEntries(settings.cadence.steps.map((s) => [s.id, s.label])),
    onPage: () => (pages += 1),
  });
  // The first page is read before answering: a failing database is a 500, not a 200 with a cut-off file.
  const first = await rows.next();
  const done = (outcome: "complete" | "cancelled" | "failed", count: number, err?: unknown) => {
    const line = { shop, days, from: period.from, to: period.to, rows: count, pages, ms: Math.round(performance.now() - started) };
    if (outcome === "failed") log.error({ ...line, err: err instanceof Error ? err.message : String(err) }, "export: checkouts csv failed");
    else log.info({ ...line, ...(outcome === "cancelled" ? { cancelled: true } : {}) }, "export: checkouts csv");
  };
  return new Response(csvStream(rows, first, done), {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="checkouts-${period.from}-to-${period.to}.csv"`,
      "Cache-Control": "no-store",
    },
  });
};

/**
 * The rows as a byte stream: the BOM and header first, then at most a page of rows per read. highWaterMark 0: nothing
 * is read ahead of the reader.
 */
function csvStream(
  rows: AsyncGenerator<CheckoutExportRow, void, undefined>,
  first: IteratorResult<CheckoutExportRow, void>,
  done: (outcome: "complete" | "cancelled" | "failed", count: number, err?: unknown) => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: IteratorResult<CheckoutExportRow, void> | null = first;
  let text = CSV_BOM + csvLine(exportHeader());
  let count = 0;
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (let n = 0; n < EXPORT_PAGE_SIZE; n += 1) {
            const next = pending ?? (await rows.next());
            pending = null;
            if (cancelled) return; // the reader went away while this page was read
            if (next.done) {
              if (text) controller.enqueue(encoder.encode(text));
              controller.close();
              done("complete", count);
              return;
            }
            text += csvLine(exportValues(next.value));
            count += 1;
          }
          controller.enqueue(encoder.encode(text));
          text = "";
        } catch (err) {
          if (cancelled) return;
          done("failed", count, err);
          controller.error(err);
        }
      },
      async cancel() {
        cancelled = true;
        done("cancelled", count);
        await rows.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
