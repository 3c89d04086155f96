// A shop's settings: one validated JSON document (Shop.settings). Defaults fill what a shop never set, so a new
// shop runs the standard cadence. parseSettings never throws (bad stored data falls back to defaults field by
// field); validateSettings is for merchant input and returns every error by path.
import { z } from "zod";
import { capProblem } from "./frequency-cap";
import { v3Message } from "./validation-messages";

export const CHANNELS = ["email", "push", "whatsapp"] as const;
export type Channel = (typeof CHANNELS)[number];

export const WINDOW_HOURS_MAX = 72;
/** The largest holdout a shop can choose, in percent of shoppers. */
export const HOLDOUT_MAX_PERCENT = 50;
export const LINK_LIVE_DELAY_MINUTES = 10; // abandoned_checkout_url may redirect home until ~10 min after creation

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM (24-hour)");

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * A whole number. Not zod's .int(): since zod 4.1 a non-integer aborts the parse, so the rules across fields would not
 * run and the merchant would see one problem at a time; this check reports it (with zod 3's wording) and lets them run.
 */
const wholeNumber = () => z.number().refine((n) => Number.isInteger(n), { message: "Expected integer, received float", abort: false });

export const StepSchema = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,32}$/i, "letters, digits, - and _ only"),
  label: z.string().trim().min(1, "required").max(60),
  offsetMinutes: wholeNumber().min(15, "at least 15 minutes after abandonment"),
  channels: z.array(z.enum(CHANNELS)).min(1, "pick at least one channel"),
  enabled: z.boolean(),
  carriesIncentive: z.boolean(),
});
export type CadenceStep = z.infer<typeof StepSchema>;

export const DEFAULT_STEPS: CadenceStep[] = [
  { id: "s1", label: "First reminder", offsetMinutes: 60, channels: ["email", "push"], enabled: true, carriesIncentive: false },
  { id: "s2", label: "WhatsApp nudge", offsetMinutes: 90, channels: ["whatsapp"], enabled: true, carriesIncentive: false },
  { id: "s3", label: "Second attempt", offsetMinutes: 240, channels: ["email", "push"], enabled: true, carriesIncentive: true },
  { id: "s4", label: "Next-day reminder", offsetMinutes: 1440, channels: ["email", "push"], enabled: true, carriesIncentive: false },
  { id: "s5", label: "Last chance", offsetMinutes: 2400, channels: ["email", "push"], enabled: true, carriesIncentive: false },
];

