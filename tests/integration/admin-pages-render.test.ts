// Every admin page rendered from its own loader's answer (seeded data, a genuinely signed request): the ids, labels
// and test ids the e2e specs and merchants rely on are in the markup, one per row where the page lists rows. The
// pages are composed of app/components/*; this is what guards that composing them left nothing out.
import { beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "@prisma/client";
import { db } from "../../app/db.server";
import * as overview from "../../app/routes/app._index";
import * as pipeline from "../../app/routes/app.pipeline";
import * as detail from "../../app/routes/app.checkouts.$id";
import * as logs from "../../app/routes/app.logs";
import * as settings from "../../app/routes/app.settings";
import * as incentives from "../../app/routes/app.incentives";
import { adminRequest, call } from "../helpers/admin";
import { TEST_SHOP } from "../helpers/constants";
import { resetDatabase, seedOfflineSession, seedShop } from "../helpers/db";
import { seedAdminCheckout } from "../helpers/admin-seed";
import { occurrences, renderRoute } from "../helpers/render-route";

const NOW = new Date();
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000);
let grace = "";
let emailId = "";

const checkout = (data: Partial<Prisma.CheckoutUncheckedCreateInput> = {}) => seedAdminCheckout(data, { now: NOW, variantTitle: "M" });

beforeAll(async () => {
  await resetDatabase();
  await seedShop();
  await seedOfflineSession();
  const a = await checkout({
    totalMinor: 4000,
    abandonedAt: hoursAgo(48),
    recoveredAt: hoursAgo(46),
    recoveredRevenueMinor: 4000,
    status: "recovered",
    stage: "recovered",
  });
  const g = await checkout({
    firstName: "Grace",
    lastName: "Hopper",
    totalMinor: 30000,
    returningCustomer: true,
    priority: "urgent",
    priorityScore: 90,
    handoff: true,
    handoffReason: "high value",
    owner: "Sam",
  });
  grace = g.id;
  await checkout({ firstName: "Alan", stage: "lost", priority: "low" });
  await checkout({ firstName: "Lin", stage: "contacted", priority: "high", followUpAt: hoursAgo(1) });
  const msg = (checkoutId: string, stepId: string, channel: string, extra: Partial<Prisma.MessageUncheckedCreateInput> = {}) =>
    db.message.create({
      data: { shop: TEST_SHOP, checkoutId, stepId, stepIndex: 0, channel, status: "sent", sentAt: hoursAgo(40), createdAt: hoursAgo(40), ...extra },
    });
  emailId = (
    await msg(g.id, "s1", "email", {
      openedAt: hoursAgo(39),
      clickedAt: hoursAgo(39),
      subject: "You left this",
      recipient: "g@example.com",
      bodyHtml: "<p>Hello</p>",
    })
  ).id;
  await msg(a.id, "s3", "email", { openedAt: hoursAgo(38) });
  await msg(g.id, "s1", "push", { clickedAt: hoursAgo(39) });
  await msg(g.id, "s4", "email", { status: "skipped", skipReason: "quiet_hours", sentAt: null });
  await msg(g.id, "s2", "whatsapp", { status: "failed", lastError: "token expired" });
  await db.order.create({
    data: {
      shop: TEST_SHOP,
      orderId: "o1",
      totalMinor: 4000,
      shopifyCreatedAt: hoursAgo(2),
      recovered: true,
      attributedStepId: "s1",
      attributedChannel: "email",
    },
  });
  for (const [i, status] of ["active", "used", "expired", "failed"].entries()) {
    await db.incentive.create({
      data: {
        shop: TEST_SHOP,
        slot: `s${i}`,
        kind: "percentage",
        code: `CODE${i}`,
        status,
        startsAt: hoursAgo(3),
        endsAt: hoursAgo(-40),
        createdAt: hoursAgo(3),
        checkoutId: g.id,
        percentOff: 10,
      },
    });
  }
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function page(route: { loader: (args: any) => Promise<Response>; default: React.ComponentType }, path: string, params: Record<string, string> = {}) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const res = await call<any>(route.loader, await adminRequest(path), params);
  expect(res.status).toBe(200);
  return { data: res.json, html: await renderRoute(route.default, path, res.json) };
}

/** The needles missing from the markup (an assertion on this list names them, not the whole page). */
const missing = (html: string, needles: string[]) => needles.filter((n) => !html.includes(n));
const ids = (html: string, list: string[]) =>
  expect(
    missing(
      html,
      list.map((id) => `id="${id}"`),
    ),
  ).toEqual([]);
const texts = (html: string, list: string[]) => expect(missing(html, list)).toEqual([]);

describe("admin pages render from their loader's data", () => {
  it("Overview: the setup checklist, every figure, the chart and the four breakdowns", async () => {
    const { html } = await page(overview, "/app?days=7");
    ids(html, [
      "setup-checklist",
      "definitions",
      "holdout-panel",
      "revenue-chart",
      "revenue-chart-table",
      "trend-chart",
      "trend-chart-table",
      "breakdown-step",
      "breakdown-channel",
      "breakdown-segment",
      "breakdown-source",
      "breakdown-outcome",
      "breakdown-owner",
      "breakdown-topic",
      "breakdown-incentive",
      "breakdown-hours",
      "launch-table",
    ]);
    ids(
      html,
      [
        "abandoned",
        "recovered",
        "recovery-rate",
        "revenue",
        "aov-lift",
        "messages",
        "email-open",
        "email-click",
        "push-click",
        "opt-out",
        "discount",
        "staff",
      ].map((m) => `metric-${m}`),
    );
    texts(html, ["Last 90 days", 'aria-label="Recovered revenue per day"']);
  });

  it("Pipeline: five columns and one card per checkout on the board", async () => {
    const { data, html } = await page(pipeline, "/app/pipeline");
    texts(
      html,
      ["abandoned", "contacted", "negotiating", "recovered", "lost"].map((stage) => `data-testid="column-${stage}"`),
    );
    const cards = (data.columns as Array<{ cards: unknown[] }>).reduce((n, c) => n + c.cards.length, 0);
    expect(cards).toBeGreaterThan(2);
    expect(occurrences(html, 'data-testid="pipeline-card"')).toBe(cards);
    texts(html, ["Grace Hopper"]);
  });

  it("Checkout detail: one timeline entry per event, the cart, customer, owner, codes and history", async () => {
    const { data, html } = await page(detail, `/app/checkouts/${grace}`, { id: grace });
    ids(html, ["timeline", "note-body", "note-add", "cart-items", "owner-name", "owner-save", "owner-current", "customer-history"]);
    expect(data.timeline.length).toBeGreaterThan(3);
    expect(occurrences(html, "data-kind=")).toBe(data.timeline.length);
    texts(html, ["Linen Shirt (M)", "Currently: Sam", "Handoff: high value", "CODE0", "CODE1", "CODE2", "CODE3"]);
  });

  it("Logs: one row per message with its reason, Preview on kept emails, and the open preview", async () => {
    const { data, html } = await page(logs, `/app/logs?message=${emailId}`);
    ids(html, ["log-channel", "log-status", "log-step", "log-total", "log-table", "email-preview"]);
    expect(data.rows.length).toBe(5);
    expect(occurrences(html, 'data-testid="log-reason"')).toBe(5);
    expect(occurrences(html, 'data-testid="log-preview"')).toBe((data.rows as Array<{ channel: string }>).filter((r) => r.channel === "email").length);
    texts(html, ["token expired", "You left this"]);
  });

  it("Settings: every section with its fields, one block per cadence step", async () => {
    const { data, html } = await page(settings, "/app/settings");
    ids(html, [
      "settings-save",
      "settings-save-bottom",
      "profile-domain",
      "cadence",
      "cadence-window",
      "channels",
      "channel-status",
      "sender-name",
      "sender-email",
      "sender-reply-to",
      "email-test",
    ]);
    ids(html, [
      "consent-email",
      "exclusions-min-cart",
      "exclusions-tags",
      "cap-max",
      "cap-hours",
      "cap-help",
      "quiet-start",
      "quiet-end",
      "quiet-timezone",
      "handoff-threshold",
      "handoff-alert-email",
    ]);
    ids(html, [
      "whatsapp",
      "whatsapp-phone-id",
      "whatsapp-language",
      "whatsapp-tpl-reminder",
      "whatsapp-tpl-incentive",
      "whatsapp-consent-note",
      "whatsapp-test",
      "retention-days",
      "storefront",
      "embed-status",
      "embed-deep-link",
    ]);
    const steps = data.settings.cadence.steps as unknown[];
    expect(steps.length).toBeGreaterThan(1);
    steps.forEach((_, i) => ids(html, [`step-${i}-label`, `step-${i}-offset`, `step-${i}-enabled`]));
    expect(html.includes(`id="step-${steps.length}-label"`)).toBe(false);
    texts(
      html,
      ["Store profile", "Cadence", "Channels and sender", "Consent and exclusions", "Quiet hours", "Handoff to staff", "WhatsApp", "Logs", "Storefront"].map(
        (title) => `>${title}</h2>`,
      ),
    );
  });

  it("Incentives: the figures, the form's fields by name, and one row per recent code", async () => {
    const { data, html } = await page(incentives, "/app/incentives");
    ids(html, ["stat-issued", "stat-used", "stat-expired", "stat-cost", "incentive-form"]);
    const fields = [
      "enabled",
      "type",
      "percentOff",
      "amountOff",
      "stepId",
      "minSubtotal",
      "expiryHours",
      "codePrefix",
      "notTwiceWithinDays",
      "skipIfCartHasDiscount",
      "minCartValue",
      "combinesOrder",
      "combinesProduct",
      "combinesShipping",
    ];
    texts(
      html,
      fields.map((name) => `name="${name}"`),
    );
    expect(data.recent.length).toBe(4);
    texts(
      html,
      ["CODE0", "CODE1", "CODE2", "CODE3"].map((code) => `scope="row">${code}</th>`),
    );
  });
});
