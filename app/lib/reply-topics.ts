// Classify a shopper's reply (WhatsApp or email) into the topics operations work with, with an urgency, a confidence
// and whether a person must look at it. Pure and rule-based: no I/O, no model.
//
// 1. The text is cut at the quoted original of an email reply (stripQuotedReply) and normalised: lower case, Latin
//    diacritics stripped (NFD, combining marks removed; ß -> ss), Arabic tashkeel and tatweel removed and the alef,
//    yaa and taa-marbuta forms unified, Arabic-Indic digits made ASCII, apostrophes dropped ("don't" -> "dont",
//    "m'intéresse" -> "minteresse"), punctuation and emoji turned into spaces, letters repeated 3+ times squeezed.
// 2. The language is the shopper's locale when it is one we have rules for ("fr-CA" -> fr), else detected from the
//    text: Arabic script -> ar, otherwise counts of common function words (plus a few letters such as ñ or ß).
// 3. Opt-out first: whatever app/lib/replies.ts's isOptOut accepts (STOP, UNSUBSCRIBE, BAJA, ARRET, ABMELDEN, ...),
//    a short message that is one of the opt-out forms (STOPP, ARRÊTE, توقف, إلغاء الاشتراك, ...) or a short message
//    with an explicit "stop sending me messages" phrase is opt_out, whatever else it says. "stop" inside a sentence
//    ("when will the sale stop?") is not an opt-out.
// 4. Otherwise weighted patterns per language and topic (word-boundary aware; French after an optional elided l', d',
//    qu'...; Arabic with its attached prefixes and pronoun suffixes). Rules of the reply's language count fully,
//    English ones at 0.7, other languages at 0.6 (people mix languages), except on a few false friends (Spanish
//    "no sale", French "sale"). Within a topic every distinct match adds up with diminishing weight (1, 1/2, 1/4, ...).
//    Some rules need a second pattern as well (a code word AND a failure word for discount_not_working; a capitalised
//    token such as "FREESHIP" among lower-case words counts as a code word), and a few negative rules take weight
//    away ("the price is fine, when does it ship?"). Negations are written into the patterns ("not interested",
//    "pas intéressé", "no me interesa", "kein Interesse", "غير مهتم").
// 5. The best topic wins (ties go to the one that needs a person); confidence grows with the winning score and with
//    its margin over the runner-up. Nothing matched: "other" at low confidence.
// 6. Urgency: low for opt_out and not_interested; high for payment_problem, trust_fraud or an urgency word (urgent,
//    asap, today, maintenant, urgente, sofort, عاجل, ...); else normal. needsPerson: confidence < 0.6, or the topic
//    is payment_problem, trust_fraud or returns_refund.
import { isOptOut, stripQuotedReply } from "./replies";

export const REPLY_TOPICS = [
  "product_question",
  "sizing",
  "shipping",
  "returns_refund",
  "payment_problem",
  "discount_not_working",
  "price",
  "stock",
  "trust_fraud",
  "not_interested",
  "opt_out",
  "other",
] as const;
export type ReplyTopic = (typeof REPLY_TOPICS)[number];

/** How staff read a topic (with the five keyword classes stored before these topics, for older replies). */
export const REPLY_TOPIC_LABELS: Record<string, string> = {
  product_question: "Product question",
  sizing: "Sizing",
  shipping: "Shipping",
  returns_refund: "Returns or refund",
  payment_problem: "Payment problem",
  discount_not_working: "Discount not working",
  price: "Price",
  stock: "Stock",
  trust_fraud: "Trust or fraud concern",
  not_interested: "Not interested",
  opt_out: "Opt-out",
  other: "Other",
  discount: "Discount",
  payment: "Payment",
  product: "Product question",
};

export function replyTopicLabel(topic: string | null): string {
  return REPLY_TOPIC_LABELS[topic ?? "other"] ?? "Other";
}

export const REPLY_LANGUAGES = ["en", "fr", "es", "de", "ar"] as const;
type RuleLanguage = (typeof REPLY_LANGUAGES)[number];
export type ReplyLanguage = RuleLanguage | "unknown";
export type ReplyUrgency = "high" | "normal" | "low";

export interface ReplyTopicResult {
  topic: ReplyTopic;
  urgency: ReplyUrgency;
  /** 0..1, two decimals. */
  confidence: number;
  language: ReplyLanguage;
  needsPerson: boolean;
  /** What fired, as "topic:language:matched text" (opt-outs as "opt_out:*:..."), strongest first. */
  matched: string[];
}

/** Below this a person looks at the reply whatever its topic. */
export const PERSON_CONFIDENCE = 0.6;
/** Topics that always go to a person. */
export const PERSON_TOPICS: readonly ReplyTopic[] = ["payment_problem", "trust_fraud", "returns_refund"];

// ---------------------------------------------------------------------------------------------------------------
// Normalisation

const ARABIC_LETTER = /[\u0600-\u06FF\u0750-\u077F]/;
const ARABIC_LETTERS = /[\u0600-\u06FF\u0750-\u077F]/g;
const LATIN_LETTERS = /[A-Za-z\u00C0-\u024F]/g;

/** Arabic letter forms unified (also applied to the rules' own patterns). */
function unifyArabic(s: string): string {
  return s
    .replace(/[\u064B-\u065F\u0670\u06D6-\u06ED]/g, "") // tashkeel, superscript alef, Quranic marks
    .replace(/\u0640/g, "") // tatweel
    .replace(/[\u0622\u0623\u0625\u0671\u0672\u0673]/g, "\u0627") // آ أ إ ٱ -> ا
    .replace(/\u0649/g, "\u064A") // ى -> ي
    .replace(/\u06CC/g, "\u064A") // Persian yeh -> ي
    .replace(/\u0629/g, "\u0647") // ة -> ه
    .replace(/\u0624/g, "\u0648") // ؤ -> و
    .replace(/\u0626/g, "\u064A") // ئ -> ي
    .replace(/\u06A9/g, "\u0643"); // Persian kaf -> ك
}

