// `npm run demo` end to end, small: 8 shoppers (one of each part of the story), one tick per simulated hour, no
// serving. The printed summary is checked against the database the app wrote, and the stand-ins' view against both.
// Then the demo's admin relaxation is checked on the real server over that database: an ordinary browser request
// gets the demo shop's pages with DEMO_MODE=1, and nothing without it. Runs once (SQLite project only).
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../app/db.server";
import { DEMO_SHOP } from "../../demo/demo.server";
import { SENT_STATUSES } from "../../app/lib/attribution";

const root = path.resolve(__dirname, "../..");
const CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

function runDemo(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "demo/run.ts", ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; log: () => string }> {
  const port = await freePort();
  let log = "";
  const child = spawn(process.execPath, ["server.mjs"], {
    cwd: root,
    env: { ...process.env, DEMO_MODE: "", ...env, PORT: String(port), HOST: "127.0.0.1", SHOPIFY_APP_URL: `http://127.0.0.1:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
    try {
      await fetch(`${url}/`, { redirect: "manual" });
      return { url, child, log: () => log };
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`server did not start: ${log}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    child.once("exit", () => r());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 3000).unref();
  });
}

/** The value printed on the summary line that starts with `label`. */
function figure(out: string, label: string): string {
  const line = out.split("\n").find((l) => l.startsWith(`  ${label}  `) || l.startsWith(`  ${label} `));
  if (!line) throw new Error(`no "${label}" line in:\n${out}`);
  return line
    .slice(2 + label.length)
    .trim()
    .split(/\s{3,}/)[0]
    .trim();
}

/** The four numbers (email, push, whatsapp, total) of a "Messages by step" row. */
function tableRow(out: string, prefix: string): number[] {
  const line = out.split("\n").find((l) => l.startsWith(`  ${prefix}`));
  if (!line) throw new Error(`no "${prefix}" row in:\n${out}`);
  return line.trim().split(/\s+/).slice(-4).map(Number);
}

