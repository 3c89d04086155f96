// app/lib/reply-topics.ts: normalisation, language, each topic in each language, opt-out precedence (and the old
// detector's opt-outs as a subset), "stop" inside a sentence, negations, urgency and who must look at a reply, and the
// labelled set's shape. The set's accuracy is printed by `npx tsx bench/reply-topics.ts`, not asserted here.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isOptOut } from "../../app/lib/replies";
import {
  classifyReplyTopic,
  detectReplyLanguage,
  languageFromLocale,
  normalizeReplyText,
  PERSON_TOPICS,
  REPLY_LANGUAGES,
  REPLY_TOPICS,
  type ReplyTopic,
} from "../../app/lib/reply-topics";

interface Fixture {
  text: string;
  locale: string | null;
  language: string;
  topic: string;
}
const fixtures = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../fixtures/reply-topics.json"), "utf8")) as Fixture[];

describe("normalizeReplyText", () => {
  it("lower-cases, strips Latin diacritics, ß -> ss, drops apostrophes, punctuation and emoji", () => {
    expect(normalizeReplyText("Arrêtez ÇA, Größe ÉNORME!!")).toBe("arretez ca grosse enorme");
    expect(normalizeReplyText("¿Cuánto tarda el envío? 😡")).toBe("cuanto tarda el envio");
    expect(normalizeReplyText("Don't  know... it's   FINE")).toBe("dont know its fine");
    expect(normalizeReplyText("Ça ne m'intéresse plus")).toBe("ca ne minteresse plus");
    expect(normalizeReplyText("code -20% svp")).toBe("code 20% svp");
    expect(normalizeReplyText("  \n\t ")).toBe("");
  });

  it("squeezes letters repeated three times or more", () => {
    expect(normalizeReplyText("STOOOP pleeease")).toBe("stop please");
    expect(normalizeReplyText("merciii")).toBe("merci");
    expect(normalizeReplyText("shipping")).toBe("shipping");
  });

  it("normalises Arabic: tashkeel and tatweel removed, alef / yaa / taa marbuta unified, digits made ASCII", () => {
    expect(normalizeReplyText("شُكْراً جَزِيلاً")).toBe("شكرا جزيلا");
    expect(normalizeReplyText("غـــالي")).toBe("غالي");
    expect(normalizeReplyText("إلغاء أو آخر")).toBe("الغاء او اخر");
    expect(normalizeReplyText("مهتمة")).toBe("مهتمه");
    expect(normalizeReplyText("على مستوى")).toBe("علي مستوي");
    expect(normalizeReplyText("ايفون ١٥ ؟")).toBe("ايفون 15");
    expect(normalizeReplyText("قطن ١٠٠٪")).toBe("قطن 100%");
  });
});

