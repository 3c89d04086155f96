// A shopper's reply (WhatsApp or email): is it an opt-out (the message is, or starts with, a stop keyword in a common
// language: STOP, UNSUBSCRIBE, BAJA, ...), and the part of an email the shopper wrote. Pure. Its topic, urgency and
// confidence: app/lib/reply-topics.ts (which treats every opt-out found here as one).

const OPT_OUT = [
  "stop",
  "stopall",
  "stop all",
  "unsubscribe",
  "unsub",
  "cancel",
  "end",
  "quit",
  "opt out",
  "optout",
  "opt-out",
  "remove me",
  "baja",
  "dar de baja",
  "darme de baja",
  "alto",
  "parar",
  "no mas",
  "no más",
  "cancelar",
  "arret",
  "arrêt",
  "desabonner",
  "désabonner",
  "desinscrire",
  "désinscrire",
  "abmelden",
  "austragen",
  "sair",
  "parar de receber",
  "cancella",
  "disiscriviti",
  "afmelden",
];

function normalize(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const OPT_OUT_NORMALIZED = [...new Set(OPT_OUT.map(normalize))].sort((a, b) => b.length - a.length);

export function isOptOut(text: string): boolean {
  const t = normalize(text);
  if (!t) return false;
  const words = t.split(" ").length;
  return OPT_OUT_NORMALIZED.some((k) => t === k || (words <= 6 && t.startsWith(`${k} `) && !/^(end|cancel|alto|sair) /.test(t)));
}

/** The part of an email reply the shopper wrote: stops at the quoted original ("On ... wrote:", "> ..."). */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const out: string[] = [];
  for (const line of lines) {
    if (/^\s*>/.test(line)) break;
    if (/^\s*(On|El|Le|Am|Il) .{4,200}(wrote|escribió|a écrit|schrieb|ha scritto):\s*$/i.test(line)) break;
    if (/^-{2,}\s*Original Message\s*-{2,}/i.test(line) || /^_{5,}/.test(line)) break;
    out.push(line);
  }
  return out.join("\n").trim();
}
