// One day's metric rows from known facts (app/lib/metric-facts.ts): the cohort, the credit, the outcome precedence,
// staff alerts apart, the holdout groups' conversion, money in another currency left out.
import { describe, expect, it } from "vitest";
import { aggregateDay, enteredCadence, outcomeOf, sumRows, type DayFacts, type FactCheckout, type FactMessage } from "../../app/lib/metric-facts";
import { T0, addHours } from "../helpers/time";

const ctx = { day: T0.toISOString().slice(0, 10), timeZone: "UTC", currency: "USD", windowHours: 48, asOf: addHours(T0, 100) };

function co(id: string, o: Partial<FactCheckout> = {}): FactCheckout {
  return {
    id,
    abandonedAt: T0,
    completedAt: null,
    isTest: false,
    returningCustomer: false,
    shopTotalMinor: 5000,
    shopCurrency: "USD",
    sourceName: "web",
    owner: null,
    handoff: false,
    stopReason: null,
    recoveredAt: null,
    recoveredRevenueMinor: null,
    attributedMessageId: null,
    holdout: false,
    ...o,
  };
}
const sent = (id: string, checkoutId: string, channel = "email", o: Partial<FactMessage> = {}): FactMessage => ({
  id,
  checkoutId,
  channel,
  stepId: channel === "staff_alert" ? "handoff" : "s1",
  sentAt: addHours(T0, 1),
  openedAt: null,
  clickedAt: null,
  unsubscribedAt: null,
  incentiveCode: null,
  ...o,
});
const facts = (f: Partial<DayFacts>): DayFacts => ({ checkouts: [], messages: [], orders: [], discounts: [], replies: [], touches: [], dayOrders: [], ...f });
const get = (f: DayFacts, dim: string, key: string) => sumRows(aggregateDay(f, ctx)).get(dim)?.get(key);

describe("metric facts", () => {
  it("the cohort: entered the cadence by asOf, not paid before abandonment, not a test", () => {
    expect(enteredCadence(co("a"), T0)).toBe(true);
    expect(enteredCadence(co("a"), addHours(T0, -0.01))).toBe(false);
    expect(enteredCadence(co("a", { completedAt: addHours(T0, -0.1) }), T0)).toBe(false);
    expect(enteredCadence(co("a", { completedAt: addHours(T0, 3) }), T0)).toBe(true);
    expect(enteredCadence(co("a", { isTest: true }), T0)).toBe(false);
  });

  it("credits only a shopper message; an order credited to a staff alert is not a recovery", () => {
    const f = facts({
      checkouts: [
        co("a", { recoveredAt: addHours(T0, 2), completedAt: addHours(T0, 2), recoveredRevenueMinor: 4000, attributedMessageId: "m1" }),
        co("b", { recoveredAt: addHours(T0, 2), completedAt: addHours(T0, 2), recoveredRevenueMinor: 9000, attributedMessageId: "m2", handoff: true }),
      ],
      messages: [sent("m1", "a"), sent("m2", "b", "staff_alert")],
    });
    expect(get(f, "all", "all")).toMatchObject({ checkouts: 2, recovered: 1, revenueMinor: 4000, sent: 1 });
    expect(get(f, "channel", "staff_alert")).toBeUndefined();
    expect(get(f, "staff", "all")).toMatchObject({ alerts: 1, handoffs: 1 });
    expect(get(f, "outcome", "ordered_before_message")?.checkouts).toBe(1);
  });

  it("outcome precedence: recovered, ordered, opted out, handed off, in the window, lost", () => {
    const shopper = [sent("m", "x")];
    const c = co("x");
    const o = (x: Partial<FactCheckout>, rec = false, opt = false, asOf = addHours(T0, 10)) =>
      outcomeOf({ ...c, ...x }, shopper, rec, opt, { windowHours: 48, asOf });
    expect(o({}, true, true)).toBe("recovered");
    expect(o({ completedAt: addHours(T0, 0.5) })).toBe("ordered_before_message");
    expect(o({ completedAt: addHours(T0, 5) }, false, true)).toBe("ordered_not_credited");
    expect(o({ handoff: true }, false, true)).toBe("opted_out");
    expect(o({ handoff: true })).toBe("handed_off");
    expect(o({})).toBe("in_window");
    expect(o({}, false, false, addHours(T0, 48))).toBe("lost");
  });

  it("both holdout groups convert by any order within the horizon; money in another currency is not summed", () => {
    const f = facts({
      checkouts: [
        co("h1", { holdout: true, completedAt: addHours(T0, 30) }),
        co("h2", { holdout: true }),
        co("m1", { completedAt: addHours(T0, 24 * 9 + 49) }),
        co("u", { holdout: null }),
      ],
      orders: [
        { checkoutId: "h1", totalMinor: 5000, currency: "USD", createdAt: addHours(T0, 30), isTest: false },
        { checkoutId: "m1", totalMinor: 7000, currency: "USD", createdAt: addHours(T0, 24 * 9 + 49), isTest: false }, // past 48 h + 7 days
      ],
      dayOrders: [
        { totalMinor: 5000, currency: "USD", recovered: false, isTest: false },
        { totalMinor: 9000, currency: "CAD", recovered: false, isTest: false },
        { totalMinor: 1000, currency: "USD", recovered: false, isTest: true },
      ],
    });
    expect(get(f, "group", "holdout")).toMatchObject({ checkouts: 2, converted: 1, convertedRevenueMinor: 5000, convertedRevenueSq: 2500 });
    expect(get(f, "group", "messaged")).toMatchObject({ checkouts: 1, converted: 0 });
    expect(get(f, "all", "all")?.checkouts).toBe(4); // undecided checkouts count everywhere but in the groups
    expect(get(f, "orders", "all")).toMatchObject({ orders: 1, orderRevenueMinor: 5000 });
  });

  it("leaves checkouts of another day out of the day's rows", () => {
    const f = facts({ checkouts: [co("a"), co("b", { abandonedAt: addHours(T0, 24) })] });
    expect(get(f, "all", "all")?.checkouts).toBe(1);
  });

  it("a reply that says STOP is an opt-out like an unsubscribe: in the rate's numerator and the outcome", () => {
    const f = facts({
      checkouts: [co("a"), co("b")],
      messages: [sent("m1", "a"), sent("m2", "b", "email", { unsubscribedAt: addHours(T0, 2) })],
      replies: [
        { checkoutId: "a", classification: "opt_out" },
        { checkoutId: "b", classification: "shipping" },
      ],
    });
    expect(get(f, "all", "all")).toMatchObject({ sent: 2, optedOut: 2 });
    expect(get(f, "outcome", "opted_out")?.checkouts).toBe(2);
  });
});