describe("language", () => {
  it("takes the locale's primary language when we have rules for it", () => {
    expect(languageFromLocale("fr-CA")).toBe("fr");
    expect(languageFromLocale("es_MX")).toBe("es");
    expect(languageFromLocale("DE")).toBe("de");
    expect(languageFromLocale("ar-SA")).toBe("ar");
    expect(languageFromLocale("en")).toBe("en");
    expect(languageFromLocale("pt-BR")).toBeNull();
    expect(languageFromLocale(null)).toBeNull();
    expect(languageFromLocale(undefined)).toBeNull();
    expect(languageFromLocale("")).toBeNull();
  });

  it("detects the language from the text: Arabic script, else function words", () => {
    expect(detectReplyLanguage("متى يوصل الطلب؟")).toBe("ar");
    expect(detectReplyLanguage("STOP متى يوصل")).toBe("ar");
    expect(detectReplyLanguage("Is the jacket waterproof? thanks")).toBe("en");
    expect(detectReplyLanguage("Est-ce que vous livrez en Belgique ?")).toBe("fr");
    expect(detectReplyLanguage("¿Tienen la talla M en color negro?")).toBe("es");
    expect(detectReplyLanguage("Ist die Hose noch auf Lager?")).toBe("de");
    expect(detectReplyLanguage("Gracias!!")).toBe("es");
    expect(detectReplyLanguage("Danke!")).toBe("de");
    expect(detectReplyLanguage("STOP")).toBe("unknown");
    expect(detectReplyLanguage("👍")).toBe("unknown");
    expect(detectReplyLanguage("")).toBe("unknown");
  });

  it("the locale wins over the text; an unsupported locale falls back to detection", () => {
    expect(classifyReplyTopic("Merci", { locale: "de-DE" }).language).toBe("de");
    expect(classifyReplyTopic("¿Cuánto tarda el envío?", { locale: "pt-BR" }).language).toBe("es");
    expect(classifyReplyTopic("¿Cuánto tarda el envío?").language).toBe("es");
    expect(classifyReplyTopic("متى يوصل الطلب؟", { locale: null }).language).toBe("ar");
    expect(classifyReplyTopic("👍").language).toBe("unknown");
  });

  it("a reply in another language than the locale still gets its topic", () => {
    expect(classifyReplyTopic("my card was declined", { locale: "fr-FR" }).topic).toBe("payment_problem");
    expect(classifyReplyTopic("¿Hacen envíos a Chile?", { locale: "en-US" }).topic).toBe("shipping");
  });
});

