// `npm run demo`: the whole product on this machine with no Shopify account. Builds if needed, makes a fresh SQLite
// database, starts the local stand-ins and the production server (DEMO_MODE=1, loopback only), creates a demo shop,
// plays a seeded story of shoppers through the real routes with the clock advanced by real cron ticks, prints a
// summary read from the database, and keeps serving the merchant pages until Ctrl-C (or exits with --no-serve).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import webpush from "web-push";
import { DEMO_SHOP, demoServerEnv } from "./demo.server";
import { Inbox, startInboxViewer } from "./inbox";
import { OptionsError, parseOptions, USAGE, type DemoOptions } from "./options";
import { build, buildStaleReason, cleanup, freePort, freshDatabase, onCleanup, startServer } from "./processes";
import { createDemoShop, DEMO_WHATSAPP_DISPLAY_PHONE, STAFF_EMAIL } from "./shop";
import { replyChannels } from "./replies";
import { simulate } from "./simulate";
import { startStandins, whatsappSeen } from "./standins";
import { createStory } from "./story";
import { formatSummary, readSummary } from "./summary";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let serving = false;
let stopping = false;
const out = (line = "") => process.stdout.write(`${line}\n`);

export const ADMIN_PAGES = [
  { label: "Overview", path: "/app" },
  { label: "Pipeline", path: "/app/pipeline" },
  { label: "Logs", path: "/app/logs" },
  { label: "Incentives", path: "/app/incentives" },
  { label: "Settings", path: "/app/settings" },
];

/** Midnight UTC three days ago, plus 14:00 (09:00 in the shop's New York time): a fixed time of day for every run. */
export function storyStart(now = new Date()): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return new Date(d.getTime() - 3 * 86_400_000 + 14 * 3_600_000);
}

