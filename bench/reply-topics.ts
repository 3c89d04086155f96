// Reply-topic classifier accuracy on the labelled set (`npx tsx bench/reply-topics.ts`; not part of `npm test`).
//
// Classifies every reply in tests/fixtures/reply-topics.json with app/lib/reply-topics.ts and prints the accuracy
// overall, per language and per topic, the misses (text, expected, got, confidence), language detection on the
// replies that have no locale, whether the target is met (>= 90% overall, >= 85% in every language) and the
// throughput. Options: --rounds N (throughput rounds over the whole set, default 50), --json (figures as JSON).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { classifyReplyTopic, detectReplyLanguage, REPLY_LANGUAGES, REPLY_TOPICS } from "../app/lib/reply-topics";

interface Fixture {
  text: string;
  locale: string | null;
  language: string;
  topic: string;
}

const TARGET_OVERALL = 0.9;
const TARGET_PER_LANGUAGE = 0.85;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = JSON.parse(fs.readFileSync(path.join(root, "tests/fixtures/reply-topics.json"), "utf8")) as Fixture[];
const args = process.argv.slice(2);
const roundsArg = args.indexOf("--rounds");
const rounds = roundsArg >= 0 ? Math.max(1, Number(args[roundsArg + 1]) || 1) : 50;
const asJson = args.includes("--json");

const pct = (n: number, d: number) => (d === 0 ? "  n/a " : `${((100 * n) / d).toFixed(1).padStart(5)}%`);
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

const results = fixtures.map((f) => ({ f, r: classifyReplyTopic(f.text, { locale: f.locale }) }));
const ok = results.filter(({ f, r }) => r.topic === f.topic).length;

const group = (key: (f: Fixture) => string, keys: readonly string[]) =>
  keys.map((k) => {
    const rows = results.filter(({ f }) => key(f) === k);
    return { key: k, n: rows.length, ok: rows.filter(({ f, r }) => r.topic === f.topic).length };
  });
const perLanguage = group((f) => f.language, REPLY_LANGUAGES);
const perTopic = group((f) => f.topic, REPLY_TOPICS);
const misses = results.filter(({ f, r }) => r.topic !== f.topic);

// Precision per topic too: a topic that swallows others shows up here, not in recall.
const predicted = REPLY_TOPICS.map((t) => {
  const rows = results.filter(({ r }) => r.topic === t);
  return { key: t, n: rows.length, ok: rows.filter(({ f }) => f.topic === t).length };
});

const noLocale = fixtures.filter((f) => !f.locale);
const detectionMisses = noLocale.map((f) => ({ f, got: detectReplyLanguage(f.text) })).filter(({ f, got }) => got !== f.language);
const detectedOk = noLocale.length - detectionMisses.length;
const personRate = results.filter(({ r }) => r.needsPerson).length / results.length;

// Throughput: the whole set, `rounds` times, after a warm-up round.
for (const f of fixtures) classifyReplyTopic(f.text, { locale: f.locale });
const t0 = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) for (const f of fixtures) classifyReplyTopic(f.text, { locale: f.locale });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const perSecond = (rounds * fixtures.length) / seconds;

const overall = ok / fixtures.length;
const worstLanguage = Math.min(...perLanguage.map((g) => (g.n ? g.ok / g.n : 1)));
const met = overall >= TARGET_OVERALL && worstLanguage >= TARGET_PER_LANGUAGE;

if (asJson) {
  console.log(
    JSON.stringify(
      {
        n: fixtures.length,
        overall,
        perLanguage,
        perTopic,
        predicted,
        misses: misses.map(({ f, r }) => ({ text: f.text, language: f.language, expected: f.topic, got: r.topic, confidence: r.confidence })),
        languageDetection: { n: noLocale.length, ok: detectedOk },
        needsPersonRate: personRate,
        perSecond,
        met,
      },
      null,
      2,
    ),
  );
} else {
  console.log(`Reply topics: ${fixtures.length} labelled replies (tests/fixtures/reply-topics.json)\n`);
  console.log(`Overall accuracy   ${pct(ok, fixtures.length)}  (${ok}/${fixtures.length})\n`);
  console.log("Per language");
  for (const g of perLanguage) console.log(`  ${g.key.padEnd(22)} ${pct(g.ok, g.n)}  (${g.ok}/${g.n})`);
  console.log("\nPer topic            recall               precision");
  for (const g of perTopic) {
    const p = predicted.find((x) => x.key === g.key)!;
    console.log(`  ${g.key.padEnd(22)} ${pct(g.ok, g.n)}  (${`${g.ok}/${g.n}`.padEnd(6)})   ${pct(p.ok, p.n)}  (${p.ok}/${p.n})`);
  }
  console.log(`\nMisses (${misses.length})`);
  for (const { f, r } of misses) {
    console.log(`  [${f.language}] ${JSON.stringify(oneLine(f.text))}\n       expected ${f.topic}, got ${r.topic} (confidence ${r.confidence.toFixed(2)})`);
  }
  console.log(`\nLanguage detected from the text (replies without a locale): ${pct(detectedOk, noLocale.length)}  (${detectedOk}/${noLocale.length})`);
  for (const { f, got } of detectionMisses) console.log(`  ${JSON.stringify(oneLine(f.text))}: ${f.language}, detected ${got}`);
  console.log(`Sent to a person: ${(100 * personRate).toFixed(1)}% of the set`);
  console.log(
    `\nTarget: >= ${100 * TARGET_OVERALL}% overall and >= ${100 * TARGET_PER_LANGUAGE}% per language -> ${met ? "MET" : "NOT MET"} ` +
      `(overall ${(100 * overall).toFixed(1)}%, worst language ${(100 * worstLanguage).toFixed(1)}%)`,
  );
  console.log(`Throughput: ${Math.round(perSecond).toLocaleString("en-US")} replies/s (${rounds} rounds of ${fixtures.length}, ${seconds.toFixed(2)} s)`);
}