// Two hand-picked replies per topic and language (written for this test, not taken from the labelled set).
const EXAMPLES: Record<ReplyTopic, Record<(typeof REPLY_LANGUAGES)[number], [string, string]>> = {
  product_question: {
    en: ["Is the bag made of real leather?", "does the kettle come with a warranty"],
    fr: ["Le bol passe au lave-vaisselle ?", "La montre est étanche ?"],
    es: ["¿De qué material es la chaqueta?", "la lámpara funciona con pilas?"],
    de: ["Ist der Rucksack wasserdicht?", "Aus welchem Material ist die Decke?"],
    ar: ["هل الساعة مقاومة للماء؟", "الجاكيت جلد طبيعي؟"],
  },
  sizing: {
    en: ["What size should I get? I'm usually a 10", "do these run small or true to size?"],
    fr: ["Quelle taille me conseillez-vous ?", "Ça taille petit ?"],
    es: ["¿Qué talla me recomiendan?", "las botas tallan grande?"],
    de: ["Welche Größe soll ich bestellen?", "Fällt das Shirt klein aus?"],
    ar: ["ايش المقاس المناسب لي؟", "عندكم جدول مقاسات للأطفال؟"],
  },
  shipping: {
    en: ["How long does shipping to Australia take?", "do you ship to Canada?"],
    fr: ["Quels sont les délais de livraison ?", "Vous livrez en Suisse ?"],
    es: ["¿Cuánto tarda el envío a Madrid?", "hacen envíos a Perú?"],
    de: ["Wie lange dauert der Versand?", "Liefert ihr nach Belgien?"],
    ar: ["كم يوم التوصيل لجدة؟", "تشحنون للإمارات؟"],
  },
  returns_refund: {
    en: ["What is your return policy?", "I still haven't got my refund"],
    fr: ["Je voudrais être remboursée", "Comment retourner un article ?"],
    es: ["¿Puedo devolverlo si no me gusta?", "todavía no me llega el reembolso"],
    de: ["Wie funktioniert die Rücksendung?", "Wann bekomme ich meine Rückerstattung?"],
    ar: ["ابي استرجاع المبلغ", "ما هي سياسة الاستبدال؟"],
  },
  payment_problem: {
    en: ["my card got declined", "I was charged twice for one order"],
    fr: ["Ma carte bancaire est refusée", "Le paiement ne passe pas"],
    es: ["Me rechaza la tarjeta", "me cobraron dos veces"],
    de: ["Meine Karte wird abgelehnt", "Die Zahlung hat nicht geklappt"],
    ar: ["البطاقة مرفوضة", "ما قدرت ادفع"],
  },
  discount_not_working: {
    en: ["the discount code doesn't work", "coupon says invalid"],
    fr: ["Le code promo ne fonctionne pas", "mon code de réduction est refusé"],
    es: ["El código de descuento no funciona", "el cupón dice que es inválido"],
    de: ["Der Rabattcode funktioniert nicht", "Gutschein ist ungültig"],
    ar: ["كود الخصم ما يشتغل", "الكوبون غير صالح"],
  },
  price: {
    en: ["it's too expensive for me", "will it go on sale soon?"],
    fr: ["C'est trop cher", "Il y aura des soldes ?"],
    es: ["Es muy caro", "¿Cuándo hay rebajas?"],
    de: ["Das ist mir zu teuer", "Wird es im Sale reduziert?"],
    ar: ["السعر غالي مرة", "في تخفيضات قريب؟"],
  },
  stock: {
    en: ["is it back in stock?", "when will you restock the grey one?"],
    fr: ["C'est en rupture de stock ?", "Il revient quand en stock ?"],
    es: ["¿Cuándo vuelve a haber stock?", "está agotado?"],
    de: ["Ist das noch auf Lager?", "Ist der Pulli ausverkauft?"],
    ar: ["هل متوفر؟", "متى يتوفر اللون الأحمر؟"],
  },
  trust_fraud: {
    en: ["is this a scam?", "how did you get my number?"],
    fr: ["C'est une arnaque ?", "Comment avez-vous eu mon numéro ?"],
    es: ["¿Esto es una estafa?", "¿De dónde sacaron mi número?"],
    de: ["Ist das Betrug?", "Woher haben Sie meine Nummer?"],
    ar: ["هذا احتيال؟", "من وين جبتوا رقمي؟"],
  },
  not_interested: {
    en: ["not interested thanks", "I already bought it somewhere else"],
    fr: ["Pas intéressée, merci", "Ça ne m'intéresse pas"],
    es: ["No me interesa", "ya lo compré en otra tienda"],
    de: ["Kein Interesse, danke", "Ich habe es schon woanders gekauft"],
    ar: ["غير مهتم", "مو مهتم"],
  },
  opt_out: {
    en: ["STOP", "please stop sending me messages"],
    fr: ["ARRÊT", "ne m'envoyez plus de messages"],
    es: ["BAJA", "no me manden más mensajes"],
    de: ["STOPP", "bitte keine Nachrichten mehr"],
    ar: ["توقف", "إلغاء الاشتراك"],
  },
  other: {
    en: ["thanks!", "wrong number"],
    fr: ["Merci beaucoup", "Bonjour"],
    es: ["Muchas gracias", "número equivocado"],
    de: ["Vielen Dank", "Falsche Nummer"],
    ar: ["شكرا", "الرقم غلط"],
  },
};

describe("topics in each language", () => {
  for (const topic of REPLY_TOPICS) {
    for (const lang of REPLY_LANGUAGES) {
      it(`${topic} in ${lang}`, () => {
        for (const text of EXAMPLES[topic][lang]) {
          for (const locale of [lang, null]) {
            const r = classifyReplyTopic(text, { locale });
            expect(r.topic, `${text} (locale ${locale})`).toBe(topic);
            if (locale) expect(r.language).toBe(lang);
          }
        }
      });
    }
  }

  it("says what matched, and a confidence between 0 and 1", () => {
    const r = classifyReplyTopic("How long does shipping to Australia take?", { locale: "en" });
    expect(r.matched.some((m) => m.startsWith("shipping:en:"))).toBe(true);
    for (const f of fixtures) {
      const c = classifyReplyTopic(f.text, { locale: f.locale }).confidence;
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThanOrEqual(1);
    }
  });

  it("nothing recognisable: other, low confidence, to a person", () => {
    for (const text of ["", "   ", "🤔", "asdfgh qwerty", "هممم"]) {
      const r = classifyReplyTopic(text);
      expect(r.topic, text).toBe("other");
      expect(r.confidence, text).toBeLessThan(0.6);
      expect(r.needsPerson, text).toBe(true);
    }
  });

  it("reads only what the shopper wrote in an email reply, not the quoted original", () => {
    const reply = "Is it waterproof?\n\nOn Mon, 1 Jan 2026 at 10:00, Shop <a@b.c> wrote:\n> Use code SAVE10, it won't work after Sunday. Stop by!";
    expect(classifyReplyTopic(reply, { locale: "en" }).topic).toBe("product_question");
  });
});