const usd = (minor: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(minor / 100);

describe.runIf(process.env.CR_TEST_DB !== "postgres")("npm run demo (8 shoppers, end to end)", () => {
  let dir: string;
  let out: string;
  let db: Db;
  const sent = { in: [...SENT_STATUSES] };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cr-demo-test-"));
    const r = await runDemo(["--shoppers", "8", "--speed", "1", "--no-serve", "--quiet", "--dir", dir], 150_000);
    out = r.stdout;
    if (r.code !== 0) throw new Error(`demo exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    const handle = createDb(`file:${path.join(dir, "demo.sqlite")}`);
    await handle.ready;
    db = handle.db;
  }, 180_000);

  afterAll(async () => {
    await db?.$disconnect();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports no problems and every figure of the summary", () => {
    expect(out).toContain("Problems: 0");
    for (const label of ["Checkouts created", "Abandoned", "Messages sent", "Recovered", "Recovered revenue", "Recovery rate", "Handoffs to a person"])
      expect(() => figure(out, label)).not.toThrow();
  });

  it("prints checkouts, abandoned, recovered, revenue, rate and handoffs as the database has them", async () => {
    const shop = DEMO_SHOP;
    const checkouts = await db.checkout.count({ where: { shop } });
    // Entered the cadence: not paid before the abandonment moment (as the Overview counts).
    const withMoment = await db.checkout.findMany({ where: { shop, abandonedAt: { not: null }, isTest: false } });
    const abandoned = withMoment.filter((c) => !(c.completedAt && c.completedAt <= c.abandonedAt!)).length;
    const recovered = await db.checkout.findMany({ where: { shop, status: "recovered" }, select: { recoveredRevenueMinor: true } });
    const revenue = recovered.reduce((s, c) => s + Number(c.recoveredRevenueMinor ?? 0), 0);
    const handoffs = await db.checkout.count({ where: { shop, handoff: true } });
    expect(checkouts).toBe(8);
    expect(Number(figure(out, "Checkouts created"))).toBe(checkouts);
    expect(Number(figure(out, "Abandoned"))).toBe(abandoned);
    expect(Number(figure(out, "Recovered"))).toBe(recovered.length);
    expect(figure(out, "Recovered revenue")).toBe(usd(revenue));
    expect(figure(out, "Recovery rate")).toBe(`${((recovered.length / abandoned) * 100).toFixed(1)} %`);
    expect(Number(figure(out, "Handoffs to a person"))).toBe(handoffs);
    // The story is not empty: something was recovered, and the order matched to a message it followed.
    expect(recovered.length).toBeGreaterThan(0);
    expect(revenue).toBeGreaterThan(0);
    const attributed = await db.order.count({ where: { shop, recovered: true, attributedChannel: { not: null } } });
    expect(attributed).toBe(recovered.length);
  });

  it("prints messages by step and channel as the database has them", async () => {
    const rows = await db.message.groupBy({
      by: ["stepId", "channel"],
      where: { shop: DEMO_SHOP, status: sent, channel: { in: ["email", "push", "whatsapp"] } },
      _count: { _all: true },
    });
    const count = (channel: string, stepId?: string) =>
      rows.filter((r) => r.channel === channel && (!stepId || r.stepId === stepId)).reduce((s, r) => s + r._count._all, 0);
    const all = tableRow(out, "All steps");
    expect(all).toEqual([count("email"), count("push"), count("whatsapp"), count("email") + count("push") + count("whatsapp")]);
    expect(Number(figure(out, "Messages sent"))).toBe(all[3]);
    for (const stepId of ["s1", "s2", "s3", "s4", "s5"]) {
      expect(tableRow(out, `${stepId} `), stepId).toEqual([
        count("email", stepId),
        count("push", stepId),
        count("whatsapp", stepId),
        count("email", stepId) + count("push", stepId) + count("whatsapp", stepId),
      ]);
    }
    expect(count("email")).toBeGreaterThan(0);
    expect(count("whatsapp")).toBeGreaterThan(0);
  });

  it("sent real messages to the stand-ins, followed tracked links, and took replies", async () => {
    const emails = await db.message.count({ where: { shop: DEMO_SHOP, channel: "email", status: sent } });
    const staff = await db.message.count({ where: { shop: DEMO_SHOP, channel: "staff_alert", status: sent } });
    const whatsapp = await db.message.count({ where: { shop: DEMO_SHOP, channel: "whatsapp", status: sent } });
    const seen =
      /Seen by the stand-ins: (\d+) emails, (\d+) pushes decrypted, (\d+) WhatsApp messages, (\d+) staff alerts; (\d+) tracked links followed; (\d+) push subscriptions/.exec(
        out,
      );
    expect(seen, out).not.toBeNull();
    expect(Number(seen![1])).toBe(emails);
    expect(Number(seen![3])).toBe(whatsapp);
    expect(Number(seen![4])).toBe(staff);
    expect(Number(seen![5])).toBeGreaterThan(0);
    expect(await db.message.count({ where: { shop: DEMO_SHOP, clickedAt: { not: null } } })).toBeGreaterThan(0);
    expect(Number(seen![6])).toBe(await db.pushSubscription.count({ where: { shop: DEMO_SHOP } }));
    const replies = await db.conversationEntry.count({ where: { shop: DEMO_SHOP, direction: "inbound" } });
    expect(Number(figure(out, "Replies received"))).toBe(replies);
    expect(replies).toBeGreaterThan(0);
  });

  it("serves the demo shop's admin pages to a plain browser only with DEMO_MODE=1", async () => {
    const env = {
      NODE_ENV: "development" as const,
      DATABASE_URL: `file:${path.join(dir, "demo.sqlite")}`,
      SHOPIFY_API_KEY: "demo-test-key",
      SHOPIFY_API_SECRET: crypto.randomBytes(16).toString("hex"),
      APP_ENCRYPTION_KEY: crypto.randomBytes(32).toString("hex"),
      LOG_LEVEL: "error",
    };
    const on = await startServer({ ...env, DEMO_MODE: "1" });
    try {
      const first = await fetch(`${on.url}/app/pipeline`, { redirect: "manual", headers: { "User-Agent": CHROME_UA } });
      expect(first.status).toBe(302);
      const loc = new URL(first.headers.get("location")!, on.url);
      expect(loc.searchParams.get("shop")).toBe(DEMO_SHOP);
      expect(loc.searchParams.get("id_token")).toBeTruthy();
      const page = await fetch(loc, { redirect: "manual", headers: { "User-Agent": CHROME_UA } });
      expect(page.status, on.log()).toBe(200);
      expect(await page.text()).toContain("<html");
    } finally {
      await stop(on.child);
    }
    const off = await startServer(env);
    try {
      const res = await fetch(`${off.url}/app/pipeline`, { redirect: "manual", headers: { "User-Agent": CHROME_UA } });
      expect(res.status).not.toBe(200);
      expect(res.headers.get("location") ?? "").not.toContain("id_token");
    } finally {
      await stop(off.child);
    }
  }, 60_000);
});
