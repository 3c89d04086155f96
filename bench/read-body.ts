// What the removed rawBodies global bought (issue 16): server.mjs used to hand a webhook's body bytes to the route
// through a WeakMap on globalThis keyed by the Request's body stream, so that readBodyLimited skipped reading the
// stream. This prints the CPU time per request of both ways, through the Request Remix rebuilds for an action, for
// a ~1.5 KB checkout body (bench:ingest's size), in alternating rounds. Not part of `npm test`.
// Options: --n 20000 (requests per round), --rounds 8.
import { readBodyLimited } from "../app/lib/read-body.server";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg("n", 20_000);
const ROUNDS = arg("rounds", 8);
const body = Buffer.from(JSON.stringify({ token: "t", pad: "x".repeat(1500) }));
const registry = new WeakMap<object, Buffer>();

/** What @remix-run/server-runtime does before calling an action. */
const rebuilt = (r: Request) => new Request(r.url, { method: r.method, body: r.body, headers: r.headers, signal: r.signal, duplex: "half" } as RequestInit);

const ways = {
  "stream (today)": async () => {
    const r = new Request("http://app.test/webhooks/checkouts/create", { method: "POST", body, headers: { "content-length": String(body.length) } });
    return readBodyLimited(rebuilt(r), 512 * 1024);
  },
  "global registry (removed)": async () => {
    const r = new Request("http://app.test/webhooks/checkouts/create", { method: "POST", body, headers: { "content-length": String(body.length) } });
    if (r.body) registry.set(r.body, body);
    const again = rebuilt(r);
    return registry.get(again.body!)!.toString("utf8");
  },
};

const times: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, way] of Object.entries(ways)) {
    const before = process.cpuUsage();
    for (let i = 0; i < N; i++) await way();
    const used = process.cpuUsage(before);
    if (round > 0) times[name].push((used.user + used.system) / N); // round 0 warms up
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(times))
  console.log(`${name.padEnd(26)} median ${median(xs).toFixed(2)} us of CPU per request (rounds: ${xs.map((x) => x.toFixed(1)).join(" ")})`);
const [today, removed] = Object.values(times).map(median);
console.log(
  `the global saved ${(today - removed).toFixed(2)} us per request (${(today / removed).toFixed(2)}x of new Request + rebuild + read); a webhook costs 550-700 us of server CPU`,
);