/** The text the rules read: see the header. Exported for tests. */
export function normalizeReplyText(text: string): string {
  return unifyArabic(text.toLowerCase().replace(/ß/g, "ss").replace(/œ/g, "oe").replace(/æ/g, "ae").normalize("NFD").replace(/\p{M}/gu, ""))
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u066A/g, "%") // Arabic percent sign
    .replace(/['’‘`´ʼ]/g, "")
    .replace(/[^\p{L}\p{N}%\s]/gu, " ")
    .replace(/(\p{L})\1{2,}/gu, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

// ---------------------------------------------------------------------------------------------------------------
// Language

export function languageFromLocale(locale: string | null | undefined): RuleLanguage | null {
  const primary = (locale ?? "").trim().toLowerCase().split(/[-_]/)[0];
  return (REPLY_LANGUAGES as readonly string[]).includes(primary) ? (primary as RuleLanguage) : null;
}

// Frequent short words (normalised) that tell the Latin-script languages apart; words two languages share are left
// out ("de", "la", "no", "en", "es").
const FUNCTION_WORDS: Record<Exclude<RuleLanguage, "ar">, string> = {
  en: "the is are it its you your u ur i im ive ill my me to do does dont didnt doesnt isnt wont cant and of for this that what whats when how can will would with have has not yes thanks thank please pls hi hello hey just get got already still any if or be was from on at about there they we our which why",
  fr: "le les des du un une est et je jai vous tu pas ne ce ca cest que qui pour avec sur mon ma mes merci bonjour bonsoir svp oui il elle au aux plus mais moi quand quel quelle combien deja toujours avez etes suis sont faut peux peut fait chez dans votre vos nous rien jamais aussi tres trop salut daccord",
  es: "el los las del una es y que si por para con mi me te lo le se su gracias hola como cuando cuanto esta estoy tiene tienen hay ya pero muy mas favor porque donde puedo quiero buenas vale al nada tengo necesito hacen sus usted ustedes ningun",
  de: "der die das den dem ein eine einen ist und ich nicht mit auf fur sie wir ihr du zu wie was wann wo kann bitte danke hallo ja nein noch schon auch mir mich mein meine habe hab gibt gibts aber oder bei vom zum zur nach sehr kein keine wird wurde ihnen euch ihre hat sind soll",
};
const FUNCTION_WORD_SETS = Object.fromEntries(Object.entries(FUNCTION_WORDS).map(([lang, words]) => [lang, new Set(words.split(" "))])) as Record<
  Exclude<RuleLanguage, "ar">,
  Set<string>
>;
const LETTER_HINTS: Array<[Exclude<RuleLanguage, "ar">, RegExp]> = [
  ["es", /[ñ¿¡]/g],
  ["es", /[áíóú]/g],
  ["de", /[ßäöü]/g],
  ["fr", /[çàèêâîôûùëïœ]/g],
];

/** The reply's language from its text alone (no locale): "unknown" when nothing tells. Exported for tests. */
export function detectReplyLanguage(text: string): ReplyLanguage {
  const arabic = text.match(ARABIC_LETTERS)?.length ?? 0;
  const latin = text.match(LATIN_LETTERS)?.length ?? 0;
  if (arabic > 0 && arabic >= latin) return "ar";
  const scores: Record<Exclude<RuleLanguage, "ar">, number> = { en: 0, fr: 0, es: 0, de: 0 };
  for (const word of normalizeReplyText(text).split(" ")) {
    for (const lang of ["en", "fr", "es", "de"] as const) if (FUNCTION_WORD_SETS[lang].has(word)) scores[lang] += 1;
  }
  const lower = text.toLowerCase();
  for (const [lang, re] of LETTER_HINTS) scores[lang] += 0.75 * (lower.match(re)?.length ?? 0);
  const ranked = (Object.entries(scores) as Array<[RuleLanguage, number]>).sort((a, b) => b[1] - a[1]);
  if (ranked[0][1] === 0 || ranked[0][1] === ranked[1][1]) return "unknown";
  return ranked[0][0];
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

type Spec = readonly [topic: ReplyTopic, weight: number, pattern: string, alsoRequired?: string];
interface Rule {
  topic: ReplyTopic;
  lang: RuleLanguage;
  weight: number;
  /** Global: every distinct match counts (with diminishing weight, see the scoring). */
  re: RegExp;
  also?: RegExp;
}

/** Latin-script pattern: whole words (no letter or digit on either side). */
function latinRe(src: string, flags = "u"): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${src})(?![\\p{L}\\p{N}])`, flags);
}
/** French: the same, after an optional elided article or pronoun ("l'échanger" is normalised to "lechanger"). */
function frenchRe(src: string, flags = "u"): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:qu|[cdjlmnst])?(?:${src})(?![\\p{L}\\p{N}])`, flags);
}
// Arabic writes "and", "the", "with/in", "for" and "like" onto the word, and pronouns and plurals after it.
const AR_PREFIX = "(?:و|ف)?(?:ال|بال|وال|لل|ب|ل|ك)?";
const AR_SUFFIX = "(?:ه|ها|هم|هن|ك|كم|ي|ني|نا|ات|ين|ون|وا|ا)?";
function arabicRe(src: string, flags = "u"): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${AR_PREFIX}(?:${unifyArabic(src)})${AR_SUFFIX}(?![\\p{L}\\p{N}])`, flags);
}

const EN_PAY =
  "payments?|pay|paid|paying|card|cards|visa|mastercard|amex|paypal|apple pay|google pay|shop pay|klarna|afterpay|clearpay|affirm|sezzle|checkout|transaction";
const EN_FAIL =
  "wont|doesnt|didnt|isnt|not working|failed|fails|failing|error|spins|spinning|stuck|keeps loading|wont load|doesnt load|frozen|freezes|crash(es|ed)?|problem|issue|trouble|declined|rejected";
// A code word: also a code-like token such as "welcome10" or "save20".
const EN_CODE = "codetoken|codes?|coupons?|vouchers?|promo( code)?|promocode|discount( code)?|\\d+ ?% off|\\d+ ?%|percent off|[a-z]{3,}\\d{1,3}";
const EN_CODE_FAIL =
  "not working|isnt working|doesnt work|didnt work|wont work|not work|invalid|expired|not valid|isnt valid|no longer valid|not (apply|applying|applied)|wont apply|didnt apply|doesnt apply|not accept(ed|ing)?|wont accept|rejected|error|(didnt|doesnt|did not|does not|hasnt|wont) change|no change|not taken off|wasnt (applied|taken off|deducted)|not showing|doesnt show|didnt show|doesnt work|not recogni[sz]ed|(doesnt|didnt|does not|did not|wont) do anything|does nothing|nothing happens|not eligible|ineligible|doesnt qualify|not applicable|(already )?(been )?used already|already (been )?used";

const EN: Spec[] = [
  [
    "product_question",
    3,
    "(made|make) (of|from|out of|with)|what (material|fabric)|waterproof|water ?resistant|washable|dishwasher (safe|proof)|machine washable|microwave safe|removable|come off|real (gold|silver|leather|wood|wool|silk|cotton)|plated|sterling",
  ],
  [
    "product_question",
    3,
    "compatib[a-z]*|works? (with|w|on|for) (my|an?|the|iphone|android|samsung|mac|pc)|(will|does|would|can) (it|this|that) (work|connect) (with|on|in|for)",
  ],
  [
    "product_question",
    3,
    "(come|comes|came) with|sold separ[a-z]*|seperately|included|in the box|batter(y|ies)|plug (it )?in|warranty|guarantee|ingredients?|instructions?|assembly",
  ],
  [
    "product_question",
    2,
    "materials?|fabrics?|leather|cotton|wool|linen|polyester|silk|stainless|plastic|metal|nickel|vegan|organic|colou?rs?|shades?|photos?|pictures?|pics?|in (real life|person)|look(s)? (like|different|diff?rent)|quality|specs?|features?|how (does|do) (it|this|you) (work|use)|capacity|charger|wash|washing|gold|silver",
  ],
  [
    "product_question",
    3,
    "(is|are) (it|this|they|the [a-z]+) ([a-z]+ )?(lined|padded|insulated|adjustable|foldable|reversible|breathable|stretchy)|(does|do|has|have) (it|this|they|the [a-z]+) (have|has|got|come in|include)",
  ],
  ["product_question", 2, "lined|lining|fleece|pockets?|zip|zipper|hood|hooded|scent|smell|remote"],
  ["product_question", 1, "products?|items?|info|details?|model|version|navy|black|white|blue|red|green|grey|gray|beige|pink"],

  [
    "sizing",
    3,
    "size (up|down|chart|guide)|sizing|runs? (small|big|large|true|narrow|wide)|true to size|tts|(what|which) size|size should|inseam|inside leg|waist|chest|hips|bust|measurements?",
  ],
  ["sizing", 3, "fits? (a|me|my|on|for|over|true|small|big|like)|how (tall|wide|big) is|how long is the|length"],
  [
    "sizing",
    2,
    "sizes?|fit|fits|fitting|too (small|big|tight|loose|short|long)|roomy|snug|tight|loose|petite|plus size|shoe size|(uk|us|eu) ?\\d+|\\d+ ?(cm|inch|inches)|xxs|xs|xl|xxl|xxxl|small|medium|large",
  ],
  ["sizing", 3, "\\d+ ?(lbs|lb|pounds|kg|kilos|ft|feet)|(xxs|xs|s|m|l|xl|xxl) or (xs|s|m|l|xl|xxl|xxxl)|between sizes|stretch[a-z]*"],
  ["sizing", 1, "regular|tall|kids?"],

  [
    "shipping",
    4,
    "how much (is|for|does|are)( the)? (shipping|delivery|postage)|(shipping|delivery|postage|postal) (cost|costs|fee|fees|price|charge|charges)",
  ],
  [
    "shipping",
    3,
    "ship(ping|ped|s)? (to|internationally|abroad|overseas|out)|deliver(y|ed|s)? (time|take|takes|to|date)|free (shipping|delivery|postage)|express|next day|same day|expedited",
  ],
  [
    "shipping",
    3,
    "arrive|arrives|arriving|arrival|tracking|track (my|the|it|order|package|parcel)|po box(es)?|when (will|would|does|do|can|should) (it|i|you|they|my order|this|the order) (ship|arrive|get here|be delivered|deliver|be dispatched|get it|come)|when (it|they|this|my order) (will|would|should|can)? ?(ship|arrive|be delivered|get here)",
  ],
  [
    "shipping",
    2,
    "ship|shipping|shiping|shipped|shipment|deliver[a-z]*|delivary|postage|courier|parcel|package|dispatch[a-z]*|dhl|ups|fedex|usps|royal mail|dpd|evri|hermes|canada post|customs|import (tax|duty|duties)|before (christmas|xmas)|by (monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow)|how long (does|will|would|until|till|for|to)",
  ],
  ["shipping", 1, "order|receive|recieve|received"],

  [
    "returns_refund",
    3,
    "refund[a-z]*|refnd|money back|return (policy|label|window|period|it|them|this)|returns? polic(y|ies)|(send|sent|sending|post|posting|take|bring) .{0,20}back|store credit|reimburs[a-z]*",
  ],
  ["returns_refund", 3, "(exchange|swap) (it|them|this|for)|exchanges?"],
  ["returns_refund", 4, "return (postage|shipping|costs?|fees?)|(free|paid) returns"],
  ["returns_refund", 2, "return|returns|returned|returning|swap|broken|damaged|defective|faulty"],

  [
    "payment_problem",
    3,
    "(card|visa|mastercard|amex|debit card|credit card)( keeps| was| got| is| has been| gets| getting)*( being)? (declined|rejected|refused|denied|not working|not accepted|failing|failed)|declined",
  ],
  [
    "payment_problem",
    3,
    "(payment|transaction|checkout)s? (failed|fails|failing|declined|error|wont go through|didnt go through|not going through|isnt going through|keeps failing|wont process|didnt process|stuck)|(cant|cannot|couldnt|unable to|not able to|wont let me) (pay|checkout|check out|complete (the |my )?(payment|purchase|order))",
  ],
  [
    "payment_problem",
    3,
    "charged (me )?(twice|double|two times|2 times|multiple times)|double charged|(two|2) (pending )?(charges|transactions|payments)|money (left|taken|gone|came out|was taken|has been taken)|(pay|paying|payment) (in|by|with) (installments?|instalments?)|can i pay (with|by|using|in)",
  ],
  ["payment_problem", 3, EN_PAY, EN_FAIL],
  [
    "payment_problem",
    3,
    "can i (use|pay with|pay by|pay using) (afterpay|klarna|paypal|clearpay|affirm|sezzle|apple pay|google pay|shop pay|a gift card|amex)|(took|taken|take) (the|my) money",
  ],
  ["payment_problem", 2, EN_PAY.replace("|checkout", "") + "|installments?|instalments?|charged?|billing|bank|3d secure|otp"],

  ["discount_not_working", 3, EN_CODE, EN_CODE_FAIL],
  [
    "discount_not_working",
    3,
    "(where|how) (do|can|should) i (put|enter|add|type|use|apply|redeem) (the|my|a|this|your) (code|promo|coupon|discount|voucher)|no (box|field|place|space) (for|to (enter|put|add|type))",
  ],
  ["discount_not_working", 1.5, "(discount|promo|coupon|voucher) code|code|coupon|voucher"],

  [
    "price",
    3,
    "(too|so|bit|very|quite|really|super|way too|a lot) (expensive|pricey|pricy|much|dear|steep)|expensive|pricey|pricy|overpriced|cheaper|afford|budget|better (price|deal|offer)|price ?match|(go|goes|going|be|is it|on) (on )?sale|sales?|black friday|cyber monday",
  ],
  [
    "price",
    3,
    "(any|a|got|have) (chance of a )?(discount|deal|offer|coupon|promo|voucher)s?( codes?)?|lower (the )?price|price drop|bulk (discount|price)|(deal|price|discount) (for|if) (i|we) (buy|get|order)|is a lot",
  ],
  ["price", 3, "price range|final price|(tax|taxes|vat|sales tax) (included|on top|extra)|(include|includes|including|plus) (tax|taxes|vat)|tax|vat"],
  ["price", 2, "prices?|pricing|cost|costs|how much|\\d+ ?(dollars|bucks|euros|usd|gbp|eur)|deal|offer|worth"],
  ["price", 1, "discount"],
  [
    "price",
    -3,
    "(no|not a|not the|isnt the|isnt a|dont have a) (problem|issue) with the price|price is (fine|ok|okay|good|not (the|a|an) (problem|issue))|(problem|issue) (isnt|is not) the price",
  ],

  [
    "stock",
    3,
    "(back )?in stock|out of stock|oos|sold out|restock[a-z]*|re stock|back in|discontinued|(come|comes|coming|be) back|(getting|get|make|making|have|having) (any )?more( of)?|(still|currently|now) available|availab[a-z]*|how many (do you have|have you got|are)? ?left|(any|some|none|only \\d+|one) left|notify me|waitlist|wait list|pre ?order|back ?order",
  ],
  ["stock", 2, "stock|inventory|left|last one|unavailable|in store"],

  [
    "trust_fraud",
    3,
    "scam[a-z]*|fraud[a-z]*|phishing|phish|legit[a-z]*|fake|spoof[a-z]*|suspicious|sketchy|dodgy|hack(ed|er|ers)?|identity theft|stolen|unauthori[sz]ed|trustworthy|(is|are) (this|you|it|your (site|store|shop|website)) (legit|safe|genuine|trustworthy|a real)|(is|are) (this|you|your (site|store|shop|website)) real",
  ],
  [
    "trust_fraud",
    3,
    "how (did|do) you (get|have|find) my|(why|how come) (do|would) you have my|where (did|do) you get my|who gave you my|never (shopped|bought|ordered|been) (with|from|on|here)|cart in my name|i (never|didnt|did not) (gave|give|sign|signed|subscribe|subscribed|order|ordered|put|add|added|visit|visited|make|made|create|created|leave|left)|someone (is )?(using|used|else|has)|not me|wasnt me|reported|report (you|this|it)",
  ],
  [
    "trust_fraud",
    3,
    "pretend[a-z]*|impersonat[a-z]*|link (looks|seems) (weird|dodgy|suspicious|fake|off|strange|sketchy)|(weird|dodgy|suspicious|strange) (link|message|text|email)|(is|was) (this|it) (actually|really) (you|from)|actually your (company|shop|store)",
  ],
  ["trust_fraud", 2, "safe to (buy|order|shop|pay)|secure|genuine|real (store|shop|company|website|site|business)|trust|trustpilot|never heard of"],
  ["trust_fraud", 1, "spam|reviews?"],

  [
    "not_interested",
    3,
    "not (really |very |that |so |even )?(interested|intrested|intersted|interessted|interesting)|no longer interested|lost interest|already (bought|got|ordered|purchased|have|found)",
  ],
  ["not_interested", 4, "(bought|got|found|ordered|getting) .{0,20}(elsewhere|somewhere else|from (somewhere|another|a different))"],
  [
    "not_interested",
    3,
    "changed my mind|change of (mind|heart)|(dont|do not|no longer) (want|need) (it|this|them|one)|dont want|dont need|no thanks|no thank you|no thx|no ty|nah|nope|ill pass|pass for now|(not|no) (for now|right now|anymore|any more)|not now|decided (not|against)|not for me|no need|ill leave it",
  ],
  ["not_interested", 2, "^no$"],

  [
    "opt_out",
    4,
    "(stop|quit|cease|pls stop|please stop) (sending|texting|messaging|emailing|e mailing|contacting|spamming|calling|bugging|bothering|pestering|harassing|writing|msging|txting)|(dont|do not|never|pls dont|please dont|stop) (ever )?(text|message|msg|email|e mail|contact|send|call|write to|spam|txt) (me|us)",
  ],
  [
    "opt_out",
    4,
    "remove me|take me off|unsub[a-z]*|unsuscribe|opt (me )?out|optout|no more (messages|texts|emails|msgs|mails|spam)|leave me alone|delete my (number|data|details|info|information|email)|stop all|(off|from) (your|the) (list|mailing list)",
  ],
  ["opt_out", 2, "spam|spamming"],

  [
    "other",
    3,
    "wrong (number|person|email|guy|girl)|(ill|i will|i ll|going to|gonna|will) (have a look|take a look|look|check|think about it|finish|complete|order|buy|get it|do it)|(finish|complete|place|finali[sz]e) (the|my) order",
  ],
  ["other", 1, "thanks|thank you|thx|ty|cheers|ok|okay|kk|hi|hello|hey|yes|sure|cool|great|perfect|sounds good|will do|noted|later"],
];

const FR_PAY = "paiements?|payer|paye|carte bancaire|carte bleue|cb|carte|paypal|apple pay|klarna|alma|oney|transaction|virement";
const FR_FAIL =
  "ca bug|bug|bugge|bloque|bloquee|refuse|refusee|erreur|impossible|(ne )?marche pas|(ne )?fonctionne pas|(ne )?passe pas|probleme|echoue|echec|na pas (fonctionne|marche|abouti)";
const FR_CODE = "codetoken|codes?( promo)?|coupons?|bon de reduction|code de reduction|reductions?|remises?|promo|\\d+ ?%";
const FR_CODE_FAIL =
  "arrive (pas |plus )?a (l |le )?(utiliser|appliquer|mettre|entrer|valider|saisir|rentrer)|(impossible|pas possible) (d|de) ?(utiliser|appliquer|mettre|entrer|valider|saisir)|(ne )?(marche|fonctionne|passe|sapplique|applique|prend|valide) (pas|plus)|invalide|expire|perime|refuse|non valide|pas valide|nest pas valable|pas pris en compte|erreur|napplique|pas applique|rien change|toujours le meme prix|pas appliquee|ne (la |le )?prend pas";

const FR: Spec[] = [
  [
    "product_question",
    3,
    "(en|fait en|fabrique en|est en) (cuir|coton|lin|laine|soie|bois|metal|plastique|inox|verre|polyester|ceramique)|quelle matiere|matieres?|compatibles?",
  ],
  [
    "product_question",
    3,
    "(fonctionne|marche|marchent|fonctionnent) (avec|sur)|etanche|impermeable|lavable|resistant a leau|piles?|batterie|brancher|garantie|notice|(livre|fourni|vendu|vient) avec|inclus[e]?|(est|sont) (fourni|fournie|fournis|inclus|incluse|compris|livre avec)|micro ondes|lave vaisselle|dehoussable|deperlant|doublure|double|vrai (bois|cuir|or|argent)|(bois|cuir) (massif|veritable)|contreplaque|plaque or",
  ],
  [
    "product_question",
    2,
    "couleurs?|coloris|teintes?|clair ou fonce|fonce|qualite|photos?|modele|produit|article|cuir|tissu|composition|chargeur|cable|adaptateur|fourni|capuche|poches?|fermeture|odeur|parfum",
  ],

  [
    "sizing",
    3,
    "taill(e|ent) (grand|petit|normalement|bien|large|serre)|quelle taille|guide des tailles|tableau des tailles|grille des tailles|(je fais|je porte|jai) (du |un |une )?(\\d+|xs|s|m|l|xl)|pointure|longueur|tour de (taille|poitrine|hanches)|mensurations?",
  ],
  [
    "sizing",
    3,
    "entre (le )?(xs|s|m|l|xl|\\d+) et (le )?(xs|s|m|l|xl|\\d+)|(trop )?(grand|petit|serre|large|court|long) pour moi|chauss(e|ent) (petit|grand|normalement|bien|large|etroit)|je mesure|\\d ?m ?\\d{2}|\\d+ ?(kg|kilos)|(est|sont) (longue?s?|courte?s?|ample?s?|serree?s?|moulante?s?)",
  ],
  ["sizing", 2, "tailles?|mesures?|\\d+ ?cm|(en|du) (xs|s|m|l|xl|xxl)"],

  ["shipping", 4, "frais de (port|livraison|envoi|transport)|cout de (la )?livraison"],
  [
    "shipping",
    3,
    "livraison|livr(er|ez|ons|e|ee|es|ees|ent|era|ait)|expedi[a-z]*|envoi|envoy(ez|ons|er|e) (a|en|au|aux|dans|vers|chez|a letranger|hors)|delais?|colis|suivi|numero de suivi|point relais|chronopost|colissimo|mondial relay|la poste|combien de temps|(pas|jamais) (encore )?recu|douane",
  ],
  ["shipping", 2, "recu|recevoir|arriver|arrive|arrivera|dhl|ups|dpd"],
  ["shipping", 1, "commande"],
  ["shipping", -2, "arrive (pas |plus )?a [a-z]+er|arrive (pas |plus )?a (me|le|la|les|l) ?[a-z]+er"],

  [
    "returns_refund",
    3,
    "rembours[a-z]*|retourn(er|e|es|ez|ons)|faire un retour|(un|le|les|mon|des|vos) retours?|politique de retour|renvoy(er|e|ez)|renvoi|echang[a-z]*|satisfait ou rembourse|bon dachat",
  ],
  ["returns_refund", 2, "casse|abime|defectueux|endommage"],

  [
    "payment_problem",
    3,
    "carte (bancaire |bleue |de credit |visa )?(est |a ete )?(refusee|refuse|rejetee|bloquee|ne passe pas|passe pas|ne marche pas|marche pas|ne fonctionne pas|fonctionne pas)|paiement (est |a ete )?(refuse|echoue|bloque|impossible|ne passe pas|passe pas|ne marche pas|ne fonctionne pas)|echec (du |de )?paiement",
  ],
  [
    "payment_problem",
    3,
    "(impossible|pas pu|pas reussi a|narrive pas a|jarrive pas a) (de )?payer|(debite|debitee|preleve|prelevee|facture|facturee|paye|payee) (deux|2|plusieurs) fois|double (debit|prelevement|paiement)|payer en (plusieurs|\\d+|trois|quatre) fois",
  ],
  ["payment_problem", 3, FR_PAY, FR_FAIL],
  ["payment_problem", 2, FR_PAY + "|debit[a-z]*|prelev[a-z]*|facturation"],

  ["discount_not_working", 3, FR_CODE, FR_CODE_FAIL],
  ["discount_not_working", 1.5, "code promo|code de reduction|code"],

  [
    "price",
    3,
    "(trop|tres|un peu|vraiment|super|hyper) (cher|chere|chers|cheres)|cher|chere|hors de prix|moins cher|soldes?|(?<!code )promos?(?! code)|promotions?|black friday|(baisse|baisser|baissera) (de |le )?prix|prix (baisse|en baisse|special|reduit)|meilleur prix|geste commercial",
  ],
  ["price", 3, "(une|des|un) (reduction|remise|code promo)|reduc|budget|meme prix|prix en magasin|(quand|jusqua quand) .{0,20}(promo|soldes|offre)"],
  ["price", 2, "prix|tarifs?|coute|cout|combien (ca coute|coute|cest)|euros?|offres?"],
  [
    "price",
    -3,
    "prix (nest|est) pas (le |un )?(probleme|souci)|prix ne pose pas (de )?probleme|prix (est )?(correct|ok|raisonnable|bien)|pas une question de prix",
  ],

  ["stock", 4, "(de )?retour en stock|(de nouveau|a nouveau|bientot) (en stock|disponible|dispo)s?"],
  [
    "stock",
    3,
    "en stock|rupture( de stock)?|(plus|pas|encore|toujours) (disponible|dispo)s?|epuise[e]?s?|reassort|reapprovisionn[a-z]*|revient quand|(il|elle) (revient|reviendra)|reviendra|(il |vous )?en reste|prevenez moi|me prevenir quand|(en )?refaire|refaites|(vous )?en (aurez|recevrez|referez|reprendrez)|plus de (\\d+|taille [a-z0-9]+) en|(du|de) stock",
  ],
  ["stock", 2, "stock|disponibles?|dispos?|disponibilite|quantite|il reste"],

  [
    "trust_fraud",
    3,
    "arnaque[a-z]*|arnaqu[a-z]*|escroc[a-z]*|escroquerie|fraud[a-z]*|phishing|hameconnage|pirat[a-z]*|usurpation|faux site|fiable|suspect[a-z]*",
  ],
  [
    "trust_fraud",
    3,
    "(site|boutique|magasin|vous etes) (est )?(serieux|serieuse|legit|officiel|reel|vrai)|(comment|ou|dou|qui) .{0,30}(mon|mes|ma) (numero|mail|email|adresse|coordonnees|donnees)|(je nai|jai|je n ai) (jamais|rien) (commande|mis|ajoute|donne|achete|visite|laisse|cree|ouvert|inscrit)|(jamais|rien) .{0,20}panier|(cest|est ce) vraiment vous|vraiment vous|quelquun (utilise|a utilise|dautre)|pas moi",
  ],
  ["trust_fraud", 2, "confiance|securise|signaler|signale|avis|louche|bizarre|etrange"],

  [
    "not_interested",
    3,
    "pas (vraiment |du tout |trop |tres |plus )?interess[a-z]*|(ne )?(m|me) ?interess[a-z]* (pas|plus)|ninteresse (pas|plus)|plus interess[a-z]*|non merci|(deja|finalement) (achete|commande|trouve|pris)|(trouve|achete|commande|pris) (ailleurs|autre part)",
  ],
  [
    "not_interested",
    3,
    "change davis|plus besoin|pas besoin|(je nen ai|jen ai) (plus|pas) besoin|(je ne|je) (le |la |l |les )?(veux|souhaite) (plus|pas)|laisse tomber|pas pour moi|une autre fois|sans facon|^non$|non cest bon|(non )?ca ira|pas la peine|pas pour (linstant|le moment|maintenant|aujourdhui)|pas maintenant|deja ce qu(il|e) (me|nous) (faut|fallait)",
  ],

  [
    "opt_out",
    4,
    "(arretez|arrete|arreter|cessez|stop|stoppez) (de |d )?(m|me|nous)? ?(envoyer|ecrire|contacter|spammer|harceler|relancer|deranger|appeler)|(ne )?(m|me) ?(envoyez|ecrivez|contactez|relancez) plus|(ne )?plus (me |nous )?(recevoir|etre contacte|contacter|ecrire|envoyer|relancer|deranger|solliciter)",
  ],
  [
    "opt_out",
    4,
    "(je ne veux|je veux|veux) plus (recevoir|de (messages|mails|sms|emails|pub))|desinscri[a-z]*|desabonn[a-z]*|(retirez|supprimez|enlevez|effacez) (moi|mon numero|mon adresse|mes (donnees|coordonnees))|plus de (messages|sms|mails|emails|pub)|laissez moi tranquille|stop (pub|sms|mail|mails|messages)",
  ],

  [
    "other",
    3,
    "trompe de (personne|numero)|mauvais numero|(erreur|mauvaise) (de )?(personne|numero)|je (regarde|regarderai|verrai|vais voir|vais regarder)|(je )?(finalise|finaliserai|termine|passerai|vais passer|ferai) (ma|la) commande",
  ],
  ["other", 1, "merci|bonjour|bonsoir|salut|coucou|daccord|ok|parfait|super|top|cordialement|bonne journee|a plus"],
];

const ES_PAY = "pago|pagar|pague|tarjeta|paypal|transaccion|cobro|bizum|mercado ?pago|oxxo";
const ES_FAIL = "no funciona|no pasa|error|falla|fallo|rechaz[a-z]*|cargando|no se completa|problema|no me deja|no sale|no (se )?procesa";
const ES_CODE = "codetoken|cupon(es)?|codigos?|descuentos?|promo(cion)?|voucher|\\d+ ?%";
const ES_CODE_FAIL =
  "no (me )?(lo |la )?(funciona|sirve|aplica|acepta|toma|sale|aparece|deja|valida|descuenta|hace|agarra)|no se (aplica|aplico|descuenta|ve|refleja)|invalido|no (es )?valido|caducad[oa]|expirad[oa]|vencid[oa]|error|no sale|no aparece|sigue (igual|el mismo precio)";

const ES: Spec[] = [
  [
    "product_question",
    3,
    "de que (material|tela|esta hecho|esta hecha|son)|(es|son|esta) (lavable|de cuero|de piel|de algodon|original|resistente al agua)|impermeable|compatible|sumergible|a prueba de agua|microondas|lavavajillas",
  ],
  [
    "product_question",
    3,
    "(sirve|funciona|es compatible) (para|con|en)|(viene|vienen|incluye|trae|traen) con|incluye|garantia|bateria|pilas|instrucciones|ingredientes",
  ],
  [
    "product_question",
    3,
    "tiene (bolsillos?|cierre|forro|capucha|tapa|garantia|luz|bateria)|(sirve|es) para (piel|cabello|pelo|ninos|bebes)|piel (sensible|grasa|seca|mixta)",
  ],
  ["product_question", 2, "material|tela|color(es)?|calidad|fotos?|imagen|modelo|producto|igual que|articulo|bolsillos?|forro|capucha|cierre|olor|aroma"],

  [
    "sizing",
    3,
    "que talla|(tallan|talla|tallaje|horma) (grande|pequeno|chico|normal|justo|bien|amplio)|tabla de tallas|guia de tallas|mido|peso \\d+|calzo|uso (la |talla )?(xs|s|m|l|xl|\\d+)",
  ],
  ["sizing", 3, "me (queda|quedara|quedaria|quedan) (grande|chico|pequeno|apretado|justo|bien)|cuanto mide|medidas|largo|ancho|cintura|\\d+ ?(kg|kilos|cm)"],
  ["sizing", 2, "tallas?|tallaje|medida"],

  ["shipping", 4, "cuanto (cuesta|sale|vale|es) el envio|gastos de envio|costo de envio|precio del envio|envio gratis"],
  [
    "shipping",
    3,
    "envios?|enviar (a|al|hasta)|envian|entregas?|entregar|llega|llegan|llegara|llegaria|llegue|lleguen|cuanto (tarda|tardan|demora|demoran)|tarda|demora|tiempo de (entrega|envio)|seguimiento|rastreo|numero de guia|paqueteria|paquete|mensajeria|correos|estafeta|seur|mrw|a domicilio|aduana",
  ],
  ["shipping", 2, "recibir|recibo|llegar|llego|dhl|fedex|ups"],
  ["shipping", 1, "pedido"],

  [
    "returns_refund",
    3,
    "devol[a-z]*|devuelv[a-z]*|devuelto|reembols[a-z]*|reintegro|(cambiar|cambiarlo|cambiarla|cambiarlos|cambio) (por|de) (otr[oa]|talla|color|modelo|numero)",
  ],
  ["returns_refund", 3, "cambiarlo|cambiarla|politica de (devolucion|devoluciones|cambios)|(dinero|plata|lana) de vuelta"],
  ["returns_refund", 2, "cambio|cambios|cambiar|roto|rota|defectuos[oa]|danad[oa]|llego mal"],

  [
    "payment_problem",
    3,
    "(rechaz[a-z]*|denegad[oa]|declinad[oa]) (la |mi )?tarjeta|tarjeta (rechazada|denegada|declinada|no pasa|no funciona|no sirve|bloqueada|no (la |me la )?acepta)|(pago|transaccion|compra) (rechazad[oa]|denegad[oa]|fallid[oa]|no (se )?(completa|procesa|pasa|funciona|realiza|hizo|hace|efectua))",
  ],
  [
    "payment_problem",
    3,
    "no (me )?deja (pagar|comprar|finalizar)|no (puedo|pude|logro|consigo) (pagar|hacer el pago|completar (el pago|la compra)|finalizar)|(me )?(cobraron|cobrado|cobran|cobro|cargaron|descontaron) (dos|2|doble|varias)( veces)?|cobro doble|doble cobro",
  ],
  ["payment_problem", 3, "(pagar|pago) (con|en|por|a) (paypal|tarjeta|cuotas|meses|transferencia|bizum|oxxo|efectivo|mercado ?pago)|contra ?reembolso"],
  ["payment_problem", 3, ES_PAY, ES_FAIL],
  [
    "payment_problem",
    3,
    "(descontaron|cobraron|debitaron|sacaron|quitaron|descontado|cobrado) (la plata|el dinero|el pago|plata|dinero|el monto|el importe)|no (tengo|me llego|llego) (la |ninguna |ningun )?(confirmacion|correo de confirmacion)",
  ],
  ["payment_problem", 2, ES_PAY + "|cobr[a-z]*|cuotas|meses sin intereses|cargo"],
  ["returns_refund", -3, "contra ?reembolso"],

  ["discount_not_working", 3, ES_CODE, ES_CODE_FAIL],
  ["discount_not_working", 1.5, "cupon|codigo( de descuento)?"],

  [
    "price",
    3,
    "(muy|demasiado|bastante|super|re|medio) car[oa]s?|car[oa]|carisim[oa]|mas barat[oa]|barat[oa]|rebajas?|oferta|ofertas|promocion(es)?|black friday|hot sale|buen fin|mejor precio|precio especial",
  ],
  [
    "price",
    3,
    "(hacen|hacer|me hacen|hay|dan|darian) (precio|descuento|rebaja)|(bajar|bajan|rebajar) (el |de )?precio|(hay|tienen|tendran|algun) (algun )?(descuento|cupon|codigo|oferta|promo)|(hasta cuando|cuando) (dura|termina|acaba|se acaba|finaliza|es|vale) (la |el )?(oferta|promo|promocion|rebaja|rebajas|descuento|sale)",
  ],
  ["price", 3, "iva|impuestos?|precio final"],
  ["price", 2, "precios?|cuesta|cuestan|cuanto (es|sale|cuesta|vale)|euros|pesos|descuentos?|presupuesto"],
  ["price", -3, "precio (del producto |es |esta )?(esta )?(bien|ok|bueno)|(el )?precio no es (problema|el problema)|no es (por )?el precio"],

  [
    "stock",
    3,
    "agotad[oa]s?|(sin|en|hay|tienen|tendran|habra|haber) stock|stock|existencias|reponer|reponen|repondran|reposicion|(esta|estan|tienen|hay|tendran) disponibles?|disponibilidad",
  ],
  [
    "stock",
    3,
    "(vuelve|volvera|vuelven|volveran) a (haber|estar|tener|entrar)|(?<!me )quedan|queda (alguno|alguna|uno|una)|(me )?avisan? cuando (haya|llegue|este|vuelva)|cuando (haya|vuelva)|(tendran|tendras|habra|volvera|van a tener|traeran|vuelven a traer) .{0,20}(otra vez|de nuevo|nuevamente)|(otra vez|de nuevo|nuevamente) (disponible|en stock)|(volver a|vuelven a|van a volver a|vuelvan a) (traer|tener|sacar|reponer|fabricar)|(no )?(hay|tienen|queda|quedan) (en|del|de la) (talla|color|numero|el|la)",
  ],
  ["stock", 2, "no hay|tendran|traeran"],
  ["stock", 2, "disponibles?|unidades"],

  [
    "trust_fraud",
    3,
    "estafa[a-z]*|estafador[a-z]*|fraude[a-z]*|fraudulent[oa]|phishing|confiable|de fiar|robo de identidad|suplantacion|sospechos[oa]|hack[a-z]*|hacke[a-z]*|jaque[a-z]*",
  ],
  [
    "trust_fraud",
    3,
    "(es )?(seguro|fiable|legal|real) (comprar|pagar|la tienda|la pagina|la web|su (tienda|pagina|web)|esta (tienda|pagina))|(de donde|como|quien|quienes) .{0,30}(mi|mis) (numero|correo|email|mail|telefono|datos|whatsapp)|yo no (hice|deje|puse|pedi|agregue|compre|realice)|(quien|quienes) me (registro|inscribio|suscribio|dio de alta|agrego)|(yo )?nunca (entre|me registre|me inscribi|compre|pedi|hice|deje|visite)|alguien (entro|uso|usa|esta usando|ha usado)|no (conozco|conocia) (la|esta|su) (tienda|pagina|web|marca)",
  ],
  ["trust_fraud", 2, "seguro|confianza|reportar|denunciar|resenas|opiniones|falso|falsa"],

  [
    "not_interested",
    3,
    "no (me )?interesa[a-z]*|no (estoy|estamos) interesad[oa]s?|no gracias|ya (lo |la |los |las )?(compre|tengo|pedi|consegui|encontre)|(lo |la )?(compre|consegui|encontre|pedi) en otr[oa] (lado|tienda|sitio|parte|pagina)|otra tienda",
  ],
  [
    "not_interested",
    3,
    "(ya )?no (lo |la |los |las )?(quiero|necesito)|cambie de (opinion|idea)|^paso( gracias)?$|(por ahora|de momento|por el momento|ahorita) no|no por ahora|mejor no|no (lo |la )?voy a (comprar|querer|pedir)|^no$|^no ya no$|(lo )?dejo para (otro momento|otra ocasion|despues|mas adelante)|otro momento|otra ocasion",
  ],
  ["not_interested", 2, "ya no"],

  [
    "opt_out",
    4,
    "(no|ya no|nunca) (me )?(manden|envien|escriban|contacten|mandes|envies|escribas|contactes|molesten|molestes|llamen)( mas)?|(dejen|deja|dejad|paren|para|parad) de (escribir|enviar|mandar|molestar|contactar|spamear|llamar)[a-z]*",
  ],
  [
    "opt_out",
    4,
    "(dar|darme|dame|denme|doy|quiero darme|quiero dar) de baja|baja (de|del) (la )?(lista|boletin|newsletter|correos|mensajes|whatsapp|sms|suscripcion)|(no quiero|ya no quiero) (recibir|mas (mensajes|correos|mails))|cancelar (la |mi )?suscripcion|desuscrib[a-z]*|(eliminen|borren|borrar|eliminar) (mi|mis) (numero|correo|datos)|no mas (mensajes|correos|mails|spam|whatsapps?)",
  ],

  [
    "other",
    3,
    "numero equivocado|(se )?equivoc(aron|o|ado) de (numero|persona)|persona equivocada|(luego|despues|mas tarde|manana) lo (miro|veo|reviso|compro|termino)|lo (miro|veo|reviso|pienso) (luego|despues|mas tarde|manana)|lo voy a pensar",
  ],
  ["other", 1, "gracias|hola|buenas|buenos dias|vale|ok|dale|perfecto|listo|genial|jaja[a-z]*|saludos|un saludo"],
];

const DE_PAY = "zahlung|bezahlung|bezahlen|zahlen|kreditkarte|karte|paypal|klarna|uberweisung|lastschrift|apple pay|google pay|transaktion|kauf";
const DE_FAIL = "funktioniert nicht|geht nicht|klappt nicht|nicht geklappt|nicht funktioniert|fehler|fehlgeschlagen|abgelehnt|problem|hangt|abgebrochen";
const DE_CODE = "codetoken|gutschein[a-z]*|rabatt[a-z]*|code|codes|coupon|promo[a-z]*|aktionscode|\\d+ ?%";
const DE_CODE_FAIL =
  "funktioniert nicht|geht nicht|klappt nicht|ungultig|abgelaufen|nicht (mehr )?gultig|(wird|wurde) nicht (abgezogen|angenommen|akzeptiert|angewendet|ubernommen|berucksichtigt|angezeigt|eingelost)|nicht abgezogen|nicht eingelost|fehler|fehlermeldung|lasst sich nicht|nicht einlosen|nicht angenommen|nicht akzeptiert";

const DE: Spec[] = [
  [
    "product_question",
    3,
    "mikrowelle|spulmaschine|backofen|wasserdicht|wasserfest|waschbar|spulmaschinenfest|echtes? (leder|gold|silber|holz)|(aus )?welche[mnrs]? (material|stoff)|material|kompatibel|lieferumfang|garantie|akku|batterie|anleitung",
  ],
  [
    "product_question",
    3,
    "passt .{0,25}(fur|zu|an|mit|in) (ein|einen|eine|mein|meine|meinen|meinem|iphone|samsung|pixel|galaxy|handy|auto|tablet|laptop)|funktioniert (das|der|die|es)? ?(auch )?(mit|fur|an)|(ist|sind) .{0,20}(dabei|enthalten|inklusive)|(kann man|lasst sich) (den|das|die|es|ihn|sie)? ?(waschen|reinigen|aufladen)",
  ],
  [
    "product_question",
    2,
    "farbe|farben|qualitat|stoff|bezug|ladegerat|ladekabel|kabel|adapter|foto|fotos|bild|bilder|modell|produkt|artikel|eher (hell|dunkel|grau|blau|schwarz|beige|grun|rot)|leder|baumwolle|kapuze|taschen|reissverschluss|futter|gefuttert|duft|duftstoffe|geruch|inhaltsstoffe",
  ],
  ["product_question", 2, "^(hat|haben|ist|sind) (die|der|das) [a-z]+ (eine|einen|ein|auch)"],

  [
    "sizing",
    3,
    "(fallt|fallen|fiel) .{0,20}(gross|klein|normal|eng|weit|kleiner|grosser) aus|welche (grosse|gr)|grossentabelle|grossenberatung|grossentab[a-z]*|grossen ?tabelle|(ich )?trage (normalerweise |sonst |meistens |immer |eigentlich )?(grosse |gr )?(\\d+|xs|s|m|l|xl)",
  ],
  [
    "sizing",
    3,
    "wie (lang|weit|breit|gross) (ist|sind|fallt)|(schmal|weit|eng|gross|klein|normal|kurz|lang|breit)(er)? geschnitten|schnitt|passt (mir )?(xs|s|m|l|xl|\\d+)|\\d [0-9]{2} gross|schrittlange|bundweite|brustumfang|taillenweite|(zu )?(eng|weit|klein|gross|kurz|lang) (fur mich|bei mir)|gr (\\d+|xs|s|m|l|xl)",
  ],
  ["sizing", 2, "grosse|grossen|passform|passt|passen|\\d+ ?cm|masse|abmessungen"],

  ["shipping", 4, "(was|wie viel|wieviel) kostet (der|die) (versand|lieferung)|versandkosten|lieferkosten"],
  [
    "shipping",
    3,
    "versand[a-z]*|verschick[a-z]*|versend[a-z]*|liefer(ung|zeit|zeiten|t|n|st|ten|termin|adresse)?|liefert ihr|liefern sie|geliefert|zustell[a-z]*|paket[a-z]*|sendung[a-z]*|tracking[a-z]*",
  ],
  [
    "shipping",
    3,
    "(wann|wie schnell|bis wann) (kommt|kommen|ist|wird|werden|ware) .{0,30}(an|da|geliefert|verschickt|bei mir)|wie lange dauert|kommt .{0,20} an|bis (montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|morgen)",
  ],
  ["shipping", 3, "ankomm[a-z]*|ankunft|(vor|bis) weihnachten|rechtzeitig"],
  ["shipping", 2, "dhl|dpd|hermes|gls|ups|post|porto|zoll|erhalten"],
  ["shipping", 1, "bestellung"],

  [
    "returns_refund",
    3,
    "zuruck ?(schicken|senden|geben|gesendet|geschickt|zahlen|bekommen|erstatten)|zuruckschick[a-z]*|zurucksend[a-z]*|rucksendung[a-z]*|ruckversand|retour[a-z]*|ruckerstattung|erstatt[a-z]*|geld zuruck",
  ],
  ["returns_refund", 3, "umtausch[a-z]*|umtauschen|tauschen|widerruf[a-z]*|ruckgabe[a-z]*|gutschrift"],
  ["returns_refund", 2, "zuruck|kaputt|defekt|beschadigt"],

  [
    "payment_problem",
    3,
    "(karte|kreditkarte|ec karte|girokarte|visa|mastercard|debitkarte)( wird| wurde| ist)? ?(abgelehnt|nicht akzeptiert|nicht angenommen|gesperrt|funktioniert nicht|geht nicht)|(zahlung|bezahlung|bezahlen|zahlen|uberweisung|abbuchung|transaktion|kauf)( hat| ist| wurde)? ?(nicht (geklappt|funktioniert|moglich|durchgegangen)|fehlgeschlagen|abgelehnt|abgebrochen)",
  ],
  [
    "payment_problem",
    3,
    "(doppelt|zweimal|2 mal|2mal|2x) (abgebucht|belastet|bezahlt|berechnet|abgezogen)|kann (nicht|nichts) (bezahlen|zahlen)|(bezahlen|zahlen|zahlung) (mit|per|uber|auf) (paypal|klarna|rechnung|kreditkarte|raten|vorkasse|apple pay|lastschrift)|geld (ist )?(aber )?(weg|abgebucht)|abgebucht|ratenzahlung|auf rechnung",
  ],
  ["payment_problem", 3, DE_PAY, DE_FAIL],
  ["payment_problem", 2, DE_PAY + "|bezahl[a-z]*|abbuch[a-z]*|rechnung|sepa|raten|bank"],

  ["discount_not_working", 3, DE_CODE, DE_CODE_FAIL],
  ["discount_not_working", 1.5, "gutschein(code)?|rabattcode|code|aktionscode"],

  [
    "price",
    3,
    "(zu|sehr|ganz schon|echt|recht|ziemlich|viel zu) teuer|teuer|gunstiger|billiger|reduziert|reduzier[a-z]*|preisnachlass|mengenrabatt|rabatt (geben|gibt es|moglich|bekommen)|gibts (rabatt|einen rabatt|prozente)|sale|schlussverkauf|angebot|black friday|cyber monday",
  ],
  [
    "price",
    3,
    "(wann|wie lange|bis wann) .{0,20}(sale|angebot|aktion|rabatt|prozente)|preis[a-z]* (senken|runter|nachlass)|preisvorschlag|besser(er|en) preis|budget",
  ],
  ["price", 3, "(gibt es|gibts|habt ihr|haben sie) (einen |eine |auch )?[a-z]*rabatt|[a-z]+rabatt"],
  ["price", 2, "preis[a-z]*|kosten|kostet|euro|aktion|rabatt|prozente"],
  ["price", -3, "preis (ist )?(okay|ok|in ordnung|gut|fair|nicht das problem|kein problem)|am preis liegt es nicht"],

  [
    "stock",
    4,
    "(wieder|bald|nicht|noch|nicht mehr) (lieferbar|verfugbar|erhaltlich|vorratig|auf lager|zu haben|reinkommen|reinbekommen)|(auf|am) lager|ausverkauft|nachschub|(noch|wieder) welche|kommt .{0,15}wieder rein|wieder rein|wieder da|noch (in|als) (xs|s|m|l|xl|xxl|\\d+|schwarz|weiss|blau|rot|grun|grau|beige|braun|rosa|gross|klein)|nachproduz[a-z]*|nachbestell[a-z]*|wieder (produziert|aufgelegt|hergestellt)|neu aufgelegt",
  ],
  ["stock", 3, "lieferbar|verfugbar[a-z]*|vorratig|lagerbestand|bestand|vorrat|restbestand"],

  [
    "trust_fraud",
    3,
    "betrug[a-z]*|betruger[a-z]*|abzocke[a-z]*|abzock[a-z]*|fake|scam|phishing|serios|seriose[rnms]?|unserios[a-z]*|gehackt|hacker|impressum|vertrauenswurdig|verdachtig|identitatsdiebstahl|(ist|sind) (der|das|die|ihr|euer)? ?(shop|laden|seite|webseite|website|firma)? ?echt",
  ],
  [
    "trust_fraud",
    3,
    "(woher|wo|wer) .{0,25}(meine|meinen|meiner) (nummer|handynummer|telefonnummer|email|e mail|mail|adresse|daten|kontaktdaten)|(ich habe|hab|habe) (nichts|keinen warenkorb|nie|nie etwas|nichts in den warenkorb|nichts bei ihnen|nichts bei euch) .{0,20}(bestellt|angelegt|gekauft|hinzugefugt|gelegt|registriert)|(jemand|fremder) (hat|nutzt|benutzt|verwendet)|noch nie (von euch|von ihnen|von dem shop) gehort|(nie|niemals) .{0,20}(registriert|angemeldet|bestellt|gekauft|eingekauft|angelegt)|echte nachricht|wirklich (von euch|von ihnen|ihr)",
  ],
  ["trust_fraud", 2, "sicher|vertrauen|bewertungen|anzeige|polizei|komisch|merkwurdig|seltsam"],

  [
    "not_interested",
    3,
    "kein(e|en)? interesse|(nicht|nicht mehr|kein) interessiert|interessiert mich (nicht|nicht mehr)|(nein|nee|ne|no) danke|(schon|bereits) (woanders|anderswo|gekauft|bestellt|eins|einen|eine)|woanders (gekauft|bestellt|gefunden)",
  ],
  [
    "not_interested",
    3,
    "(brauch|brauche) (ich )?(es|das|den|die|ihn)? ?(nicht|nicht mehr|keine|keinen|kein)|anders entschieden|(es )?mir anders uberlegt|doch nicht|kein bedarf|(will|mochte|mag) (das|es|den|die|ihn)? ?(nicht|nicht mehr|doch nicht)|ein andermal|lieber nicht|^nein$|lass mal|lassen wir das|^nee$|(nichts|nix) fur mich",
  ],

  [
    "opt_out",
    4,
    "keine (weiteren )?(nachrichten|mails|e mails|emails|sms|werbung|whatsapps?|newsletter|werbemails|nachricht) mehr|(horen sie|hort|hor) auf (mir|mich|zu)|(nicht mehr|nie wieder) (anschreiben|schreiben|kontaktieren|belastigen|anrufen|zuspammen)|(schreiben sie|schreibt|schreib) mir nicht mehr",
  ],
  [
    "opt_out",
    4,
    "(melden sie|meldet|meld) mich ab|abmelden|austragen|abbestell[a-z]*|aus dem verteiler|(vom|aus dem) newsletter|(meine )?(nummer|daten|email|e mail|adresse) (loschen|entfernen)|(loschen|entfernen) sie (bitte )?(meine|meinen|mich)|(mochte|will|wunsche) keine .{0,30}mehr|(lassen sie|lasst) mich in ruhe",
  ],

  [
    "other",
    3,
    "falsche (nummer|person)|verwechselt|verwahlt|falsch verbunden|(schau|schaue|sehe|guck|gucke) (ich )?(mir )?(das |es )?(spater|morgen|heute abend|nochmal|mal)|(bestelle|kaufe) (ich )?(spater|morgen|heute abend)|mache ich (spater|morgen)",
  ],
  ["other", 1, "danke|dankeschon|vielen dank|hallo|hi|guten tag|moin|servus|gruss|grusse|lg|vg|mfg|ok|okay|alles klar|super|prima|top"],
];

const AR_PAY = "دفع|ادفع|دفعت|الدفع|بطاقه|بطاقتي|فيزا|مدى|كرت|كرتي|ابل باي|باي";
const AR_FAIL = "ما يكمل|مايكمل|ما تم|مرفوض|مرفوضه|مشكله|خطا|فشل|فشلت|معلق|يعلق|ما يشتغل|ما تشتغل|ما قدرت|ما اقدر|ما يمشي|ما تمشي";
const AR_CODE = "codetoken|كود|كوبون|برومو|بروموكود|رمز (الخصم|ترويجي)|خصم|promo|code|coupon";
const AR_CODE_FAIL =
  "ما يشتغل|مايشتغل|ما اشتغل|ما يعمل|لا يعمل|غير صالح|غير صحيح|غير فعال|منتهي|انتهى|انتهت|خطا|غلط|ما ينفع|ماينفع|ما انضاف|ما اتطبق|ما تطبق|ما طلع|ما ظهر|ما يظهر|مو شغال|مش شغال|مش بيشتغل|ما نزل|مرفوض|رفض|ما قبل|ما انقبل|ما يقبل|مو راضي|مش راضي";

const AR: Spec[] = [
  [
    "product_question",
    3,
    "مقاوم(ه)? (للماء|للمويه|للميه|للمي|للبلل)|ضد الماء|(جلد|قطن|حرير|صوف|خشب|معدن|ستانلس|بلاستيك) (طبيعي|صناعي|اصلي|حقيقي)|(طبيعي|اصلي) (ولا|او) (صناعي|تقليد)",
  ],
  [
    "product_question",
    3,
    "خامه|نوع (القماش|الخامه|الجلد)|قماش|مصنوع|(يشتغل|يعمل|يركب|يناسب) (مع|على)|متوافق|ضمان|بطاريه|(نفس|زي|مثل|كما في) (الصوره|الصور|صوره)|في الحقيقه|على الطبيعه",
  ],
  ["product_question", 3, "يناسب (البشره|الشعر|بشره)|بشره (حساسه|دهنيه|جافه)|يثبت|ثبات|ريحه|رائحه"],
  ["product_question", 2, "عطر|كريم|لون|الوان|جوده|مواصفات|منتج|صوره|صور|اصلي|موديل|ماركه|قطن|جلد"],

  [
    "sizing",
    3,
    "(كبير|صغير|واسع|ضيق)(ه)? (ولا|او) (صغير|كبير|ضيق|واسع)|جدول (المقاسات|مقاسات|القياسات)|دليل المقاسات|(كم|اي|ايش|وش|شو) (المقاس|مقاس|القياس)|(طولي|وزني|وزن|طول) \\d+",
  ],
  ["sizing", 3, "لارج|ميديم|سمول|اكس لارج|اكس اكس|xl|xxl|\\d+ ?(سم|كيلو|كغ|cm|kg)"],
  ["sizing", 2, "مقاس|مقاسات|قياس|قياسات|طول|عرض|حجم"],

  ["shipping", 4, "(كم|بكم) (سعر|رسوم|تكلفه|قيمه) (الشحن|التوصيل)|(سعر|رسوم|تكلفه|قيمه) (الشحن|التوصيل)"],
  ["shipping", 3, "شحن|تشحن|تشحنون|يشحن|نشحن|شحنه|توصيل|توصلون|توصل|يوصل|يوصلني|توصلني|يجيني|وصول|تتبع|رقم التتبع|ارامكس|سمسا|مندوب"],
  ["shipping", 3, "(متى|امتى|امتي|ايمتى|كم يوم) (يوصل|توصل|يجي|تجي|الطلب|الشحنه|التوصيل|الشحن)|(ما|لسه ما|لسا ما|لم) (وصل|يوصل|وصلني|يوصلني)"],
  ["shipping", 2, "وصل|البريد|dhl|aramex"],
  ["shipping", 1, "طلب|طلبي"],

  [
    "returns_refund",
    3,
    "ارجاع|ارجع (المنتج|الطلب|القطعه|الغرض)|ارجعه|ارجعها|استرجاع|استرداد|ترجيع|رجعولي|رجعوا (لي )?(فلوسي|المبلغ|الفلوس)|(فلوسي|المبلغ|الفلوس|فلوس) (ترجع|ترجعلي|رجعت|ما رجعت|لسه ما رجعت)",
  ],
  ["returns_refund", 3, "استبدال|استبدل|ابدل|ابدله|تبديل|سياسه (الارجاع|الاسترجاع|الاستبدال|الاسترداد)|مرتجع|ريفند|refund"],
  ["returns_refund", 2, "فلوسي|مكسور|تالف|معيوب|خربان|بدل"],

  ["payment_problem", 4, "الدفع عند الاستلام|كاش عند الاستلام|دفع عند الاستلام"],
  [
    "payment_problem",
    3,
    "(بطاقه|بطاقتي|كرت|كرتي|فيزا|ماستر|مدى)( البنكيه| الائتمانيه)? (مرفوض|مرفوضه|انرفضت|رفضت|ترفض|ما تشتغل|ما اشتغلت|ما تنقبل|ما انقبلت|مو شغاله|مش شغاله|ما تمشي)|(الدفع|عمليه الدفع|السداد|الدفعه) (ما|مو|مش|لم|فشل|فشلت|مرفوض|مرفوضه|معلق|خطا|مشكله|فاشل|فاشله)",
  ],
  [
    "payment_problem",
    3,
    "(ما قدرت|ما اقدر|مااقدر|ماقدرت|لا استطيع|ما يمديني|مش قادر|مو قادر|ماني قادر) (ادفع|الدفع|اسدد|اكمل الدفع)|(انسحب|انخصم|اتخصم|سحب|اتسحب|انسحبت|خصمتوا|سحبتوا) .{0,15}(مرتين|مره ثانيه|دبل)|تابي|تمارا|stc pay|تقسيط|اقساط",
  ],
  ["payment_problem", 3, AR_PAY, AR_FAIL],
  ["payment_problem", 2, AR_PAY + "|مبلغ|كاش"],
  ["payment_problem", 1, "حساب|حسابي"],

  ["discount_not_working", 3, AR_CODE, AR_CODE_FAIL],
  ["discount_not_working", 3, "(وين|فين|كيف) (احط|اكتب|ادخل|استخدم|اضيف) (الكود|كود|الكوبون|كوبون)"],
  ["discount_not_working", 1.5, "كود|كوبون|كود الخصم"],

  ["price", 3, "غالي|غاليه|غالين|السعر (مرتفع|عالي|كثير)|اسعاركم|تخفيض|تخفيضات|تنزيلات|عروض|خصومات|اوكازيون|سيل|ارخص|رخيص|بلاك فرايدي|الجمعه البيضاء"],
  [
    "price",
    3,
    "(تنزلون|تنزل|نزلوا|تخفضون|تخفض|تقللون|ينزل) (السعر|الاسعار|سعر|من السعر)|(في|فيه|عندكم) (خصم|عروض|تخفيض|كود خصم)|(متى|امتى|لين متى|الى متى|لحد امتى) .{0,10}(ينتهي|يخلص|توقف|يوقف|تنتهي|تخلص) .{0,10}(العرض|الخصم|التخفيضات|التخفيض|العروض|الخصومات)",
  ],
  ["price", 3, "ضريبه|الضريبه|القيمه المضافه|شامل الضريبه|السعر النهائي"],
  ["price", 2, "سعر|اسعار|بكم|ريال|درهم|جنيه|دينار|عرض|خصم"],
  ["price", -3, "سعر (المنتج )?(حلو|زين|كويس|مناسب|معقول|ممتاز|تمام)|السعر (مو|مش|ما) (مشكله|مشكلتي)"],

  ["stock", 4, "(نفذ|نفد|نفدت|نفذت)|(خلصت|خلص) (الكميه|المخزون)|(غير|مو|مش|ما هو|مب) متوفر|نفاذ الكميه"],
  ["stock", 3, "متوفر|يتوفر|تتوفر|توفر|مخزون|ستوك|بيرجع|راح يرجع|بترجع|كميه|(عندكم|في|فيه) (منه|منها)|باقي (منه|منها|قطع|حبات)"],
  ["stock", 3, "خلص|خلصت|خلصو|خلصوا"],
  ["stock", 3, "(متى|امتى) (ينزل|تنزل|ينزلونه|يتوفر|يجي|يرجع)"],
  ["stock", 2, "يرجع|ترجع|انتهي|انتهت|ما لقيت|مالقيت"],

  [
    "trust_fraud",
    3,
    "احتيال|نصب|نصاب|نصابين|حراميه|حرامي|سرقه|موثوق|مضمون|اخترق|مخترق|اختراق|هكر|تهكير|مهكر|وهمي|مزيف|تزوير|سبام|ابلاغ|بلاغ|scam|fraud|مشبوه|مريب|(ما عندي|ماعندي|ما لي|ماني مسجل) (حساب|اي حساب)",
  ],
  [
    "trust_fraud",
    3,
    "(من وين|منين|من فين|كيف|منوين) .{0,15}(رقمي|ايميلي|بريدي|بياناتي|رقم جوالي|رقم تلفوني|معلوماتي)|(ما|لم|ماني|انا ما) (طلبت|سويت|حطيت|اضفت|اشتريت|سجلت)|(احد|حد|شخص|واحد) (دخل|يستخدم|استخدم|يستعمل) (على )?(حسابي|حساب)",
  ],
  ["trust_fraud", 2, "امن|امان|ثقه|اثق"],

  [
    "not_interested",
    3,
    "(غير|مو|مش|مب|ماني|لست|لسنا|مانيب|موب) (مهتم|مهتمه|مهتمين|محتاج|محتاجه)|ما (يهمني|ابيه|ابغاه|ابغاها|ابيها|احتاجه|احتاجها|اريده|اريدها)|(لا|لأ) (شكرا|مشكور|مشكوره)",
  ],
  [
    "not_interested",
    3,
    "(اشتريت|اشتريته|اشتريتها|شريت|شريته|شريتها|اخذته|اخذتها|طلبته|طلبتها|جبته|جبتها) (من|خلاص)|من (مكان|محل|موقع|متجر) (ثاني|اخر|تاني|غيركم)|غيرت (رايي|رائي|فكري)|(مش|مو) (عايز|عايزه|عاوز|عاوزه|حابب|حابه|لازم)|مابي|مابغى|خلاص ما ابي|ما عاد ابي|مو الحين|مش دلوقتي",
  ],
  ["not_interested", 2, "ما (ابي|ابغى|اريد|احتاج)|^لا$"],

  [
    "opt_out",
    4,
    "(لا|ما|مو|ياريت ما|يا ريت ما|رجاء لا|ارجو عدم|بلاش) (ترسل|ترسلوا|ترسلون|ترسلو|ترسلي|تراسلني|تراسلوني|تتواصلوا|تتواصل|تكلموني|تزعجوني|تبعت|تبعتوا|تبعتولي|تبعتلي)|(وقفوا|وقف|اوقفوا|اوقف|بطلوا|بطل|كفايه|خلاص|الغوا|توقفوا|ايقاف) .{0,10}(الرسائل|الرسايل|رسائل|رسايل|ارسال|الارسال|الازعاج|ازعاج|المسجات|مسجات|الاشعارات)",
  ],
  [
    "opt_out",
    4,
    "(الغاء|الغي|الغوا|ابي الغي|ابغى الغي) (الاشتراك|اشتراكي|الرسائل|الرسايل|التسجيل)|(احذف|احذفوا|امسح|امسحوا|شيلوا|شيل) (رقمي|بياناتي|ايميلي|اسمي)|(ما|لا|مش) (ابي|ابغى|اريد|عايز|عاوز) (رسائل|رسايل|اي رسائل|اشعارات|مسجات)|لا تزعجني|لا تزعجوني|(عدم|بلاش|بدون) (ازعاج|ارسال|الارسال|مراسله|التواصل|رسائل)",
  ],

  ["other", 3, "(الرقم|رقم) (غلط|خطا)|غلطان|(بشوف|بفكر|بكمل الطلب|بطلب بعدين|اطلب بعدين)|ان شاء الله (بشوف|اطلب|بكمل|اكمل)"],
  [
    "other",
    1,
    "شكرا|مشكور|مشكوره|تسلم|تسلمي|يعطيك العافيه|جزاك الله|تمام|اوكي|اوك|ok|طيب|ماشي|السلام عليكم|وعليكم السلام|مرحبا|هلا|اهلا|صباح الخير|مساء الخير|ان شاء الله|انشاء الله|انشالله|بعدين",
  ],
];

const SPECS: Record<RuleLanguage, Spec[]> = { en: EN, fr: FR, es: ES, de: DE, ar: AR };
const RULES: Rule[] = (Object.entries(SPECS) as Array<[RuleLanguage, Spec[]]>).flatMap(([lang, specs]) =>
  specs.map(([topic, weight, pattern, also]) => {
    const build = lang === "ar" ? arabicRe : lang === "fr" ? frenchRe : latinRe;
    return { topic, lang, weight, re: build(pattern, "gu"), ...(also ? { also: build(also) } : {}) };
  }),
);

// People mix languages (English above all), so the other languages' rules count too, for less.
const CROSS_EN = 0.7;
const CROSS_OTHER = 0.6;
// Words another language's rule would read wrongly in this language: Spanish "no sale" (does not show), French
// "sale" (dirty), German "kaputt"... Only a rule of another language is ignored when it matched exactly this.
const FALSE_FRIENDS: Partial<Record<RuleLanguage, Set<string>>> = {
  es: new Set(["sale", "sales", "once", "red", "pan", "code", "mal"]),
  fr: new Set(["sale", "sales", "pour", "code", "mal", "an"]),
  de: new Set(["also", "will", "bald", "rat", "art", "gift"]),
  en: new Set(["sale", "post", "also", "code", "top", "super"]),
};

// Short messages that are only pleasantries: "other" with some confidence (not a person's job).
const PLEASANTRIES = new Set(
  (
    "thanks thank you thx ty cheers ok okay kk hi hello hey yes yep sure cool great perfect noted x xx " +
    "merci beaucoup bonjour bonsoir salut coucou daccord parfait super top " +
    "gracias muchas hola buenas tardes noches dias vale dale perfecto listo genial jaja jajaja " +
    "danke dankeschon vielen dank hallo moin servus alles klar prima " +
    "شكرا جزيلا مشكور مشكوره تسلم تمام اوكي اوك طيب ماشي السلام عليكم وعليكم مرحبا هلا اهلا"
  ).split(" "),
);

// Whole-message opt-out forms (after normalisation), optionally with a please/thanks around them.
const OPT_OUT_FORMS = [
  "stop",
  "stopp",
  "stop all",
  "stop it",
  "unsubscribe",
  "unsub",
  "arret",
  "arrete",
  "arretez",
  "stop pub",
  "desabonner",
  "desinscrire",
  "desinscription",
  "desabonnement",
  "baja",
  "darme de baja",
  "dar de baja",
  "alto",
  "basta",
  "abmelden",
  "abbestellen",
  "austragen",
  unifyArabic("توقف"),
  unifyArabic("وقف"),
  unifyArabic("اوقف"),
  unifyArabic("ايقاف"),
  unifyArabic("إلغاء"),
  unifyArabic("الغاء الاشتراك"),
  unifyArabic("الغي الاشتراك"),
  unifyArabic("إلغاء اشتراك"),
  unifyArabic("كفايه"),
  unifyArabic("كفاية"),
];
const POLITE = "please|pls|plz|now|thanks|thank you|thx|bitte|danke|svp|sil vous plait|merci|por favor|porfa|gracias|ya|لو سمحت|من فضلك|شكرا|الحين";
const OPT_OUT_FORM_RE = new RegExp(`^(?:(?:${POLITE}) )*(?:${OPT_OUT_FORMS.join("|")})(?: (?:${POLITE}))*$`, "u");
const SHORT_WORDS = 8;

const URGENT_RE = [
  latinRe("urgent|urgently|urgente|urgence|urge|urgencia|asap|right now|immediately|today|emergency|as soon as possible|need it by"),
  latinRe(
    "maintenant|tout de suite|aujourdhui|au plus vite|des que possible|immediatement|hoy|ahora mismo|ya mismo|cuanto antes|lo antes posible|inmediat[a-z]*",
  ),
  latinRe("dringend|sofort|heute|schnellstmoglich|umgehend|eilig|eilt"),
  arabicRe("عاجل|ضروري|بسرعه|الحين|الان|اليوم|فورا|مستعجل|حالا|دلوقتي"),
];

// Emoji that carry the whole message.
const EMOJI_WORDS: Array<[RegExp, string]> = [
  [/[👍👌✅🆗]/gu, " ok "],
  [/🙏/gu, " thanks "],
];

// When two topics tie, the one a person must see wins.
const TIE_ORDER: ReplyTopic[] = [
  "opt_out",
  "trust_fraud",
  "payment_problem",
  "returns_refund",
  "discount_not_working",
  "stock",
  "shipping",
  "sizing",
  "price",
  "product_question",
  "not_interested",
  "other",
];

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function result(topic: ReplyTopic, confidence: number, language: ReplyLanguage, matched: string[], urgentWord: boolean): ReplyTopicResult {
  const urgency: ReplyUrgency =
    topic === "opt_out" || topic === "not_interested" ? "low" : topic === "payment_problem" || topic === "trust_fraud" || urgentWord ? "high" : "normal";
  const c = round2(Math.min(0.99, Math.max(0.05, confidence)));
  return { topic, urgency, confidence: c, language, needsPerson: c < PERSON_CONFIDENCE || PERSON_TOPICS.includes(topic), matched };
}

export function classifyReplyTopic(text: string, opts?: { locale?: string | null }): ReplyTopicResult {
  const body = stripQuotedReply(text ?? "") || (text ?? "");
  // A shop's discount code written in capitals among lower-case words ("tried FREESHIP at checkout") is a code word.
  let emojied = /\p{Ll}/u.test(body) ? body.replace(/(?<![\p{L}\p{N}])(\p{Lu}{4,}\p{N}{0,3})(?![\p{L}\p{N}])/gu, "$1 codetoken") : body;
  for (const [re, word] of EMOJI_WORDS) emojied = emojied.replace(re, word);
  const t = normalizeReplyText(emojied);
  const words = t ? t.split(" ") : [];
  const fromLocale = languageFromLocale(opts?.locale);
  const detected = fromLocale ?? detectReplyLanguage(body);
  const urgentWord = URGENT_RE.some((re) => re.test(t));

  // Opt-out: the old detector's forms, and short whole-message forms in every language.
  if (isOptOut(body) || (words.length <= SHORT_WORDS && OPT_OUT_FORM_RE.test(t))) {
    return result("opt_out", 0.97, detected, [`opt_out:*:${t}`], urgentWord);
  }
  if (!t) return result("other", 0.2, detected, [], urgentWord);

  const hasArabic = ARABIC_LETTER.test(t);
  const hasLatin = /[a-z]/.test(t);
  const hits = new Map<ReplyTopic, number[]>();
  const penalty = new Map<ReplyTopic, number>();
  const byLanguage = new Map<RuleLanguage, number>();
  const matched: Array<[number, string]> = [];
  let strongOptOut = false;
  for (const rule of RULES) {
    if (rule.lang === "ar" ? !hasArabic : !hasLatin) continue;
    const found = t.match(rule.re);
    if (!found || (rule.also && !rule.also.test(t))) continue;
    const own = detected === "unknown" || rule.lang === detected;
    const texts = [...new Set(found.map((x) => x.trim()))].filter((x) => own || !FALSE_FRIENDS[detected as RuleLanguage]?.has(x));
    if (texts.length === 0) continue;
    const w = rule.weight * (own ? 1 : rule.lang === "en" ? CROSS_EN : CROSS_OTHER);
    if (w < 0) {
      penalty.set(rule.topic, (penalty.get(rule.topic) ?? 0) - w);
      matched.push([w, `${rule.topic}:${rule.lang}:${texts[0]}`]);
      continue;
    }
    for (const x of texts) {
      hits.set(rule.topic, [...(hits.get(rule.topic) ?? []), w]);
      matched.push([w, `${rule.topic}:${rule.lang}:${x}`]);
    }
    byLanguage.set(rule.lang, (byLanguage.get(rule.lang) ?? 0) + w);
    if (rule.topic === "opt_out" && rule.weight >= 4) strongOptOut = true;
  }
  if (words.every((w) => PLEASANTRIES.has(w))) hits.set("other", [...(hits.get("other") ?? []), 3]);

  let language: ReplyLanguage = detected;
  if (language === "unknown" && byLanguage.size > 0) {
    const [first, second] = [...byLanguage.entries()].sort((a, b) => b[1] - a[1]);
    if (!second || first[1] > second[1]) language = first[0];
  }
  const matchedList = matched.sort((a, b) => b[0] - a[0]).map(([, s]) => s);

  if (strongOptOut && words.length <= SHORT_WORDS) return result("opt_out", 0.95, language, matchedList, urgentWord);

  const scores = TIE_ORDER.map((topic) => {
    const ws = (hits.get(topic) ?? []).sort((a, b) => b - a);
    const s = ws.reduce((sum, w, i) => sum + w * 0.5 ** i, 0) - (penalty.get(topic) ?? 0);
    return [topic, Math.max(0, s)] as const;
  });
  const ranked = [...scores].sort((a, b) => b[1] - a[1]); // stable: ties keep TIE_ORDER
  const [bestTopic, best] = ranked[0];
  const second = ranked[1][1];
  if (best <= 0) return result("other", 0.25, language, matchedList, urgentWord);
  const strength = 1 - Math.exp(-best / 2.5);
  const margin = (best - second) / best;
  return result(bestTopic, strength * (0.55 + 0.45 * margin), language, matchedList, urgentWord);
}