// `.prefault(x)`: a missing value becomes x and is then parsed (zod 3's `.default`), so a missing section gets every
// default of its fields.
const SettingsObject = z.object({
  cadence: z
    .object({
      windowHours: wholeNumber().min(1).max(WINDOW_HOURS_MAX).prefault(48),
      steps: z.array(StepSchema).min(1, "at least one step").max(10, "at most 10 steps").prefault(DEFAULT_STEPS),
    })
    .prefault({}),
  abandonment: z
    .object({
      // No activity for this long (and at least LINK_LIVE_DELAY_MINUTES after creation) = abandoned.
      quietPeriodMinutes: wholeNumber()
        .min(LINK_LIVE_DELAY_MINUTES)
        .max(24 * 60)
        .prefault(20),
    })
    .prefault({}),
  consent: z
    .object({
      emailPolicy: z.enum(["all", "subscribers"]).prefault("all"),
    })
    .prefault({}),
  quietHours: z
    .object({
      enabled: z.boolean().prefault(true),
      start: hhmm.prefault("21:00"),
      end: hhmm.prefault("08:00"),
      timezone: z.string().refine(isValidTimeZone, "unknown time zone").nullable().prefault(null), // null = shop's
    })
    .prefault({}),
  frequencyCap: z
    .object({
      // At most this many reminders per shopper (all their checkouts) in any `perHours`; a reminder is one step,
      // whatever channels it uses (app/lib/frequency-cap.ts). 4 per 24 h fits the default cadence.
      maxMessages: wholeNumber().min(1).max(50).prefault(4),
      perHours: wholeNumber().min(1).max(168).prefault(24),
    })
    .prefault({}),
  exclusions: z
    .object({
      excludeTest: z.boolean().prefault(true),
      excludeStaff: z.boolean().prefault(true),
      minCartValueMinor: wholeNumber().min(0).prefault(0),
      excludedCustomerTags: z.array(z.string().trim().min(1)).prefault([]),
    })
    .prefault({}),
  handoff: z
    .object({
      highValueThresholdMinor: wholeNumber().min(0).prefault(25_000),
      returningCustomers: z.boolean().prefault(true),
      failedPayments: z.boolean().prefault(true),
      continueAutomation: z.boolean().prefault(true),
      staffAlertEmail: z.email("not an email address").nullable().prefault(null),
    })
    .prefault({}),
  retentionDays: wholeNumber().min(1).max(90).prefault(5),
  // Holdout group: this share of abandoned checkouts gets no shopper message, so the Overview can measure what the
  // reminders caused (app/lib/lift-stats.ts). Absent = 0 (shops from before it existed); new installs get
  // NEW_INSTALL_HOLDOUT_PERCENT (app/models/shops.server.ts ensureShop).
  holdout: z
    .object({
      percent: wholeNumber().min(0).max(HOLDOUT_MAX_PERCENT).prefault(0),
    })
    .prefault({}),
  sender: z
    .object({
      fromName: z.string().trim().max(80).nullable().prefault(null), // null = shop name
      fromEmail: z.email("not an email address").nullable().prefault(null), // null = SENDGRID_FROM_EMAIL
      replyTo: z.email("not an email address").nullable().prefault(null),
    })
    .prefault({}),
  branding: z
    .object({
      logoUrl: z.url("not a URL").startsWith("https://", "must be https").nullable().prefault(null),
      accentColor: z
        .string()
        .regex(/^#[0-9a-f]{6}$/i, "use #RRGGBB")
        .prefault("#008060"),
      postalAddress: z.string().trim().max(300).nullable().prefault(null),
    })
    .prefault({}),
  whatsapp: z
    .object({
      enabled: z.boolean().prefault(false),
      phoneNumberId: z
        .string()
        .trim()
        .regex(/^\d{5,20}$/, "digits only")
        .nullable()
        .prefault(null),
      // (No business phone: nothing sent or shown used it. Click-to-chat opens the shopper's number from staff's own
      // WhatsApp; shoppers see the sending number in WhatsApp itself.)
      templateLanguage: z.string().trim().min(2).prefault("en"),
      templates: z
        .object({
          reminder: z.string().trim().min(1).prefault("cart_reminder"),
          incentive: z.string().trim().min(1).prefault("cart_reminder_discount"),
        })
        .prefault({}),
    })
    .prefault({}),
  // Setup checklist (Overview): the merchant saved or confirmed the cadence at least once.
  setup: z
    .object({
      cadenceReviewed: z.boolean().prefault(false),
    })
    .prefault({}),
  incentive: z
    .object({
      enabled: z.boolean().prefault(false),
      type: z.enum(["percentage", "fixed_amount", "free_shipping"]).prefault("percentage"),
      percentOff: wholeNumber().min(1).max(90).prefault(10),
      amountOffMinor: wholeNumber().min(1).prefault(500),
      minSubtotalMinor: wholeNumber().min(0).prefault(0),
      expiryHours: wholeNumber()
        .min(1)
        .max(24 * 30)
        .prefault(48),
      codePrefix: z
        .string()
        .regex(/^[A-Z0-9-]{0,12}$/, "A-Z, 0-9 and - only, at most 12")
        .prefault("BACK"),
      notTwiceWithinDays: wholeNumber().min(0).max(365).prefault(30),
      skipIfCartHasDiscount: z.boolean().prefault(true),
      minCartValueMinor: wholeNumber().min(0).prefault(0),
      combinesWith: z
        .object({
          orderDiscounts: z.boolean().prefault(false),
          productDiscounts: z.boolean().prefault(false),
          shippingDiscounts: z.boolean().prefault(true),
        })
        .prefault({}),
    })
    .prefault({}),
});

// The rules across fields (step order, the window, one incentive step, WhatsApp's number). As in zod 3, they still run
// when a field only broke a check (a non-integer, a bound, a pattern: none of those checks aborts), so the merchant sees every problem at once; not
// when a value has the wrong type (there is nothing to compare then).
const crossFieldRules = z.superRefine<z.output<typeof SettingsObject>>((s, ctx) => {
  const steps = s.cadence.steps;
  const ids = new Set<string>();
  steps.forEach((step, i) => {
    if (ids.has(step.id)) ctx.addIssue({ code: "custom", path: ["cadence", "steps", i, "id"], message: "duplicate step id" });
    ids.add(step.id);
    if (i > 0 && step.offsetMinutes <= steps[i - 1].offsetMinutes) {
      ctx.addIssue({ code: "custom", path: ["cadence", "steps", i, "offsetMinutes"], message: "must come after the previous step" });
    }
    if (step.offsetMinutes > s.cadence.windowHours * 60) {
      ctx.addIssue({ code: "custom", path: ["cadence", "steps", i, "offsetMinutes"], message: `must be inside the ${s.cadence.windowHours}-hour window` });
    }
  });
  if (!steps.some((st) => st.enabled)) {
    ctx.addIssue({ code: "custom", path: ["cadence", "steps"], message: "enable at least one step" });
  }
  if (steps.filter((st) => st.carriesIncentive).length > 1) {
    ctx.addIssue({ code: "custom", path: ["cadence", "steps"], message: "only one step can carry the incentive" });
  }
  if (s.whatsapp.enabled && !s.whatsapp.phoneNumberId) {
    ctx.addIssue({ code: "custom", path: ["whatsapp", "phoneNumberId"], message: "required to send WhatsApp messages" });
  }
});

export const SettingsSchema = SettingsObject.check(crossFieldRules);

export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/** Stored JSON -> settings. Never throws: invalid or missing parts fall back to their defaults. */
export function parseSettings(json: string | null | undefined): Settings {
  let raw: unknown = {};
  try {
    raw = json ? JSON.parse(json) : {};
  } catch {
    raw = {};
  }
  const parsed = SettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Keep every top-level section that is valid on its own; default the rest.
  const shape = SettingsSchema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  const obj = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  for (const [key, schema] of Object.entries(shape)) {
    const part = schema.safeParse(obj[key]);
    out[key] = part.success ? part.data : schema.parse(undefined);
  }
  const whole = SettingsSchema.safeParse(out);
  return whole.success ? whole.data : DEFAULT_SETTINGS;
}

export type SettingsErrors = Record<string, string>;

/** Merchant input -> settings, or every error keyed by dotted path ("cadence.steps.2.offsetMinutes"). */
export function validateSettings(input: unknown): { ok: true; settings: Settings } | { ok: false; errors: SettingsErrors } {
  const parsed = SettingsSchema.safeParse(input, { error: v3Message });
  if (parsed.success) {
    // A frequency cap that would trim the cadence it sits next to is refused (stored settings are not checked
    // here: parseSettings keeps them, and the engine records what the cap trims as "frequency_cap").
    const cap = capProblem(parsed.data.cadence.steps, parsed.data.frequencyCap);
    if (cap) return { ok: false, errors: { "frequencyCap.maxMessages": cap } };
    return { ok: true, settings: parsed.data };
  }
  const errors: SettingsErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.join(".") || "_";
    if (!errors[key]) errors[key] = issue.message;
  }
  return { ok: false, errors };
}

export function enabledSteps(settings: Settings): CadenceStep[] {
  return settings.cadence.steps.filter((s) => s.enabled);
}
