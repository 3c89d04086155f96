// A checkout's timeline: everything that happened to it, oldest first, from its rows. Pure.
import { isStaffAlert, skipReasonLabel } from "./message-kinds";

export type TimelineKind = "created" | "updated" | "abandoned" | "message" | "staff_alert" | "reply" | "outbound" | "stage" | "note" | "audit" | "order";

export interface TimelineEntry {
  at: string; // ISO
  kind: TimelineKind;
  title: string;
  detail?: string | null;
  actor?: string | null;
}

export interface TimelineInput {
  checkout: {
    shopifyCreatedAt: Date;
    shopifyUpdatedAt: Date;
    abandonedAt: Date | null;
    completedAt: Date | null;
    recoveredAt: Date | null;
    orderId: string | null;
  };
  messages: Array<{
    channel: string;
    stepLabel: string;
    status: string;
    createdAt: Date;
    sentAt: Date | null;
    deliveredAt: Date | null;
    openedAt: Date | null;
    clickedAt: Date | null;
    failedAt: Date | null;
    bouncedAt: Date | null;
    lastError: string | null;
    skipReason: string | null;
    incentiveCode: string | null;
  }>;
  conversation: Array<{ direction: string; channel: string; body: string; author: string | null; classification: string | null; createdAt: Date }>;
  notes: Array<{ author: string; body: string; createdAt: Date }>;
  audit: Array<{ action: string; actor: string; fromValue: string | null; toValue: string | null; createdAt: Date }>;
  stageLabel: (s: string) => string;
}

/** "staff:Jane" -> "Jane", "system:engine" -> "Recovery engine", "webhook:orders/create" -> "Shopify (orders/create)" */
export function actorLabel(actor: string): string {
  const [kind, ...rest] = actor.split(":");
  const who = rest.join(":");
  if (kind === "staff") return who || "Staff";
  if (kind === "system") return who === "engine" ? "Recovery engine" : `System (${who})`;
  if (kind === "webhook") return `Shopify (${who})`;
  return actor;
}

const iso = (d: Date) => d.toISOString();

