// Metrics arithmetic, board filters, quick WhatsApp messages and the checkout timeline, on known data.
import { describe, expect, it } from "vitest";
import { averageMinor, dayKeys, fillDailySeries, formatRate, hourBucket, niceMax, overviewFigures, parsePeriod, rate, valueBand } from "../../app/lib/metrics";
import { parseBoardFilters, parseColumnPages, parseFollowUp, productSummary, customerName, pageCount } from "../../app/lib/board";
import { clickToChatUrl, whatsappTemplates } from "../../app/lib/quick-messages";
import { actorLabel, buildTimeline } from "../../app/lib/timeline";

describe("rates and averages", () => {
  it("divides safely", () => {
    expect(rate(1, 4)).toBe(0.25);
    expect(rate(3, 0)).toBe(0);
    expect(rate(0, 0)).toBe(0);
    expect(rate(Number.NaN, 3)).toBe(0);
    expect(rate(5, -1)).toBe(0);
    expect(formatRate(0.1234)).toBe("12.3%");
    expect(averageMinor(1000, 3)).toBe(333);
    expect(averageMinor(1001, 2)).toBe(501);
    expect(averageMinor(500, 0)).toBe(0);
  });

  it("computes every overview figure from known counts", () => {
    const f = overviewFigures({
      abandoned: 200,
      recovered: 30,
      recoveredRevenueMinor: 450_000,
      orders: { count: 100, sumMinor: 1_000_000 },
      recoveredOrders: { count: 30, sumMinor: 450_000 },
      email: { sent: 400, opened: 100, clicked: 20 },
      push: { sent: 50, opened: 0, clicked: 5 },
      incentives: { issued: 40, used: 10 },
      optOuts: 9,
      messagesSent: 450,
    });
    expect(f).toEqual({
      abandoned: 200,
      recovered: 30,
      recoveryRate: 0.15,
      recoveredRevenueMinor: 450_000,
      avgRecoveredOrderMinor: 15_000,
      avgOrderMinor: 10_000,
      emailOpenRate: 0.25,
      emailClickRate: 0.05,
      pushClickRate: 0.1,
      discountUseRate: 0.25,
      optOutRate: 0.02,
    });
  });

  it("is all zeros (not NaN) for a shop with no data", () => {
    const f = overviewFigures({
      abandoned: 0,
      recovered: 0,
      recoveredRevenueMinor: 0,
      orders: { count: 0, sumMinor: 0 },
      recoveredOrders: { count: 0, sumMinor: 0 },
      email: { sent: 0, opened: 0, clicked: 0 },
      push: { sent: 0, opened: 0, clicked: 0 },
      incentives: { issued: 0, used: 0 },
      optOuts: 0,
      messagesSent: 0,
    });
    for (const v of Object.values(f)) expect(v).toBe(0);
  });
});

describe("bands, buckets, periods, days", () => {
  it("bands cart values with inclusive lower bounds", () => {
    expect(valueBand(0)).toBe("under_50");
    expect(valueBand(4_999)).toBe("under_50");
    expect(valueBand(5_000)).toBe("50_100");
    expect(valueBand(9_999)).toBe("50_100");
    expect(valueBand(10_000)).toBe("100_250");
    expect(valueBand(25_000)).toBe("250_plus");
    expect(valueBand(9_999_999)).toBe("250_plus");
  });

  it("buckets hours since abandonment", () => {
    expect(hourBucket(0)).toBe("0_1");
    expect(hourBucket(0.99)).toBe("0_1");
    expect(hourBucket(1)).toBe("1_4");
    expect(hourBucket(11.5)).toBe("4_12");
    expect(hourBucket(23.9)).toBe("12_24");
    expect(hourBucket(47)).toBe("24_48");
    expect(hourBucket(48)).toBe("48_plus");
    expect(hourBucket(-3)).toBe("0_1");
  });

  it("accepts 7, 30 and 90 days only", () => {
    expect(parsePeriod("7")).toBe(7);
    expect(parsePeriod("90")).toBe(90);
    expect(parsePeriod("31")).toBe(30);
    expect(parsePeriod(null)).toBe(30);
  });

  it("fills missing days with zero", () => {
    const since = new Date("2026-11-18T15:00:00Z");
    const now = new Date("2026-11-21T09:00:00Z");
    expect(dayKeys(since, now)).toEqual(["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21"]);
    expect(
      fillDailySeries(since, now, [
        { day: "2026-11-19", valueMinor: 500 },
        { day: "2026-11-21", valueMinor: 250 },
      ]),
    ).toEqual([
      { day: "2026-11-18", valueMinor: 0 },
      { day: "2026-11-19", valueMinor: 500 },
      { day: "2026-11-20", valueMinor: 0 },
      { day: "2026-11-21", valueMinor: 250 },
    ]);
  });

  it("rounds the chart's axis up to a nice number", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(120)).toBe(200);
    expect(niceMax(2400)).toBe(2500);
  });
});

