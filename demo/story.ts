// Who visits the demo store and what each shopper will do, decided up front from the seed (same seed, same story).
// Pure: no I/O. The simulation (demo/simulate.ts) plays it through the real routes.
import { createRng } from "./random";

export interface CatalogItem {
  title: string;
  variant: string | null;
  price: number; // dollars
}

export const CATALOG: CatalogItem[] = [
  { title: "Linen Shirt", variant: "M / Sand", price: 59 },
  { title: "Canvas Tote", variant: null, price: 18.5 },
  { title: "Merino Crew Sweater", variant: "L / Charcoal", price: 129 },
  { title: "Trail Runner Shoes", variant: "42 / Moss", price: 149 },
  { title: "Cotton Socks (3-pack)", variant: null, price: 14 },
  { title: "Silk Scarf", variant: "Indigo", price: 79 },
  { title: "Denim Jacket", variant: "S / Washed Blue", price: 119 },
  { title: "Enamel Camp Mug", variant: null, price: 22 },
];

export const PREMIUM: CatalogItem[] = [
  { title: "Leather Weekender Bag", variant: "Cognac", price: 389 },
  { title: "Wool Overcoat", variant: "M / Camel", price: 449 },
  { title: "Down Parka", variant: "L / Black", price: 329 },
];

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Linus",
  "Margaret",
  "Ken",
  "Barbara",
  "Dennis",
  "Frances",
  "Edsger",
  "Radia",
  "Tim",
  "Hedy",
  "Vint",
  "Katherine",
  "John",
  "Sophie",
  "Niklaus",
  "Annie",
  "Donald",
  "Mary",
  "Guido",
  "Shafi",
  "Bjarne",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Torvalds",
  "Hamilton",
  "Thompson",
  "Liskov",
  "Ritchie",
  "Allen",
  "Dijkstra",
  "Perlman",
  "Berners-Lee",
  "Lamarr",
  "Cerf",
  "Johnson",
  "McCarthy",
  "Wilson",
  "Wirth",
  "Easley",
  "Knuth",
  "Keller",
  "van Rossum",
  "Goldwasser",
  "Stroustrup",
];

export const WHATSAPP_REPLIES = [
  { text: "Hi! Is there any discount if I order today?", kind: "discount" },
  { text: "Does it run small? I'm usually between M and L.", kind: "product" },
  { text: "My card was declined at checkout, can I pay another way?", kind: "payment" },
  { text: "How long does shipping to Chicago take?", kind: "shipping" },
] as const;

export const EMAIL_REPLIES = [
  "Hi, I left this in my cart because shipping looked expensive. Any chance of free shipping?",
  "Could you hold the coat in camel for me until Friday? Thanks!",
] as const;

export type Plan =
  /** Orders before any reminder goes out (some even before the checkout counts as abandoned): not a recovery. */
  | { kind: "buys_before_reminder"; afterMinutes: number }
  /** Opens the nth recovery email, follows its tracked link, then orders. */
  | { kind: "buys_after_email"; nth: number; delayMinutes: number }
  /** Taps the nth push notification (its tracked link), then orders. */
  | { kind: "buys_after_push"; nth: number; delayMinutes: number }
  /** Answers the WhatsApp reminder; may order a few hours later. */
  | { kind: "replies_whatsapp"; text: string; thenBuysAfterMinutes: number | null; delayMinutes: number }
  /** Answers a recovery email (SendGrid Inbound Parse). */
  | { kind: "replies_email"; text: string; delayMinutes: number }
  /** Never comes back: the checkout ends Lost when the window closes. */
  | { kind: "gone" };

export interface Shopper {
  n: number;
  label: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  customerId: number | null;
  ordersCount: number;
  returning: boolean;
  emailConsent: boolean;
  smsConsent: boolean;
  push: boolean;
  loggedIn: boolean;
  items: Array<{ title: string; variant: string | null; quantity: number; price: string }>;
  totalMinor: number;
  highValue: boolean;
  /** Minutes after the story starts when the checkout is created. */
  arrivalMinutes: number;
  /** Minutes after arrival of a checkouts/update (another item added), or null. */
  updateAfterMinutes: number | null;
  token: string;
  cartToken: string;
  plan: Plan;
}

export const HIGH_VALUE_THRESHOLD_MINOR = 30_000;

function hex(rng: ReturnType<typeof createRng>, len: number): string {
  let s = "";
  for (let i = 0; i < len; i++) s += "0123456789abcdef"[rng.int(0, 15)];
  return s;
}

/**
 * The first shoppers of every story play these parts (in a seeded order), so even a small demo shows each path;
 * the rest are drawn at random.
 */
export const ARCHETYPES = [
  "buys_before_reminder",
  "clicks_first_email",
  "clicks_discount_email",
  "replies_whatsapp_then_buys",
  "replies_email",
  "taps_push",
  "high_value_gone",
  "returning_no_consent",
] as const;
type Archetype = (typeof ARCHETYPES)[number];