export function buildTimeline(i: TimelineInput): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const c = i.checkout;
  out.push({ at: iso(c.shopifyCreatedAt), kind: "created", title: "Checkout created" });
  if (c.shopifyUpdatedAt.getTime() > c.shopifyCreatedAt.getTime()) out.push({ at: iso(c.shopifyUpdatedAt), kind: "updated", title: "Checkout last updated" });
  if (c.abandonedAt) out.push({ at: iso(c.abandonedAt), kind: "abandoned", title: "Abandoned" });
  for (const m of i.messages) {
    // Staff alerts are internal: their own entry, never a step of the cadence. (stepLabel says what they were about.)
    if (isStaffAlert(m.channel)) {
      if (m.sentAt) out.push({ at: iso(m.sentAt), kind: "staff_alert", title: `${m.stepLabel} (sent to staff)` });
      else if (m.failedAt) out.push({ at: iso(m.failedAt), kind: "staff_alert", title: `${m.stepLabel} (not sent)`, detail: m.lastError });
      continue;
    }
    if (m.channel === "manual_whatsapp") continue; // shown from the conversation entry
    if (m.channel === "manual_call") {
      out.push({ at: iso(m.sentAt ?? m.createdAt), kind: "outbound", title: "Called by hand" });
      continue;
    }
    const label = `${m.stepLabel} · ${m.channel}`;
    if (m.sentAt) out.push({ at: iso(m.sentAt), kind: "message", title: `Sent: ${label}`, detail: m.incentiveCode ? `with code ${m.incentiveCode}` : null });
    else if (m.status === "skipped") out.push({ at: iso(m.createdAt), kind: "message", title: `Skipped: ${label}`, detail: skipReasonLabel(m.skipReason) });
    else if (m.status === "pending" || m.status === "sending") out.push({ at: iso(m.createdAt), kind: "message", title: `Queued: ${label}` });
    if (m.deliveredAt) out.push({ at: iso(m.deliveredAt), kind: "message", title: `Delivered: ${label}` });
    if (m.openedAt) out.push({ at: iso(m.openedAt), kind: "message", title: `Opened: ${label}` });
    if (m.clickedAt) out.push({ at: iso(m.clickedAt), kind: "message", title: `Clicked: ${label}` });
    if (m.bouncedAt) out.push({ at: iso(m.bouncedAt), kind: "message", title: `Bounced: ${label}`, detail: m.lastError });
    if (m.failedAt) out.push({ at: iso(m.failedAt), kind: "message", title: `Failed: ${label}`, detail: m.lastError });
  }
  for (const e of i.conversation) {
    if (e.direction === "inbound")
      out.push({ at: iso(e.createdAt), kind: "reply", title: `Reply on ${e.channel}${e.classification ? ` (${e.classification})` : ""}`, detail: e.body });
    else out.push({ at: iso(e.createdAt), kind: "outbound", title: `Sent by hand on ${e.channel}`, detail: e.body, actor: e.author });
  }
  for (const n of i.notes) out.push({ at: iso(n.createdAt), kind: "note", title: "Note", detail: n.body, actor: n.author });
  for (const a of i.audit) {
    if (a.action === "stage_change") {
      out.push({
        at: iso(a.createdAt),
        kind: "stage",
        title: `Moved from ${i.stageLabel(a.fromValue ?? "")} to ${i.stageLabel(a.toValue ?? "")}`,
        actor: actorLabel(a.actor),
      });
    } else if (a.action === "owner_change") {
      out.push({ at: iso(a.createdAt), kind: "audit", title: a.toValue ? `Assigned to ${a.toValue}` : "Owner removed", actor: actorLabel(a.actor) });
    } else if (a.action === "follow_up_scheduled") {
      out.push({ at: iso(a.createdAt), kind: "audit", title: `Follow-up scheduled for ${a.toValue ?? ""}`, actor: actorLabel(a.actor) });
    } else if (a.action === "note" || a.action === "manual_whatsapp" || a.action === "manual_call") {
      continue; // shown from the note / conversation / message rows themselves
    } else if (a.action === "handoff") {
      out.push({
        at: iso(a.createdAt),
        kind: "audit",
        title: "Handed to a person",
        detail: a.toValue ? a.toValue.split(",").join(", ").replace(/_/g, " ") : null,
        actor: actorLabel(a.actor),
      });
    } else if (a.action === "automation_stopped") {
      out.push({
        at: iso(a.createdAt),
        kind: "audit",
        title: `Automatic reminders stopped (moved to ${a.toValue === "manual_recovered" ? "Recovered" : "Lost"} by hand)`,
        actor: actorLabel(a.actor),
      });
    } else if (a.action === "automation_resumed") {
      out.push({
        at: iso(a.createdAt),
        kind: "audit",
        title: "Automatic reminders resumed",
        detail: a.toValue ? `Next reminder ${a.toValue.slice(0, 16).replace("T", " ")} UTC` : null,
        actor: actorLabel(a.actor),
      });
    } else if (a.action === "automation_not_resumed") {
      out.push({
        at: iso(a.createdAt),
        kind: "audit",
        title: "Automatic reminders not resumed",
        detail:
          a.toValue === "window_ended"
            ? "The recovery window had ended."
            : a.toValue === "no_steps_left"
              ? "No reminder was left in the recovery window."
              : "Reminders had ended earlier.",
        actor: actorLabel(a.actor),
      });
    } else {
      out.push({ at: iso(a.createdAt), kind: "audit", title: a.action.replace(/_/g, " "), detail: a.toValue, actor: actorLabel(a.actor) });
    }
  }
  if (c.completedAt)
    out.push({
      at: iso(c.completedAt),
      kind: "order",
      title: c.recoveredAt ? `Recovered: order ${c.orderId ?? ""}`.trim() : `Completed: order ${c.orderId ?? ""}`.trim(),
    });
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
