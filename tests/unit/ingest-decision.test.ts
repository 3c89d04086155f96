// The one ingest rule (app/lib/ingest-decision.ts): each answer decideIngest can give for a checkouts/* delivery,
// and (fast-check) that deliveries of one checkout arriving in any order end in the same row as in Shopify's order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideIngest, type CheckoutFields, type HeldCheckout, type IngestDecision, type WaitingOrder } from "../../app/lib/ingest-decision";
import { DEFAULT_SETTINGS, type Settings } from "../../app/lib/settings";
import { parseCheckout, type CheckoutRecord } from "../../app/lib/shopify-payloads";
import { checkoutPayload, type CheckoutPayloadOptions } from "../helpers/factories";
import { T0, addMinutes, at } from "../helpers/time";

const NOW = at(120);
const settings = DEFAULT_SETTINGS; // quiet period 20 minutes, first step 60 minutes after abandonment

const record = (o: CheckoutPayloadOptions = {}): CheckoutRecord =>
  parseCheckout(checkoutPayload({ token: "tok-1", email: "ada@example.com", customerId: 7001, createdAt: T0, ...o }));

/** A held row as a database path reads it. */
function held(o: Partial<HeldCheckout> = {}): HeldCheckout {
  return {
    id: "c-held",
    status: "open",
    abandonedAt: at(20),
    nextStepIndex: 0,
    nextDueAt: at(80),
    stopReason: null,
    shopifyUpdatedAt: T0,
    completedAt: null,
    email: "ada@example.com",
    phone: null,
    firstName: "Ada",
    lastName: "Lovelace",
    customerId: "7001",
    ...o,
  };
}

function decide(o: {
  existing?: HeldCheckout | null;
  incoming?: CheckoutRecord;
  waitingOrder?: WaitingOrder | "unread" | null;
  seen?: boolean;
  settings?: Settings;
}) {
  return decideIngest({
    existing: o.existing ?? null,
    incoming: o.incoming ?? record(),
    settings: o.settings ?? settings,
    now: NOW,
    waitingOrder: o.waitingOrder ?? null,
    seen: o.seen,
  });
}

/** The fields of a create or an update (fails the test on any other answer). */
function written(d: IngestDecision<WaitingOrder>): CheckoutFields {
  if (d.kind !== "create" && d.kind !== "update") throw new Error(`expected a write, got ${d.kind}`);
  return d.fields;
}

