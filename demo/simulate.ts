// Plays the story through the app's real routes, over HTTP, on a simulated clock:
//   storefront   -> POST /proxy/subscribe (app proxy request signed like Shopify signs it) with a push subscription
//   Shopify      -> POST /webhooks/checkouts/create|update, /webhooks/orders/create (HMAC-signed)
//   scheduler    -> POST /cron/tick {now} (Bearer CRON_SECRET): the engine runs the cadence at simulated times
//   shoppers     -> read what the stand-ins received, follow the tracked /r/<token> link, order, or reply
// Time only moves forward; every webhook carries the simulated time in its payload and every tick gets it as `now`.
import { checkoutPayload, orderPayload } from "../tests/helpers/factories";
import type { Inbox, InboxItem } from "./inbox";
import { signAppProxyQuery, webhookHmac } from "./signing";
import type { Shopper } from "./story";

export interface TickAnswer {
  claimed: number;
  sent: Record<string, number>;
  skipped: Record<string, number>;
  deferred?: Record<string, number>;
  failed: number;
  handoffs?: number;
  staffAlerts?: number;
  lost?: number;
  stillDue: number;
}

export interface ReplyChannels {
  whatsapp: ((args: { shopper: Shopper; text: string; at: Date; replyTo: InboxItem }) => Promise<void>) | null;
  email: ((args: { shopper: Shopper; text: string; at: Date; replyTo: InboxItem }) => Promise<void>) | null;
}

export interface SimulationConfig {
  appUrl: string;
  shop: string;
  apiSecret: string;
  cronSecret: string;
  story: Shopper[];
  start: Date;
  /** Cron ticks per simulated hour. */
  speed: number;
  inbox: Inbox;
  /** Push receiver subscriptions for shoppers who accept notifications (null when there is no receiver). */
  subscribePush: ((shopper: Shopper) => { endpoint: string; keys: { p256dh: string; auth: string } }) | null;
  replies: ReplyChannels;
  progress: (line: string) => void;
}

export interface SimulationTotals {
  ticks: number;
  /** Wall time spent waiting for ticks, and what the server reported working on them. */
  tickWallMs: number;
  tickServerMs: number;
  sent: Record<string, number>;
  skipped: Record<string, number>;
  deferred: Record<string, number>;
  failed: number;
  webhooks: number;
  orders: number;
  ordersAfterMessage: number;
  clicks: number;
  pushSubscriptions: number;
  replies: { whatsapp: number; email: number; skipped: number };
  problems: string[];
  end: Date;
}

interface Scheduled {
  at: number; // minutes from start
  seq: number;
  label: string;
  run: () => Promise<void>;
}

const MIN = 60_000;

function add(map: Record<string, number>, more: Record<string, number> | undefined) {
  for (const [k, v] of Object.entries(more ?? {})) map[k] = (map[k] ?? 0) + v;
}

function digits(s: string | null | undefined) {
  return (s ?? "").replace(/\D/g, "");
}

