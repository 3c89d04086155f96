// The kinds of rows in the send ledger, and how the merchant reads them. Pure.
// - Reminders: the cadence's steps (step id = the step's id) on email, push, WhatsApp.
// - Messages a person sent from a card: channel manual_whatsapp / manual_call, step id "manual:<n>". Shopper-facing:
//   counted as messages sent, and creditable for a recovery.
// - Staff alerts: channel staff_alert, step id "handoff" or "reply:<conversation entry id>". Internal: never counted as
//   a message, never credited, never shown as a step or a channel of the cadence; shown as "Staff alert".

export const STAFF_ALERT_CHANNEL = "staff_alert";
export const MANUAL_CHANNELS = ["manual_whatsapp", "manual_call"] as const;
export type ManualChannel = (typeof MANUAL_CHANNELS)[number];
export const MANUAL_STEP_PREFIX = "manual:";
/** The one key all messages sent by hand share in breakdowns by step. */
export const MANUAL_STEP_KEY = "manual";

export function isStaffAlert(channel: string): boolean {
  return channel === STAFF_ALERT_CHANNEL;
}

export function isManualStep(stepId: string): boolean {
  return stepId === MANUAL_STEP_KEY || stepId.startsWith(MANUAL_STEP_PREFIX);
}

/** A step id as breakdowns group it: every message sent by hand under one key. */
export function stepKey(stepId: string): string {
  return isManualStep(stepId) ? MANUAL_STEP_KEY : stepId;
}

export const CHANNEL_LABELS: Record<string, string> = {
  email: "Email",
  push: "Push",
  whatsapp: "WhatsApp",
  manual_whatsapp: "WhatsApp (sent by hand)",
  manual_call: "Call (by hand)",
  staff_alert: "Staff alert",
  unattributed: "Unattributed",
};

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? channel;
}

/** What a staff alert was about, from its step id. */
export function staffAlertLabel(stepId: string): string {
  if (stepId === "handoff") return "Staff alert: handed to a person";
  if (stepId.startsWith("reply:")) return "Staff alert: the shopper replied";
  if (stepId.startsWith("followup:")) return "Staff alert: follow-up due";
  return "Staff alert";
}

/**
 * The step column of a ledger row: the cadence step's label, "Sent by hand", or the staff alert's subject. Never an
 * internal id: a step no longer in the cadence shows as "Earlier step".
 */
export function ledgerStepLabel(row: { stepId: string; channel: string }, stepLabels: Record<string, string>): string {
  if (isStaffAlert(row.channel)) return staffAlertLabel(row.stepId);
  if (isManualStep(row.stepId)) return "Sent by hand";
  if (row.stepId === "unattributed") return "Unattributed";
  return stepLabels[row.stepId] ?? "Earlier step (no longer in the cadence)";
}

const SKIP_REASONS: Record<string, string> = {
  no_address: "No address for this channel",
  opted_out: "The shopper opted out",
  no_consent: "No marketing consent",
  channel_unavailable: "Channel not set up",
  frequency_cap: "Frequency cap (step skipped)",
  order_completed: "The shopper ordered",
  negotiating: "A person is talking to the shopper",
  manual_lost: "Moved to Lost by hand",
  manual_recovered: "Moved to Recovered by hand",
  holdout: "Holdout group (no reminders, to measure lift)",
};

/** Why a ledger row was skipped, in the merchant's words (the code itself when it has no wording yet). */
export function skipReasonLabel(reason: string | null): string | null {
  if (!reason) return null;
  return SKIP_REASONS[reason] ?? reason.replace(/_/g, " ");
}