describe("opt-out", () => {
  const FORMS: Array<[string, string | null]> = [
    ["STOP", null],
    ["stop", "en"],
    ["Stop.", "fr"],
    ["STOP please", "en"],
    ["UNSUBSCRIBE", null],
    ["Unsubscribe me", "en"],
    ["ARRET", "fr"],
    ["Arrêt", "fr"],
    ["arrête", "fr"],
    ["STOP SVP", "fr"],
    ["BAJA", "es"],
    ["baja por favor", "es"],
    ["Dar de baja", "es"],
    ["STOPP", "de"],
    ["Abmelden", "de"],
    ["abbestellen bitte", "de"],
    ["توقف", "ar"],
    ["إلغاء الاشتراك", "ar"],
    ["الغاء", null],
    ["STOP", "ar"],
  ];

  it("short opt-out forms in every language win, with high confidence, low urgency and no person", () => {
    for (const [text, locale] of FORMS) {
      const r = classifyReplyTopic(text, { locale });
      expect(r.topic, text).toBe("opt_out");
      expect(r.confidence, text).toBeGreaterThanOrEqual(0.95);
      expect(r.urgency, text).toBe("low");
      expect(r.needsPerson, text).toBe(false);
    }
  });

  it("a short message with an explicit opt-out wins over the other topics it mentions", () => {
    for (const text of [
      "stop texting me, is this a scam?",
      "unsubscribe, my refund never came",
      "Arrêtez de m'envoyer des messages, trop cher",
      "No me manden más ofertas",
      "Keine Werbung mehr, zu teuer",
      "لا ترسلوا لي رسائل عن التخفيضات",
    ]) {
      expect(classifyReplyTopic(text).topic, text).toBe("opt_out");
    }
  });

  it("keeps every opt-out the old detector (app/lib/replies.ts isOptOut) recognises", () => {
    for (const text of [
      "STOP",
      "stop",
      "Stop.",
      "UNSUBSCRIBE",
      "baja",
      "Dar de baja",
      "arrêt",
      "stop sending me these",
      "Abmelden",
      "stopall",
      "stop all",
      "unsub",
      "cancel",
      "end",
      "quit",
      "opt out",
      "opt-out",
      "remove me",
      "alto",
      "parar",
      "no más",
      "cancelar",
      "désabonner",
      "désinscrire",
      "austragen",
      "sair",
      "parar de receber",
      "cancella",
      "disiscriviti",
      "afmelden",
    ]) {
      expect(isOptOut(text), text).toBe(true);
      expect(classifyReplyTopic(text).topic, text).toBe("opt_out");
    }
  });

  it("whatever isOptOut accepts is opt_out here too (property)", () => {
    const words = [
      "stop",
      "STOP",
      "baja",
      "arret",
      "unsubscribe",
      "please",
      "the",
      "sale",
      "when",
      "code",
      "cancel",
      "my",
      "order",
      "end",
      "no",
      "mas",
      "!",
      "?",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 8 }), fc.constantFrom("en", "fr", "es", "de", "ar", null), (parts, locale) => {
        const text = parts.join(" ");
        if (isOptOut(text)) expect(classifyReplyTopic(text, { locale }).topic).toBe("opt_out");
      }),
      { numRuns: 400 },
    );
    for (const f of fixtures) if (isOptOut(f.text)) expect(classifyReplyTopic(f.text, { locale: f.locale }).topic, f.text).toBe("opt_out");
  });

  it('"stop" inside a sentence is not an opt-out', () => {
    const cases: Array<[string, string, ReplyTopic]> = [
      ["when will the sale stop?", "en", "price"],
      ["I can't stop thinking about that shirt, is it still available?", "en", "stock"],
      ["Quand est-ce que la promo s'arrête ?", "fr", "price"],
      ["Wann hört der Sale auf?", "de", "price"],
      ["متى توقف التخفيضات؟", "ar", "price"],
      ["¿Cuándo termina la oferta? no quiero que se acabe", "es", "price"],
    ];
    for (const [text, locale, topic] of cases) {
      const r = classifyReplyTopic(text, { locale });
      expect(r.topic, text).toBe(topic);
      expect(isOptOut(text), text).toBe(false);
    }
  });
});