async function run(opts: DemoOptions): Promise<number> {
  const started = Date.now();
  const say = opts.quiet ? () => {} : out;
  const dir = path.resolve(root, opts.dir ?? ".demo");
  fs.mkdirSync(dir, { recursive: true });
  out(`Checkout Recovery demo: ${opts.shoppers} shoppers, seed "${opts.seed}", ${opts.speed} ticks per simulated hour`);

  const stale = opts.forceBuild ? "--build given" : buildStaleReason(root);
  if (stale) {
    say(`- building the app (${stale}) ...`);
    build(root, path.join(dir, "build.log"));
  }
  const databaseUrl = freshDatabase(root, path.join(dir, "demo.sqlite"));
  say(`- fresh database ${path.relative(root, dir)}/demo.sqlite (SQLite, migrations applied)`);

  const apiKey = "demo-app-api-key";
  const apiSecret = crypto.randomBytes(24).toString("hex");
  const cronSecret = crypto.randomBytes(24).toString("hex");
  const encryptionKey = crypto.randomBytes(32).toString("hex");
  const adminToken = `shpat_demo_${crypto.randomBytes(8).toString("hex")}`;
  const vapid = webpush.generateVAPIDKeys();

  const whatsappAppSecret = crypto.randomBytes(16).toString("hex");
  const inboundEmail = { domain: "reply.demo-outfitters.example", token: crypto.randomBytes(16).toString("hex") };
  const standins = await startStandins(dir, { adminToken, whatsappAppSecret });
  say(
    `- stand-ins on loopback: SendGrid ${standins.sendgrid.url}, push receiver ${standins.push.origin}, WhatsApp ${standins.whatsapp.url}, Admin GraphQL ${standins.admin.baseUrl.replace("/{shop}", "")}`,
  );

  // The shop, as an install leaves it (the server is not running yet, so nothing races these writes).
  process.env.DATABASE_URL = databaseUrl;
  const { createDb } = await import("../app/db.server");
  const { db, ready } = createDb(databaseUrl);
  await ready;
  onCleanup("database client", () => db.$disconnect());
  const settings = await createDemoShop(db, { shop: DEMO_SHOP, accessToken: adminToken });

  const port = opts.port ?? (await freePort());
  const env = demoServerEnv({ port, databaseUrl, apiKey, apiSecret, cronSecret, encryptionKey, vapid, standins: standins.urls, inboundEmail });
  const server = await startServer(root, env, path.join(dir, "server.log"));
  say(`- app server ${server.url} (server.mjs, NODE_ENV=development, DEMO_MODE=1; log in ${path.relative(root, server.logFile)})`);

  const pushOwners = new Map<string, string>();
  const inbox = new Inbox({
    sendgrid: standins.sendgrid,
    push: standins.push,
    pushOwners,
    whatsapp: { messages: () => whatsappSeen(standins.whatsapp) },
    staffEmail: STAFF_EMAIL,
  });
  const viewer = await startInboxViewer(inbox, { adminUrl: server.url, pages: ADMIN_PAGES });
  onCleanup("inbox page", () => viewer.close());

  const problems: string[] = [];
  const replies = replyChannels({
    appUrl: server.url,
    whatsappAppSecret,
    phoneNumberId: settings.whatsapp.phoneNumberId ?? "",
    businessPhone: DEMO_WHATSAPP_DISPLAY_PHONE,
    inboundToken: inboundEmail.token,
    problem: (p) => {
      problems.push(p);
      say(`  ! ${p}`);
    },
  });
  const story = createStory(opts.shoppers, opts.seed);
  const start = storyStart();
  say(`- simulating from ${start.toISOString().slice(0, 16).replace("T", " ")} UTC through the 48-hour cadence (${Math.ceil(50 * opts.speed)} ticks or so)`);
  const totals = await simulate({
    appUrl: server.url,
    shop: DEMO_SHOP,
    apiSecret,
    cronSecret,
    story,
    start,
    speed: opts.speed,
    inbox,
    subscribePush: (s) => {
      const sub = standins.push.subscribe();
      pushOwners.set(sub.id, s.email);
      return { endpoint: sub.endpoint, keys: sub.keys };
    },
    replies,
    progress: say,
  });

  const summary = await readSummary(db, DEMO_SHOP, settings.cadence.steps);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  out("");
  out(
    `Summary (read from the app's database; simulated ${start.toISOString().slice(0, 16).replace("T", " ")} to ${totals.end.toISOString().slice(0, 16).replace("T", " ")} UTC, ${totals.ticks} cron ticks, ${secs} s in all, ${(totals.tickWallMs / 1000).toFixed(1)} s waiting on ticks)`,
  );
  out(formatSummary(summary));
  out("");
  out(
    `  Seen by the stand-ins: ${inbox.countBy("email")} emails, ${inbox.countBy("push")} pushes decrypted, ${inbox.countBy("whatsapp")} WhatsApp messages, ${inbox.countBy("staff")} staff alerts; ${totals.clicks} tracked links followed; ${totals.pushSubscriptions} push subscriptions through the app proxy`,
  );
  out(`  Admin API stand-in: ${standins.admin.calls.length} GraphQL calls, ${standins.admin.discounts.size} discount codes created`);
  for (const p of standins.admin.problems) problems.push(`Admin GraphQL stand-in refused a request: ${p}`);
  if (totals.replies.skipped) out(`  ${totals.replies.skipped} planned replies were not sent: no reply route or stand-in for them in this checkout`);
  problems.push(...totals.problems);
  out(`  Problems: ${problems.length}${problems.length ? ` (first: ${problems[0]})` : ""}`);
  out("");

  if (!opts.serve) return problems.length ? 1 : 0;
  out(`Merchant admin (demo shop ${DEMO_SHOP}), open in a browser on this machine:`);
  for (const p of ADMIN_PAGES) out(`  ${p.label.padEnd(11)} ${server.url}${p.path}`);
  out(`Demo inbox (emails, pushes, WhatsApp):  ${viewer.url}`);
  out("Serving until Ctrl-C.");
  serving = true;
  await new Promise<void>((resolve) => {
    server.child.once("exit", (code) => {
      if (!stopping) out(`the app server stopped on its own (exit ${code}); see ${server.logFile}`);
      resolve();
    });
    // Ctrl-C is handled in main(): it stops everything and exits 0 once serving.
  });
  return 0;
}

async function main() {
  let opts: DemoOptions;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (e instanceof OptionsError) {
      process.stderr.write(`demo: ${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw e;
  }
  if (opts.help) {
    out(USAGE);
    return;
  }
  const stop = async (code: number) => {
    stopping = true;
    await cleanup();
    process.exit(code);
  };
  // Ctrl-C while the demo is still setting up or simulating: stop every child and server, then leave.
  const early = () => void stop(serving ? 0 : 130);
  process.once("SIGINT", early);
  process.once("SIGTERM", early);
  try {
    const code = await run(opts);
    await stop(code);
  } catch (e) {
    // After Ctrl-C the servers are going away under the simulation: that is not a failure worth a stack trace.
    if (stopping) return;
    process.stderr.write(`\ndemo failed: ${(e as Error).stack ?? String(e)}\n`);
    await stop(1);
  }
}

await main();
