// What a SendGrid Inbound Parse post says, as a reply: who sent it, which of our messages it answers (the
// reply+<message id>@ address we set as Reply-To), the new text without the quoted original, and a key that makes a
// redelivery a duplicate. Pure: the route reads the form, app/recovery/inbound-replies.server.ts records the reply.
import crypto from "node:crypto";
import { normalizeEmail } from "./contact";
import { stripQuotedReply } from "./replies";

/** Longest reply text kept (the rest of a long mail is dropped). */
export const INBOUND_TEXT_MAX = 10_000;

export type InboundEmail =
  | { kind: "reply"; from: string; messageId: string | null; text: string; providerMessageId: string }
  /** Nothing to record: no sender address, or no text once the quoted original is removed. */
  | { kind: "ignored"; outcome: "no_sender" | "empty" };

function addressesIn(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/<?([^\s<>",;]+@[^\s<>",;]+)>?/g)) out.push(m[1]);
  return out;
}

export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The form's text fields (`envelope`, `from`, `to`, `text`, `html`, `subject`, `headers`): "" for a missing one. */
export function parseInboundEmail(field: (name: string) => string): InboundEmail {
  let envelope: { to?: string[]; from?: string } = {};
  try {
    envelope = JSON.parse(field("envelope") || "{}");
  } catch {
    envelope = {};
  }
  const from = normalizeEmail(envelope.from ?? addressesIn(field("from"))[0] ?? "");
  if (!from) return { kind: "ignored", outcome: "no_sender" };
  const recipients = [...(envelope.to ?? []), ...addressesIn(field("to"))];
  const messageId = recipients.map((a) => /^reply\+([A-Za-z0-9_-]{8,64})@/i.exec(a)?.[1]).find(Boolean) ?? null;
  const text = stripQuotedReply(field("text") || htmlToText(field("html"))).slice(0, INBOUND_TEXT_MAX);
  if (!text) return { kind: "ignored", outcome: "empty" };
  const headerId = /^message-id:\s*(<[^>\r\n]+>)/im.exec(field("headers"))?.[1];
  const providerMessageId = `email:${
    headerId ??
    crypto
      .createHash("sha256")
      .update(`${from}\n${field("subject")}\n${text}`)
      .digest("hex")
  }`.slice(0, 190);
  return { kind: "reply", from, messageId, text, providerMessageId };
}