describe("negations", () => {
  it('"not interested" is not interested; being interested is not', () => {
    const cases: Array<[string, string, ReplyTopic]> = [
      ["not interested", "en", "not_interested"],
      ["I'm interested but it's too expensive", "en", "price"],
      ["pas intéressé", "fr", "not_interested"],
      ["ça m'intéresse mais c'est trop cher", "fr", "price"],
      ["no me interesa", "es", "not_interested"],
      ["me interesa, pero ¿hacen envíos a Chile?", "es", "shipping"],
      ["kein Interesse", "de", "not_interested"],
      ["Interesse schon, aber zu teuer", "de", "price"],
      ["غير مهتم", "ar", "not_interested"],
      ["مهتم بس السعر غالي", "ar", "price"],
    ];
    for (const [text, locale, topic] of cases) expect(classifyReplyTopic(text, { locale }).topic, text).toBe(topic);
  });

  it('"the price is fine" does not make a shipping question a price one', () => {
    expect(classifyReplyTopic("I don't have a problem with the price, when would it ship?", { locale: "en" }).topic).toBe("shipping");
    expect(classifyReplyTopic("Le prix n'est pas le problème, c'est la livraison", { locale: "fr" }).topic).toBe("shipping");
    expect(classifyReplyTopic("El precio no es problema, ¿cuándo llega?", { locale: "es" }).topic).toBe("shipping");
    expect(classifyReplyTopic("Der Preis ist okay, aber wie lange dauert der Versand?", { locale: "de" }).topic).toBe("shipping");
    expect(classifyReplyTopic("سعر المنتج حلو بس كم سعر الشحن؟", { locale: "ar" }).topic).toBe("shipping");
  });

  it("a code that does not work is discount_not_working; asking for a code is price", () => {
    expect(classifyReplyTopic("the code WELCOME10 doesn't work", { locale: "en" }).topic).toBe("discount_not_working");
    expect(classifyReplyTopic("do you have any discount codes?", { locale: "en" }).topic).toBe("price");
    expect(classifyReplyTopic("el cupón no funciona", { locale: "es" }).topic).toBe("discount_not_working");
    expect(classifyReplyTopic("¿tienen algún cupón?", { locale: "es" }).topic).toBe("price");
  });
});