describe("board filters and cards", () => {
  it("parses filters from the URL, ignoring junk", () => {
    const f = parseBoardFilters(new URLSearchParams("stage=lost&priority=urgent&min=10.50&max=abc&from=2026-11-01&to=2026-11-02&q=%20ada%20"), "USD");
    expect(f).toEqual({
      stage: "lost",
      priority: "urgent",
      minMinor: 1050,
      maxMinor: null,
      from: new Date("2026-11-01T00:00:00Z"),
      to: new Date("2026-11-03T00:00:00Z"),
      q: "ada",
    });
    expect(parseBoardFilters(new URLSearchParams("stage=nope&priority=x"), "USD")).toMatchObject({ stage: null, priority: null, q: null });
    expect(parseColumnPages(new URLSearchParams("p_lost=3&p_contacted=-1")).lost).toBe(3);
    expect(parseColumnPages(new URLSearchParams("p_contacted=-1")).contacted).toBe(1);
    expect(pageCount(0)).toBe(1);
    expect(pageCount(41, 20)).toBe(3);
  });

  it("summarises products and names", () => {
    expect(
      productSummary([
        { title: "Linen Shirt", quantity: 1 },
        { title: "Tote", quantity: 2 },
      ]),
    ).toEqual({ product: "Linen Shirt + 1 more", quantity: 3 });
    expect(productSummary([])).toEqual({ product: "", quantity: 0 });
    expect(customerName({ firstName: "Ada", lastName: null, email: "a@x.io" })).toBe("Ada");
    expect(customerName({ firstName: null, lastName: null, email: "a@x.io" })).toBe("a@x.io");
  });

  it("accepts a follow-up in the future only", () => {
    const now = new Date("2026-11-20T10:00:00Z");
    expect(parseFollowUp("2026-11-21T09:30:00.000Z", now)?.toISOString()).toBe("2026-11-21T09:30:00.000Z");
    expect(parseFollowUp("2026-11-19T09:30:00.000Z", now)).toBeNull();
    expect(parseFollowUp("garbage", now)).toBeNull();
    expect(parseFollowUp(null, now)).toBeNull();
  });
});

describe("quick WhatsApp messages", () => {
  it("fills the three templates with first name, product and code", () => {
    const t = whatsappTemplates({ firstName: "Ada", product: "Linen Shirt", code: "BACK-10X", link: "https://shop.example/r" });
    expect(t.map((x) => x.label)).toEqual(["Reminder", "Discount", "Urgency"]);
    for (const x of t) {
      expect(x.text).toContain("Ada");
      expect(x.text).toContain("Linen Shirt");
    }
    expect(t[1].text).toContain("BACK-10X");
    expect(whatsappTemplates({ firstName: null, product: null, link: null })[0].text).toContain("Hi there");
  });

  it("builds a wa.me click-to-chat link", () => {
    expect(clickToChatUrl("+1 (555) 010-2030", "Hi Ada & co")).toBe("https://wa.me/15550102030?text=Hi%20Ada%20%26%20co");
  });
});

describe("timeline", () => {
  it("orders everything by time and names who moved the card", () => {
    const d = (m: number) => new Date(Date.UTC(2026, 10, 20, 10, m));
    const t = buildTimeline({
      checkout: { shopifyCreatedAt: d(0), shopifyUpdatedAt: d(5), abandonedAt: d(25), completedAt: d(50), recoveredAt: d(50), orderId: "1001" },
      messages: [
        {
          channel: "email",
          stepLabel: "First reminder",
          status: "clicked",
          createdAt: d(30),
          sentAt: d(30),
          deliveredAt: d(31),
          openedAt: d(35),
          clickedAt: d(36),
          failedAt: null,
          bouncedAt: null,
          lastError: null,
          skipReason: null,
          incentiveCode: null,
        },
      ],
      conversation: [{ direction: "inbound", channel: "whatsapp", body: "Is there a discount?", author: null, classification: "discount", createdAt: d(40) }],
      notes: [{ author: "Jane", body: "Called, no answer", createdAt: d(45) }],
      audit: [{ action: "stage_change", actor: "staff:Jane", fromValue: "contacted", toValue: "negotiating", createdAt: d(41) }],
      stageLabel: (s) => s.toUpperCase(),
    });
    expect(t.map((e) => e.title)).toEqual([
      "Checkout created",
      "Checkout last updated",
      "Abandoned",
      "Sent: First reminder · email",
      "Delivered: First reminder · email",
      "Opened: First reminder · email",
      "Clicked: First reminder · email",
      "Reply on whatsapp (discount)",
      "Moved from CONTACTED to NEGOTIATING",
      "Note",
      "Recovered: order 1001",
    ]);
    expect(t.find((e) => e.kind === "stage")?.actor).toBe("Jane");
    expect(actorLabel("system:engine")).toBe("Recovery engine");
    expect(actorLabel("webhook:orders/create")).toBe("Shopify (orders/create)");
  });
});
