// Group commit for checkouts/* webhooks: deliveries that arrive while a write transaction is running wait and then
// go together in the next one, so a burst costs one transaction (and on SQLite one write lock) per batch instead of
// one per webhook. Each caller is answered only after the transaction holding its write has committed, with the
// same outcome or error ingestCheckout would have given it.
// The batch is written with a few SQL statements on the driver (app/models/checkout-ingest-sql.server.ts,
// decideIngest, the rule ingestCheckoutIn also asks; about 3x less CPU than through Prisma). A delivery the batch leaves
// to its caller runs alone through ingestCheckout afterwards: one whose order arrived first (attribution), and on
// PostgreSQL one whose checkout another process changed or created after the batch read it. On SQLite the statements
// run on Prisma's own connection, taken exclusively for the batch (app/db.server.ts, withSqliteConnection).
//   - A delivery whose event id is already in the ledger writes nothing and is answered "duplicate" (what the ledger's
//     unique violation answers on the one-by-one path), and any delivery after one for the same event id or the same
//     checkout is not put in the batch: it goes in a later batch.
//   - If the batch's transaction fails for any reason (a repeat recorded by another process in the meantime, a
//     deadlock, a bad row), nothing of it was written, and every delivery in it runs again alone through
//     ingestCheckout, so each gets its own outcome or error.
// A lone delivery when nothing is running waits at most WEBHOOK_BATCH_GATHER_MS (1 ms) for company.
import { dbProvider } from "../db.server";
import { BATCH_CONCURRENCY, type BatchOutcome, ingestCheckoutBatchSql } from "./checkout-ingest-sql.server";
import { ingestCheckout, type IngestCheckoutArgs } from "./checkouts.server";

interface Pending {
  args: IngestCheckoutArgs;
  resolve: (outcome: BatchOutcome) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = Math.max(1, Number(process.env.WEBHOOK_BATCH_MAX ?? 64));
// SQLite has one writer at a time (and the adapter one connection): a second batch would only queue behind the first.
const MAX_RUNNING = dbProvider === "sqlite" ? 1 : BATCH_CONCURRENCY;

const queue: Pending[] = [];
let running = 0;

/** ingestCheckout, with its write grouped into a shared transaction with whatever else is waiting. */
export function ingestCheckoutGrouped(args: IngestCheckoutArgs): Promise<BatchOutcome> {
  return new Promise((resolve, reject) => {
    queue.push({ args, resolve, reject });
    pump();
  });
}

let scheduled = false;

// A batch of a few waits up to WEBHOOK_BATCH_GATHER_MS (default 1) for more to join: each batch has a fixed cost
// (a transaction, its statements' round trips and planning), so under load fewer, larger batches cost less CPU per
// delivery. At most that much added latency for a lone delivery.
const GATHER_BELOW = 8;
const GATHER_MS = Math.max(0, Number(process.env.WEBHOOK_BATCH_GATHER_MS ?? 1));
const gatherLater = (fn: () => void) => setTimeout(fn, GATHER_MS);

/**
 * Starts batches on the next turn of the event loop rather than at once: deliveries whose requests were read in
 * the same turn join the batch. Without this the SQLite batch (whose statements run synchronously) would start
 * with the first delivery and run before the others were even parsed: batches of one under load.
 */
function pump() {
  if (scheduled || running >= MAX_RUNNING || queue.length === 0) return;
  scheduled = true;
  (queue.length < GATHER_BELOW ? gatherLater : setImmediate)(() => {
    scheduled = false;
    while (running < MAX_RUNNING && queue.length > 0) {
      const batch = take();
      running += 1;
      void run(batch).finally(() => {
        running -= 1;
        pump();
      });
    }
  });
}

/** Up to MAX_BATCH waiting deliveries with distinct event ids and distinct checkouts; the others keep their place. */
function take(): Pending[] {
  const batch: Pending[] = [];
  const events = new Set<string>();
  const checkouts = new Set<string>();
  const rest: Pending[] = [];
  for (const p of queue) {
    const key = `${p.args.shop}\n${p.args.record.token}`;
    if (batch.length < MAX_BATCH && !events.has(p.args.eventId) && !checkouts.has(key)) {
      batch.push(p);
      events.add(p.args.eventId);
      checkouts.add(key);
    } else {
      rest.push(p);
    }
  }
  queue.splice(0, queue.length, ...rest);
  return batch;
}

function alone(p: Pending): Promise<void> {
  return ingestCheckout(p.args).then(p.resolve, p.reject);
}

async function run(batch: Pending[]): Promise<void> {
  let outcomes: Array<BatchOutcome | null>;
  try {
    outcomes = await ingestCheckoutBatchSql(batch.map((p) => p.args));
  } catch {
    for (const p of batch) await alone(p); // one after another: they would only queue for the connection anyway
    return;
  }
  const later: Pending[] = [];
  batch.forEach((p, i) => {
    const outcome = outcomes[i];
    if (outcome === null) later.push(p);
    else p.resolve(outcome);
  });
  for (const p of later) await alone(p);
}