export async function simulate(cfg: SimulationConfig): Promise<SimulationTotals> {
  const T = (minutes: number) => new Date(cfg.start.getTime() + Math.round(minutes * MIN));
  const totals: SimulationTotals = {
    ticks: 0,
    tickWallMs: 0,
    tickServerMs: 0,
    sent: {},
    skipped: {},
    deferred: {},
    failed: 0,
    webhooks: 0,
    orders: 0,
    ordersAfterMessage: 0,
    clicks: 0,
    pushSubscriptions: 0,
    replies: { whatsapp: 0, email: 0, skipped: 0 },
    problems: [],
    end: cfg.start,
  };
  const queue: Scheduled[] = [];
  let seq = 0;
  const schedule = (at: number, label: string, run: () => Promise<void>) => {
    queue.push({ at, seq: seq++, label, run });
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  };
  const problem = (p: string) => {
    totals.problems.push(p);
    cfg.progress(`  ! ${p}`);
  };

  let webhookSeq = 0;
  async function webhook(topic: string, payload: unknown) {
    const body = JSON.stringify(payload);
    webhookSeq += 1;
    const res = await fetch(`${cfg.appUrl}/webhooks/${topic}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": cfg.shop,
        "X-Shopify-API-Version": "2026-10",
        "X-Shopify-Webhook-Id": `demo-wh-${webhookSeq}`,
        "X-Shopify-Event-Id": `demo-ev-${webhookSeq}`,
        "X-Shopify-Triggered-At": new Date().toISOString(),
        "X-Shopify-Hmac-Sha256": webhookHmac(body, cfg.apiSecret),
      },
      body,
    });
    totals.webhooks += 1;
    if (res.status !== 200) problem(`${topic} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    else await res.arrayBuffer();
  }

  const recoveryUrl = (s: Shopper) => `https://${cfg.shop}/checkouts/${s.token}/recover?key=${s.token.slice(0, 16)}`;

  function checkoutBody(s: Shopper, at: Date, createdAt: Date, extraItem: boolean) {
    const items = extraItem ? [...s.items, { title: "Enamel Camp Mug", variant: null, quantity: 1, price: "22.00" }] : s.items;
    const p = checkoutPayload({
      token: s.token,
      cartToken: s.cartToken,
      email: s.email,
      phone: s.phone,
      firstName: s.firstName,
      createdAt,
      updatedAt: at,
      acceptsMarketing: s.emailConsent,
      acceptsSms: s.smsConsent,
      customerId: s.customerId,
      ordersCount: s.ordersCount,
      items: items.map((i) => ({ title: i.title, variant: i.variant ?? undefined, quantity: i.quantity, price: i.price })),
      currency: "USD",
    });
    const customer = p.customer ? { ...p.customer, last_name: s.lastName } : null;
    return { ...p, abandoned_checkout_url: recoveryUrl(s), customer, billing_address: { ...p.billing_address, last_name: s.lastName } };
  }

  const totalsOf = new Map<number, number>(); // shopper -> cart total in cents (after any update)

  async function placeOrder(s: Shopper, at: Date, code: string | null, why: string) {
    const cart = totalsOf.get(s.n) ?? s.totalMinor;
    const discount = code ? Math.round(cart * 0.1) : 0;
    const total = ((cart - discount) / 100).toFixed(2);
    const p = orderPayload({
      id: 6_100_000 + s.n,
      checkoutToken: s.token,
      total,
      createdAt: at,
      email: s.email,
      customerId: s.customerId ?? undefined,
      discountCodes: code ? [{ code, amount: (discount / 100).toFixed(2) }] : [],
    });
    await webhook("orders/create", { ...p, name: `#${2000 + s.n}`, cart_token: s.cartToken, total_discounts: (discount / 100).toFixed(2) });
    totals.orders += 1;
    if (why !== "before") totals.ordersAfterMessage += 1;
  }

  async function follow(link: string, s: Shopper): Promise<string | null> {
    const res = await fetch(link, { redirect: "manual" });
    await res.arrayBuffer();
    if (res.status !== 302) {
      problem(`tracked link for ${s.label} answered ${res.status}`);
      return null;
    }
    totals.clicks += 1;
    return res.headers.get("location");
  }

  // The storefront and Shopify side of each shopper, scheduled up front.
  for (const s of cfg.story) {
    totalsOf.set(s.n, s.totalMinor);
    if (s.push && cfg.subscribePush) {
      schedule(s.arrivalMinutes - 1, `push subscription ${s.label}`, async () => {
        const sub = cfg.subscribePush!(s);
        // Shopify signs the forwarded query; the timestamp is checked against the server's real clock.
        const params: Record<string, string> = {
          shop: cfg.shop,
          logged_in_customer_id: s.loggedIn && s.customerId ? String(s.customerId) : "",
          path_prefix: "/apps/checkout-recovery",
          timestamp: String(Math.floor(Date.now() / 1000)),
        };
        const q = signAppProxyQuery(params, cfg.apiSecret);
        const res = await fetch(`${cfg.appUrl}/proxy/subscribe?${q}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "User-Agent": "Mozilla/5.0 (demo shopper) Chrome/130.0" },
          body: JSON.stringify({ type: "subscribe", subscription: { endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }, cartToken: s.cartToken }),
        });
        if (res.status === 200 || res.status === 201) totals.pushSubscriptions += 1;
        else problem(`push subscription for ${s.label} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      });
    }
    schedule(s.arrivalMinutes, `checkout ${s.label}`, () => webhook("checkouts/create", checkoutBody(s, T(s.arrivalMinutes), T(s.arrivalMinutes), false)));
    if (s.updateAfterMinutes !== null) {
      const at = s.arrivalMinutes + s.updateAfterMinutes;
      schedule(at, `checkout update ${s.label}`, async () => {
        totalsOf.set(s.n, s.totalMinor + 2200);
        await webhook("checkouts/update", checkoutBody(s, T(at), T(s.arrivalMinutes), true));
      });
    }
    if (s.plan.kind === "buys_before_reminder") {
      const at = s.arrivalMinutes + (s.updateAfterMinutes ?? 0) + s.plan.afterMinutes;
      schedule(at, `order ${s.label}`, () => placeOrder(s, T(at), null, "before"));
    }
  }

  // What shoppers do when something reaches them.
  const byEmail = new Map(cfg.story.map((s) => [s.email.toLowerCase(), s]));
  const received = new Map<number, { email: number; push: number; whatsapp: number }>();
  const acted = new Set<number>();
  function react(items: InboxItem[], now: number) {
    for (const it of items) {
      if (it.channel === "staff") continue;
      const s = it.channel === "whatsapp" ? cfg.story.find((x) => x.phone && digits(x.phone) === digits(it.to)) : byEmail.get(it.to.toLowerCase());
      if (!s) continue;
      const r = received.get(s.n) ?? { email: 0, push: 0, whatsapp: 0 };
      r[it.channel] += 1;
      received.set(s.n, r);
      if (acted.has(s.n)) continue;
      const plan = s.plan;
      if (plan.kind === "buys_after_email" && it.channel === "email" && r.email === plan.nth) {
        acted.add(s.n);
        const at = now + plan.delayMinutes;
        schedule(at, `click and order ${s.label}`, async () => {
          // With a discount in the email the shopper takes the "apply the code" link; the redirect names the code.
          const location = await follow(it.incentiveLink ?? it.link ?? "", s);
          const code = location && /\/discount\/([^/?]+)/.exec(location)?.[1];
          await placeOrder(s, T(at + 6), code ? decodeURIComponent(code) : null, "email");
        });
      } else if (plan.kind === "buys_after_push" && it.channel === "push" && r.push === plan.nth) {
        acted.add(s.n);
        const at = now + plan.delayMinutes;
        schedule(at, `push tap and order ${s.label}`, async () => {
          if (it.link) await follow(it.link, s);
          await placeOrder(s, T(at + 5), null, "push");
        });
      } else if (plan.kind === "replies_whatsapp" && it.channel === "whatsapp") {
        acted.add(s.n);
        const at = now + plan.delayMinutes;
        schedule(at, `WhatsApp reply ${s.label}`, async () => {
          if (cfg.replies.whatsapp) {
            await cfg.replies.whatsapp({ shopper: s, text: plan.text, at: T(at), replyTo: it });
            totals.replies.whatsapp += 1;
          } else totals.replies.skipped += 1;
        });
        if (plan.thenBuysAfterMinutes !== null) {
          const buyAt = at + plan.thenBuysAfterMinutes;
          schedule(buyAt, `order after conversation ${s.label}`, () => placeOrder(s, T(buyAt), null, "conversation"));
        }
      } else if (plan.kind === "replies_email" && it.channel === "email") {
        acted.add(s.n);
        const at = now + plan.delayMinutes;
        schedule(at, `email reply ${s.label}`, async () => {
          if (cfg.replies.email) {
            await cfg.replies.email({ shopper: s, text: plan.text, at: T(at), replyTo: it });
            totals.replies.email += 1;
          } else totals.replies.skipped += 1;
        });
      }
    }
  }

  async function tick(now: Date): Promise<TickAnswer | null> {
    const t0 = performance.now();
    const res = await fetch(`${cfg.appUrl}/cron/tick`, {
      method: "POST",
      headers: { Authorization: `Bearer ${cfg.cronSecret}`, "Content-Type": "application/json" },
      // A bounded budget: a demo tick has little to do, and a tick that cannot finish should not stall the story.
      body: JSON.stringify({ now: now.toISOString(), budgetMs: 1_500 }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    totals.tickWallMs += performance.now() - t0;
    if (res.status !== 200) {
      problem(`cron tick at ${now.toISOString()} answered ${res.status}: ${text.slice(0, 200)}`);
      return null;
    }
    const r = JSON.parse(text) as TickAnswer;
    totals.ticks += 1;
    totals.tickServerMs += (r as { ms?: number }).ms ?? 0;
    add(totals.sent, r.sent);
    add(totals.skipped, r.skipped);
    add(totals.deferred, r.deferred);
    totals.failed += r.failed ?? 0;
    return r;
  }

  const stepMinutes = 60 / cfg.speed;
  const lastArrival = Math.max(...cfg.story.map((s) => s.arrivalMinutes + (s.updateAfterMinutes ?? 0)));
  const endMinutes = lastArrival + 48 * 60 + 90;
  const reportEvery = 6 * 60;
  let nextReport = reportEvery;
  const maxTicks = Math.ceil(endMinutes / stepMinutes) + 10;
  let t = 0;
  for (let i = 0; i <= maxTicks && t <= endMinutes; i++, t += stepMinutes) {
    // Everything that happens before this tick, in time order (reactions may add more within the same span).
    for (let guard = 0; queue.length && queue[0].at <= t && guard < 10_000; guard++) {
      const ev = queue.shift()!;
      try {
        await ev.run();
      } catch (e) {
        problem(`${ev.label}: ${(e as Error).message}`);
      }
    }
    const now = T(t);
    // A tick that leaves work due (its time budget ran out) is followed by another at the same moment, as long as
    // it got something done (sent, skipped or failed a message): work that is only ever deferred waits for the next.
    for (let k = 0; k < 3; k++) {
      const r = await tick(now);
      if (!r || r.stillDue === 0 || r.claimed === 0) break;
      const done = Object.values(r.sent).reduce((a, b) => a + b, 0) + Object.values(r.skipped).reduce((a, b) => a + b, 0) + (r.failed ?? 0);
      if (done === 0) break;
    }
    react(await cfg.inbox.poll(now), t);
    if (t >= nextReport || t + stepMinutes > endMinutes) {
      nextReport += reportEvery;
      const sent = ["email", "push", "whatsapp"].map((c) => `${c} ${totals.sent[c] ?? 0}`).join(", ");
      const hh = Math.floor(t / 60);
      cfg.progress(
        `  +${String(hh).padStart(2)}h ${now.toISOString().slice(5, 16).replace("T", " ")} UTC  sent: ${sent}  orders ${totals.orders} (${totals.ordersAfterMessage} after a message)  clicks ${totals.clicks}  replies ${totals.replies.whatsapp + totals.replies.email}`,
      );
    }
  }
  // Anything still queued (a late reaction) happens now, then one last tick.
  for (let guard = 0; queue.length && guard < 10_000; guard++) {
    const ev = queue.shift()!;
    try {
      await ev.run();
    } catch (e) {
      problem(`${ev.label}: ${(e as Error).message}`);
    }
    t = Math.max(t, ev.at);
  }
  totals.end = T(t);
  await tick(totals.end);
  await cfg.inbox.poll(totals.end);
  return totals;
}
