// Classify a shopper's reply (WhatsApp or email) so staff see at a glance what it is about. Pure.
// opt_out: the message is (or starts with) a stop keyword in a common language: STOP, UNSUBSCRIBE, BAJA, ...
// Otherwise the first topic whose keywords appear: discount, payment, shipping, product; else other.
export type ReplyClass = "opt_out" | "discount" | "payment" | "shipping" | "product" | "other";

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

const TOPICS: Array<[Exclude<ReplyClass, "opt_out" | "other">, RegExp]> = [
  [
    "discount",
    /\b(discount|coupon|promo|code|voucher|cheaper|price match|sale|deal|%|off|descuento|cupon|codigo|rebaja|oferta|remise|reduc|rabatt|gutschein|sconto|desconto)\w*/,
  ],
  [
    "payment",
    /\b(pay|paid|payment|card|credit|debit|paypal|klarna|afterpay|installment|declined|charge|billing|invoice|pago|pagar|tarjeta|paiement|carte|zahlung|karte|pagamento|cartao)\w*/,
  ],
  [
    "shipping",
    /\b(ship|shipping|deliver|delivery|arrive|tracking|courier|postage|freight|return|envio|entrega|llega|livraison|expedition|versand|lieferung|spedizione|consegna|frete)\w*/,
  ],
  [
    "product",
    /\b(size|sizes|fit|colou?r|stock|available|material|fabric|measure|dimension|quality|product|item|talla|color|tamano|taille|couleur|grosse|farbe|taglia|tamanho)\w*/,
  ],
];

export function classifyReply(text: string): ReplyClass {
  if (isOptOut(text)) return "opt_out";
  const t = ` ${normalize(text)} `.replace(/ (\d+) ?(percent|por ciento|pour cent|prozent) /g, " % ");
  const raw = text.toLowerCase();
  for (const [cls, re] of TOPICS) {
    if (re.test(t) || (cls === "discount" && /\d+\s?%/.test(raw))) return cls;
  }
  return "other";
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