describe("urgency and who must look", () => {
  it("payment, fraud and refund topics always go to a person, however sure", () => {
    for (const [text, locale] of [
      ["my card was declined twice, payment failed", "en"],
      ["C'est une arnaque ? Comment avez-vous eu mon numéro ?", "fr"],
      ["Quiero un reembolso, quiero devolver el pedido", "es"],
    ] as const) {
      const r = classifyReplyTopic(text, { locale });
      expect(PERSON_TOPICS).toContain(r.topic);
      expect(r.confidence, text).toBeGreaterThanOrEqual(0.6);
      expect(r.needsPerson, text).toBe(true);
    }
  });

  it("a confident answerable reply does not; a low-confidence one does", () => {
    const sure = classifyReplyTopic("How long does delivery take? Do you ship to Ireland?", { locale: "en" });
    expect(sure.topic).toBe("shipping");
    expect(sure.confidence).toBeGreaterThanOrEqual(0.6);
    expect(sure.needsPerson).toBe(false);
    const unsure = classifyReplyTopic("the colour is nice", { locale: "en" });
    expect(unsure.confidence).toBeLessThan(0.6);
    expect(unsure.needsPerson).toBe(true);
  });

  it("needsPerson is exactly: confidence < 0.6 or a person topic (over the labelled set)", () => {
    for (const f of fixtures) {
      const r = classifyReplyTopic(f.text, { locale: f.locale });
      expect(r.needsPerson, f.text).toBe(r.confidence < 0.6 || PERSON_TOPICS.includes(r.topic));
    }
  });

  it("urgency: high for payment and fraud and urgency words, low for opt-out and not interested", () => {
    expect(classifyReplyTopic("my card was declined", { locale: "en" }).urgency).toBe("high");
    expect(classifyReplyTopic("is this a scam?", { locale: "en" }).urgency).toBe("high");
    expect(classifyReplyTopic("How long does shipping take?", { locale: "en" }).urgency).toBe("normal");
    expect(classifyReplyTopic("need to know shipping time asap", { locale: "en" }).urgency).toBe("high");
    expect(classifyReplyTopic("il me faut la livraison maintenant, c'est urgent", { locale: "fr" }).urgency).toBe("high");
    expect(classifyReplyTopic("¿Cuánto tarda el envío? es urgente", { locale: "es" }).urgency).toBe("high");
    expect(classifyReplyTopic("Wie lange dauert der Versand? Brauche es sofort", { locale: "de" }).urgency).toBe("high");
    expect(classifyReplyTopic("متى يوصل الطلب؟ عاجل", { locale: "ar" }).urgency).toBe("high");
    expect(classifyReplyTopic("STOP", { locale: "en" }).urgency).toBe("low");
    expect(classifyReplyTopic("not interested, I need it today anyway", { locale: "en" }).urgency).toBe("low");
  });
});

describe("the labelled set (tests/fixtures/reply-topics.json)", () => {
  it("every reply has text, a valid topic and language, and a locale that agrees with its language", () => {
    for (const f of fixtures) {
      expect(typeof f.text === "string" && f.text.trim().length > 0, JSON.stringify(f)).toBe(true);
      expect(REPLY_TOPICS as readonly string[], f.text).toContain(f.topic);
      expect(REPLY_LANGUAGES as readonly string[], f.text).toContain(f.language);
      expect(f.locale === null || typeof f.locale === "string", f.text).toBe(true);
      if (f.locale) expect(languageFromLocale(f.locale), f.text).toBe(f.language);
      expect(Object.keys(f).sort()).toEqual(["language", "locale", "text", "topic"]);
    }
  });

  it("has the required size and spread: >= 240 replies, >= 40 per language, >= 12 per topic, some without a locale", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(240);
    for (const lang of REPLY_LANGUAGES) expect(fixtures.filter((f) => f.language === lang).length, lang).toBeGreaterThanOrEqual(40);
    for (const topic of REPLY_TOPICS) expect(fixtures.filter((f) => f.topic === topic).length, topic).toBeGreaterThanOrEqual(12);
    for (const lang of REPLY_LANGUAGES) {
      for (const topic of REPLY_TOPICS)
        expect(fixtures.filter((f) => f.language === lang && f.topic === topic).length, `${lang} ${topic}`).toBeGreaterThanOrEqual(2);
      expect(fixtures.filter((f) => f.language === lang && f.locale === null).length, lang).toBeGreaterThanOrEqual(5);
    }
  });

  it("has no duplicate replies", () => {
    const keys = fixtures.map((f) => `${f.locale}|${f.text}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