describe("decideIngest: one delivery", () => {
  it("a new checkout is created, its timeline open from the abandonment time, nothing leased to clear", () => {
    const d = decide({ incoming: record({ updatedAt: at(5) }) });
    expect(d).toMatchObject({ kind: "create", token: "tok-1", attribute: null });
    const f = written(d);
    // abandoned = max(updated + 20 min quiet, created + 10 min link delay) = 10:25; first step 60 min later.
    expect(f).toMatchObject({ status: "open", abandonedAt: at(25), nextStepIndex: 0, nextDueAt: at(85), stopReason: null, completedAt: null });
    expect(f).toMatchObject({ email: "ada@example.com", shopifyUpdatedAt: at(5), lineItems: expect.stringContaining("Linen Shirt") });
    expect("leaseOwner" in f).toBe(false);
  });

  it("a newer update before any step was sent restarts the timeline from its own time", () => {
    const d = decide({ existing: held(), incoming: record({ updatedAt: at(30) }) });
    expect(d).toMatchObject({ kind: "update", id: "c-held", attribute: null });
    expect(written(d)).toMatchObject({ status: "open", abandonedAt: at(50), nextStepIndex: 0, nextDueAt: at(110), shopifyUpdatedAt: at(30) });
  });

  it("a newer update after a step was sent keeps the position; the next step waits a quiet period after it", () => {
    const sent = held({ nextStepIndex: 1, nextDueAt: at(110) });
    expect(written(decide({ existing: sent, incoming: record({ updatedAt: at(30) }) }))).toMatchObject({
      nextStepIndex: 1,
      abandonedAt: at(20),
      nextDueAt: at(110),
    });
    expect(written(decide({ existing: sent, incoming: record({ updatedAt: at(100) }) }))).toMatchObject({
      nextStepIndex: 1,
      abandonedAt: at(20),
      nextDueAt: at(120),
    });
  });

  it("an older update is stale, whatever it brings; the same second bringing nothing new is a repeat (stale)", () => {
    expect(decide({ existing: held({ shopifyUpdatedAt: at(10) }), incoming: record({ updatedAt: at(5), email: "new@example.com" }) })).toEqual({
      kind: "stale",
    });
    expect(decide({ existing: held(), incoming: record({ updatedAt: T0 }) })).toEqual({ kind: "stale" });
  });

  it("the same second bringing contact data is merged: the update's fields with what the row knew where it is silent", () => {
    const d = decide({ existing: held({ phone: "+14155550100" }), incoming: record({ updatedAt: T0, email: "late@example.com" }) });
    expect(d.kind).toBe("update");
    expect(written(d)).toMatchObject({ email: "late@example.com", phone: "+14155550100", customerKey: "email:late@example.com" });
  });

  it("a created_at or updated_at out of range is refused naming the field, before anything else (even a repeat)", () => {
    expect(decide({ incoming: record({ createdAt: new Date(0) }), seen: true })).toEqual({
      kind: "refused",
      problem: { field: "created_at", reason: "before 2000-01-01" },
    });
    expect(decide({ existing: held(), incoming: record({ updatedAt: new Date("9999-01-01T00:00:00Z") }) })).toMatchObject({
      kind: "refused",
      problem: { field: "updated_at" },
    });
  });

  it("an event id already recorded is a duplicate, stale or not", () => {
    expect(decide({ existing: held(), incoming: record({ updatedAt: at(30) }), seen: true })).toEqual({ kind: "duplicate" });
    expect(decide({ existing: held(), incoming: record({ updatedAt: T0 }), seen: true })).toEqual({ kind: "duplicate" });
  });

  it("a completed checkout stops for good, the lease cleared; a recovered one stays recovered", () => {
    const f = written(decide({ existing: held({ nextStepIndex: 2 }), incoming: record({ updatedAt: at(30), completedAt: at(29) }) }));
    expect(f).toMatchObject({
      status: "completed",
      completedAt: at(29),
      nextDueAt: null,
      nextStepIndex: 2,
      abandonedAt: at(20),
      stopReason: "order_completed",
      leaseOwner: null,
      leaseUntil: null,
    });
    const again = written(decide({ existing: held({ status: "recovered", completedAt: at(29) }), incoming: record({ updatedAt: at(40) }) }));
    expect(again).toMatchObject({ status: "recovered", completedAt: at(29), nextDueAt: null });
  });

  it("a completed_at out of range is clamped to now, never refused", () => {
    expect(written(decide({ incoming: record({ completedAt: new Date("9999-01-01T00:00:00Z") }) })).completedAt).toEqual(NOW);
  });

  it("an order that arrived first completes the checkout at its time and is handed over to be attributed", () => {
    const order = { id: "o1", shopifyCreatedAt: at(7) };
    const created = decide({ incoming: record({ updatedAt: at(5) }), waitingOrder: order });
    expect(created).toMatchObject({ kind: "create", attribute: order });
    expect(written(created)).toMatchObject({ status: "completed", completedAt: at(7), nextDueAt: null });
    // The checkout's own completed_at wins over the order's time; the order is attributed either way.
    const own = decide({ existing: held(), incoming: record({ updatedAt: at(5), completedAt: at(6) }), waitingOrder: order });
    expect(own).toMatchObject({ kind: "update", attribute: order, fields: { completedAt: at(6) } });
  });

  it("a waiting order is not looked at once the checkout is completed, nor for a stale delivery", () => {
    const done = held({ status: "completed", completedAt: at(3), nextDueAt: null });
    expect(decide({ existing: done, incoming: record({ updatedAt: at(9) }), waitingOrder: { shopifyCreatedAt: at(7) } })).toMatchObject({
      kind: "update",
      attribute: null,
      fields: { completedAt: at(3) },
    });
    expect(decide({ existing: done, incoming: record({ updatedAt: at(9) }), waitingOrder: "unread" }).kind).toBe("update");
    expect(decide({ existing: held(), incoming: record({ updatedAt: T0 }), waitingOrder: "unread" })).toEqual({ kind: "stale" });
  });

  it("an order known to exist but not read (the batch) hands the delivery over, for a new or an open checkout", () => {
    expect(decide({ incoming: record({ updatedAt: at(5) }), waitingOrder: "unread" })).toEqual({ kind: "order_waiting" });
    expect(decide({ existing: held(), incoming: record({ updatedAt: at(5) }), waitingOrder: "unread" })).toEqual({ kind: "order_waiting" });
  });

  it("a stopped checkout keeps its timeline; no enabled step stops a new one (no_steps) with the lease cleared", () => {
    const stopped = held({ status: "stopped", stopReason: "unsubscribed", nextDueAt: null, nextStepIndex: 1 });
    expect(written(decide({ existing: stopped, incoming: record({ updatedAt: at(30) }) }))).toMatchObject({
      status: "stopped",
      stopReason: "unsubscribed",
      nextStepIndex: 1,
      abandonedAt: at(20),
    });
    const none: Settings = { ...settings, cadence: { ...settings.cadence, steps: settings.cadence.steps.map((s) => ({ ...s, enabled: false })) } };
    expect(written(decide({ incoming: record(), settings: none }))).toMatchObject({
      status: "open",
      nextDueAt: null,
      stopReason: "no_steps",
      leaseOwner: null,
      leaseUntil: null,
    });
  });
});