export function createStory(shoppers: number, seed: string): Shopper[] {
  const rng = createRng(seed);
  const cast: Archetype[] = [...ARCHETYPES];
  for (let i = cast.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [cast[i], cast[j]] = [cast[j], cast[i]];
  }
  const out: Shopper[] = [];
  for (let n = 1; n <= shoppers; n++) {
    const part: Archetype | null = n <= cast.length ? cast[n - 1] : null;
    const firstName = rng.pick(FIRST);
    const lastName = rng.pick(LAST);
    const returning = part ? part === "returning_no_consent" : rng.chance(0.25);
    const highValue = part ? part === "high_value_gone" : rng.chance(0.15);
    const count = rng.weighted([
      [1, 5],
      [2, 3],
      [3, 1],
    ] as const);
    const items: Shopper["items"] = [];
    if (highValue) {
      const p = rng.pick(PREMIUM);
      items.push({ title: p.title, variant: p.variant, quantity: 1, price: p.price.toFixed(2) });
    }
    for (let i = items.length; i < count; i++) {
      const p = rng.pick(CATALOG);
      if (items.some((x) => x.title === p.title)) continue;
      items.push({
        title: p.title,
        variant: p.variant,
        quantity: rng.weighted([
          [1, 6],
          [2, 2],
        ] as const),
        price: p.price.toFixed(2),
      });
    }
    const totalMinor = items.reduce((s, i) => s + Math.round(Number(i.price) * 100) * i.quantity, 0);
    const hasPhone = part === "replies_whatsapp_then_buys" || (part !== "returning_no_consent" && rng.chance(0.5));
    const smsConsent = part === "replies_whatsapp_then_buys" || (hasPhone && rng.chance(0.75));
    const emailConsent = part ? part !== "returning_no_consent" : rng.chance(0.75);
    const push = part ? part === "taps_push" || rng.chance(0.25) : rng.chance(0.35);
    const loggedIn = returning && rng.chance(0.6);

    let plan: Plan;
    const roll = rng.next();
    if (part === "buys_before_reminder") plan = { kind: "buys_before_reminder", afterMinutes: rng.int(8, 45) };
    else if (part === "clicks_first_email") plan = { kind: "buys_after_email", nth: 1, delayMinutes: rng.int(8, 60) };
    else if (part === "clicks_discount_email") plan = { kind: "buys_after_email", nth: 2, delayMinutes: rng.int(8, 60) };
    else if (part === "replies_whatsapp_then_buys")
      plan = { kind: "replies_whatsapp", text: WHATSAPP_REPLIES[0].text, delayMinutes: rng.int(4, 25), thenBuysAfterMinutes: rng.int(120, 300) };
    else if (part === "replies_email") plan = { kind: "replies_email", text: rng.pick(EMAIL_REPLIES), delayMinutes: rng.int(10, 90) };
    else if (part === "taps_push") plan = { kind: "buys_after_push", nth: 1, delayMinutes: rng.int(3, 40) };
    else if (part) plan = { kind: "gone" };
    else if (roll < 0.15) plan = { kind: "buys_before_reminder", afterMinutes: rng.int(8, 45) };
    else if (roll < 0.45)
      plan = {
        kind: "buys_after_email",
        nth: rng.weighted([
          [1, 45],
          [2, 35],
          [3, 15],
          [4, 5],
        ] as const),
        delayMinutes: rng.int(8, 100),
      };
    else if (roll < 0.53)
      plan = push
        ? {
            kind: "buys_after_push",
            nth: rng.weighted([
              [1, 60],
              [2, 40],
            ] as const),
            delayMinutes: rng.int(3, 40),
          }
        : { kind: "buys_after_email", nth: 1, delayMinutes: rng.int(8, 60) };
    else if (roll < 0.65) {
      const r = rng.pick(WHATSAPP_REPLIES);
      plan = smsConsent
        ? { kind: "replies_whatsapp", text: r.text, delayMinutes: rng.int(4, 25), thenBuysAfterMinutes: rng.chance(0.5) ? rng.int(120, 480) : null }
        : { kind: "gone" };
    } else if (roll < 0.7) plan = { kind: "replies_email", text: rng.pick(EMAIL_REPLIES), delayMinutes: rng.int(10, 90) };
    else plan = { kind: "gone" };

    const token = hex(rng, 32);
    out.push({
      n,
      label: `${firstName} ${lastName[0]}.`,
      firstName,
      lastName,
      email: `${firstName}.${lastName}.${n}`.toLowerCase().replace(/[^a-z0-9.]/g, "") + "@shoppers.example",
      phone: hasPhone ? `+1555${String(1_000_000 + rng.int(0, 8_999_999)).slice(0, 7)}` : null,
      customerId: returning || rng.chance(0.3) ? 7_000_000 + n : null,
      ordersCount: returning ? rng.int(1, 6) : 0,
      returning,
      emailConsent,
      smsConsent,
      push,
      loggedIn,
      items,
      totalMinor,
      highValue: totalMinor >= HIGH_VALUE_THRESHOLD_MINOR,
      arrivalMinutes: Math.round((n - 1) * (240 / Math.max(1, shoppers))) + rng.int(0, 5),
      updateAfterMinutes: rng.chance(0.3) ? rng.int(2, 9) : null,
      token,
      cartToken: `c1-${hex(rng, 24)}`,
      plan,
    });
  }
  return out;
}