// ------------------------------------------------------------------------------------------ any order of delivery
/** A stored row in memory: what the database paths write (fields over the held row; the lease kept unless cleared). */
type Row = HeldCheckout & Omit<Partial<CheckoutFields>, "leaseOwner" | "leaseUntil"> & { leaseOwner: string | null; leaseUntil: Date | null };

function apply(row: Row | null, incoming: CheckoutRecord): Row | null {
  const d = decideIngest({ existing: row, incoming, settings, now: NOW, waitingOrder: null });
  if (d.kind === "create") return { id: "c-new", leaseOwner: null, leaseUntil: null, ...d.fields };
  if (d.kind === "update") return { ...(row as Row), ...d.fields };
  return row;
}

const applyAll = (start: Row | null, deliveries: CheckoutRecord[]) => deliveries.reduce(apply, start);

/** Versions of one checkout, each a distinct second (Shopify's resolution) after T0, in Shopify's order. */
const versions = (completedFrom: fc.Arbitrary<number | null>) =>
  fc
    .record({
      seconds: fc.uniqueArray(fc.integer({ min: 1, max: 6 * 3600 }), { minLength: 2, maxLength: 5 }),
      completedFrom,
      details: fc.array(
        fc.record({
          email: fc.constantFrom(null, "ada@example.com", "ada.l@example.com"),
          phone: fc.constantFrom(null, "+14155550100"),
          price: fc.integer({ min: 1, max: 50_000 }).map((c) => (c / 100).toFixed(2)),
          quantity: fc.integer({ min: 1, max: 5 }),
        }),
        { minLength: 5, maxLength: 5 },
      ),
    })
    .map(({ seconds, completedFrom, details }) =>
      [...seconds]
        .sort((a, b) => a - b)
        .map((s, i) =>
          record({
            updatedAt: new Date(T0.getTime() + s * 1000),
            email: details[i].email,
            phone: details[i].phone,
            items: [{ title: "Linen Shirt", quantity: details[i].quantity, price: details[i].price }],
            // Once completed, every later version says so (completed_at never goes back).
            completedAt: completedFrom !== null && i >= completedFrom ? at(-1) : null,
          }),
        ),
    );

/** The row before the deliveries: none, or one the engine has moved on (steps sent, a lease held), older than all. */
const startRow: fc.Arbitrary<Row | null> = fc.option(
  fc.record({ step: fc.integer({ min: 0, max: 3 }), due: fc.integer({ min: 0, max: 48 * 60 }), leased: fc.boolean() }).map(({ step, due, leased }) => ({
    ...held({ shopifyUpdatedAt: addMinutes(T0, -5), nextStepIndex: step, nextDueAt: at(due) }),
    leaseOwner: leased ? "tick-1" : null,
    leaseUntil: leased ? at(due + 1) : null,
  })),
);

const inAnyOrder = (xs: CheckoutRecord[]) => fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length });

describe("decideIngest: deliveries of one checkout in any order", () => {
  it("open versions (creates and updates) end in the row Shopify's order gives: the newest version's", () => {
    fc.assert(
      fc.property(startRow, versions(fc.constant(null)), fc.context(), (start, inOrder, ctx) => {
        const expected = applyAll(start, inOrder);
        // The newest version applied alone to the starting row gives the same: the older ones leave no trace.
        expect(apply(start, inOrder[inOrder.length - 1])).toEqual(expected);
        fc.assert(
          fc.property(inAnyOrder(inOrder), (shuffled) => {
            ctx.log(shuffled.map((r) => r.shopifyUpdatedAt.toISOString()).join(" "));
            expect(applyAll(start, shuffled)).toEqual(expected);
          }),
          { numRuns: 10 },
        );
      }),
      { numRuns: 100 },
    );
  });

  it("with a completion among them: the same row, but for abandonedAt (the last open version seen before completing)", () => {
    fc.assert(
      fc.property(startRow, versions(fc.integer({ min: 0, max: 4 })), (start, inOrder) => {
        const { abandonedAt: _a, ...expected } = applyAll(start, inOrder) as Row;
        fc.assert(
          fc.property(inAnyOrder(inOrder), (shuffled) => {
            const { abandonedAt: _b, ...got } = applyAll(start, shuffled) as Row;
            expect(got).toEqual(expected);
          }),
          { numRuns: 10 },
        );
      }),
      { numRuns: 100 },
    );
  });
});
