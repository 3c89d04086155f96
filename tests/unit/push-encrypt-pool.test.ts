// The push encryption worker pool (push-encrypt-pool.server.ts): bodies made on worker threads decrypt with each
// subscription's own keys (http_ece), reach the right caller, never repeat an ephemeral key or a salt; a per-job error
// rejects that job alone; a worker that dies with jobs pending costs no job and settles none twice; 0 workers is the
// inline path; the pool never keeps a process alive when idle, and does while a job is pending. The workers run
// push-encrypt-worker.mjs, which imports the very module the RFC 8291 Appendix A vector is checked against
// (push-encryption-web-push.mjs, web-push's own encryption; push-encryption.test.ts); it is found next to the pool's
// module (sources) or in ../app/channels/ from a server bundle at build/index.js (checked here on an esbuild bundle
// made the way `remix build` makes one), and a pool that cannot find or load it encrypts inline.
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import url from "node:url";
import type { Worker } from "node:worker_threads";
import { build } from "esbuild";
import ece from "http_ece";
import { afterEach, describe, expect, it } from "vitest";
import {
  createPushEncryptPool,
  pushEncryptWorkerFile,
  pushEncryptWorkers,
  type PushEncryptPool,
  type PushEncryptPoolOptions,
} from "../../app/channels/push-encrypt-pool.server";
import { AES128GCM_HEADER_BYTES, preparePushKeys, type PreparedPushKeys } from "../../app/channels/push-encryption.server";

interface Browser {
  ecdh: crypto.ECDH;
  auth: Buffer;
  keys: PreparedPushKeys;
}

/** A browser's side of a subscription, auth secrets of different lengths (16 is what browsers use). */
function browser(authLength = 16): Browser {
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = crypto.randomBytes(authLength);
  return { ecdh, auth, keys: preparePushKeys(ecdh.getPublicKey().toString("base64url"), auth.toString("base64url")) };
}

function decrypt(body: Buffer, b: Browser): string {
  return ece.decrypt(body, { version: "aes128gcm", privateKey: b.ecdh, authSecret: b.auth.toString("base64url") }).toString("utf8");
}

function text(i: number): string {
  return JSON.stringify({ title: `Message ${i}`, body: `Ünïcödé ✓ 🛒 ${"x".repeat(i % 300)}`, i });
}

const warnings: string[] = [];
const logger = { warn: (_obj: object, msg: string) => void warnings.push(msg) };
let pools: PushEncryptPool[] = [];
function pool(workers: number, options: Omit<PushEncryptPoolOptions, "workers" | "logger"> = {}): PushEncryptPool {
  const p = createPushEncryptPool({ workers, logger, ...options });
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.map((p) => p.close()));
  pools = [];
  warnings.length = 0;
});

describe("push encryption on worker threads", () => {
  it.each([1, 2])("%i worker(s): many concurrent jobs with different keys and plaintexts all decrypt, each for its own caller", async (workers) => {
    const p = pool(workers);
    const browsers = Array.from({ length: 24 }, (_, i) => browser(16 + (i % 3) * 8));
    const n = 600;
    // Three bursts (three flushes), the second and third while the first is in flight.
    const jobs: Array<Promise<{ i: number; body: Buffer }>> = [];
    for (let burst = 0; burst < 3; burst++) {
      for (let i = burst * (n / 3); i < (burst + 1) * (n / 3); i++)
        jobs.push(p.encrypt(text(i), browsers[i % browsers.length].keys).then((body) => ({ i, body })));
      await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.all(jobs);
    expect(p.workers).toBe(workers);
    expect(p.threads).toHaveLength(workers);
    expect(p.stats).toEqual({ worker: n, inline: 0 });
    for (const { i, body } of results) {
      expect(body.length).toBe(AES128GCM_HEADER_BYTES + Buffer.byteLength(text(i)) + 1 + 16);
      expect(body.readUInt32BE(16)).toBe(4096);
      expect(body[20]).toBe(65);
      expect(decrypt(body, browsers[i % browsers.length])).toBe(text(i));
      // A wrong caller would not decrypt it: the body is bound to its subscription's keys.
      expect(() => decrypt(body, browsers[(i + 1) % browsers.length])).toThrow();
    }
    expect(warnings).toEqual([]);
  });

  it("no ephemeral public key and no salt repeats across 2,000 messages from two workers", async () => {
    const p = pool(2);
    const b = browser();
    await p.encrypt("warm-up", b.keys); // starts the workers
    // Count the batches each worker is sent: they take turns.
    const batches = p.threads.map((w) => {
      const counter = { n: 0 };
      const post = w.postMessage.bind(w);
      w.postMessage = (...args: Parameters<Worker["postMessage"]>) => {
        counter.n += 1;
        post(...args);
      };
      return counter;
    });
    const n = 2000;
    const bodies = await Promise.all(Array.from({ length: n }, () => p.encrypt("same plaintext", b.keys)));
    expect(p.stats.worker).toBe(n + 1);
    expect(batches.map((c) => c.n).sort()).toEqual([62, 63]); // 2,000 jobs in one turn: 125 batches of at most 16
    const keyIds = new Set(bodies.map((body) => body.subarray(21, 86).toString("hex")));
    const salts = new Set(bodies.map((body) => body.subarray(0, 16).toString("hex")));
    expect(keyIds.size).toBe(n);
    expect(salts.size).toBe(n);
    expect(keyIds.has(b.keys.uaPublic.toString("hex"))).toBe(false);
    for (const body of bodies.slice(0, 50)) expect(decrypt(body, b)).toBe("same plaintext");
  });

  it("a payload too large rejects that job only; the others in the same batch are encrypted", async () => {
    const p = pool(1);
    const b = browser();
    const jobs = Array.from({ length: 9 }, (_, i) => p.encrypt(i === 4 ? "x".repeat(4080) : text(i), b.keys));
    const settled = await Promise.allSettled(jobs);
    expect(p.stats).toEqual({ worker: 9, inline: 0 }); // one batch, answered by the worker
    settled.forEach((s, i) => {
      if (i === 4) expect(s).toMatchObject({ status: "rejected", reason: expect.objectContaining({ message: expect.stringMatching(/one record/) }) });
      else expect(s.status === "fulfilled" && decrypt(s.value, b)).toBe(text(i));
    });
    expect(warnings).toEqual([]);
    expect(p.workers).toBe(1);
  });

  it.each([
    // Terminated while it works through its batches (after the first answer).
    ["terminated mid-flight", true, (w: Worker) => void w.terminate()],
    // A message the batch loop cannot read, sent before the jobs are flushed (so the worker takes it before any of
    // its batches): an uncaught exception in the worker ('error', then 'exit').
    ["crashed", false, (w: Worker) => w.postMessage({ id: -1, count: 1, input: new ArrayBuffer(3) })],
  ])(
    "a worker %s with jobs pending: every job still settles once with a valid body, on the main thread",
    async (_how, midFlight, kill) => {
      const p = pool(2);
      const browsers = Array.from({ length: 8 }, () => browser());
      await p.encrypt("warm-up", browsers[0].keys); // the workers are up
      const n = 3000;
      let settledCount = 0;
      const jobs = Array.from({ length: n }, (_, i) =>
        p.encrypt(text(i), browsers[i % 8].keys).then((body) => {
          settledCount += 1;
          return body;
        }),
      );
      if (midFlight) await jobs[0]; // answered; most batches are still pending
      kill(p.threads[0]);
      const bodies = await Promise.all(jobs);
      expect(settledCount).toBe(n);
      expect(p.stats.worker + p.stats.inline).toBe(n + 1); // each job settled exactly once, by one path
      expect(p.stats.inline).toBeGreaterThan(0);
      bodies.forEach((body, i) => expect(decrypt(body, browsers[i % 8])).toBe(text(i)));
      expect(warnings).toEqual(["push encryption worker failed: encrypting on the main thread from now on"]);
      expect(p.workers).toBe(0);
      expect(p.threads).toHaveLength(0);
      // From now on: inline.
      const inlineBefore = p.stats.inline;
      expect(decrypt(await p.encrypt("after", browsers[0].keys), browsers[0])).toBe("after");
      expect(p.stats.inline).toBe(inlineBefore + 1);
      expect(warnings).toHaveLength(1);
    },
    20_000,
  );

  it("close() finishes queued and pending jobs on the main thread", async () => {
    const p = pool(1);
    const b = browser();
    const first = await p.encrypt("warm", b.keys);
    expect(decrypt(first, b)).toBe("warm");
    const jobs = Array.from({ length: 500 }, (_, i) => p.encrypt(text(i), b.keys));
    await new Promise((r) => setImmediate(r)); // posted to the worker
    const late = p.encrypt("queued", b.keys); // still queued
    await p.close();
    const bodies = await Promise.all(jobs);
    bodies.forEach((body, i) => expect(decrypt(body, b)).toBe(text(i)));
    expect(decrypt(await late, b)).toBe("queued");
    expect(p.stats.worker + p.stats.inline).toBe(502);
    expect(p.workers).toBe(0);
    expect(warnings).toEqual([]);
  }, 20_000);

  it("0 workers encrypts inline: no thread, results right away", async () => {
    const p = pool(0);
    const b = browser();
    const bodies = await Promise.all(Array.from({ length: 50 }, (_, i) => p.encrypt(text(i), b.keys)));
    bodies.forEach((body, i) => expect(decrypt(body, b)).toBe(text(i)));
    expect(p.stats).toEqual({ worker: 0, inline: 50 });
    expect(p.threads).toHaveLength(0);
    await expect(p.encrypt("x".repeat(4080), b.keys)).rejects.toThrow(/one record/);
  });

  it("the worker path and the inline path both give bodies that decrypt", async () => {
    const b = browser();
    const onWorker = pool(1);
    const inline = pool(0);
    const texts = Array.from({ length: 40 }, (_, i) => text(i));
    const [a, c] = await Promise.all([Promise.all(texts.map((t) => onWorker.encrypt(t, b.keys))), Promise.all(texts.map((t) => inline.encrypt(t, b.keys)))]);
    expect(onWorker.stats).toEqual({ worker: 40, inline: 0 });
    expect(inline.stats).toEqual({ worker: 0, inline: 40 });
    for (const bodies of [a, c]) bodies.forEach((body, i) => expect(decrypt(body, b)).toBe(texts[i]));
    await expect(onWorker.encrypt("x".repeat(4080), b.keys)).rejects.toThrow(/one record/);
    expect(warnings).toEqual([]);
  });

  it("no worker file found: one warning, every job encrypted inline from the start", async () => {
    const p = pool(2, { workerFile: null });
    const b = browser();
    const bodies = await Promise.all(Array.from({ length: 20 }, (_, i) => p.encrypt(text(i), b.keys)));
    bodies.forEach((body, i) => expect(decrypt(body, b)).toBe(text(i)));
    expect(p.stats).toEqual({ worker: 0, inline: 20 });
    expect(p.workers).toBe(0);
    expect(p.threads).toHaveLength(0);
    expect(warnings).toEqual(["push encryption worker failed: encrypting on the main thread from now on"]);
  });

  it("a worker file that does not load: the jobs posted to it settle inline, once each", async () => {
    const p = pool(1, { workerFile: new URL("./no-such-push-worker.mjs", import.meta.url) });
    const b = browser();
    const bodies = await Promise.all(Array.from({ length: 30 }, (_, i) => p.encrypt(text(i), b.keys)));
    bodies.forEach((body, i) => expect(decrypt(body, b)).toBe(text(i)));
    expect(p.stats).toEqual({ worker: 0, inline: 30 });
    expect(p.workers).toBe(0);
    expect(warnings).toEqual(["push encryption worker failed: encrypting on the main thread from now on"]);
  });

  it("the worker file: next to the module in the sources, ../app/channels/ from build/index.js, else none", () => {
    const worker = path.resolve(__dirname, "../../app/channels/push-encrypt-worker.mjs");
    expect(fs.existsSync(worker)).toBe(true);
    expect(pushEncryptWorkerFile()?.pathname).toBe(worker); // this run: the sources
    const files = new Set(["/srv/app/app/channels/push-encrypt-worker.mjs"]);
    const exists = (f: string) => files.has(f);
    expect(pushEncryptWorkerFile("file:///srv/app/app/channels/push-encrypt-pool.server.ts", exists)?.href).toBe(
      "file:///srv/app/app/channels/push-encrypt-worker.mjs",
    );
    expect(pushEncryptWorkerFile("file:///srv/app/build/index.js", exists)?.href).toBe("file:///srv/app/app/channels/push-encrypt-worker.mjs");
    expect(pushEncryptWorkerFile("file:///elsewhere/build/index.js", exists)).toBeNull();
  });

  it("PUSH_ENCRYPT_WORKERS: an integer 0-64; unset or invalid: 1 with more than one core, else 0", () => {
    const fallback = os.availableParallelism() > 1 ? 1 : 0;
    expect(pushEncryptWorkers({}, logger)).toBe(fallback);
    expect(pushEncryptWorkers({ PUSH_ENCRYPT_WORKERS: "" }, logger)).toBe(fallback);
    expect(pushEncryptWorkers({ PUSH_ENCRYPT_WORKERS: "0" }, logger)).toBe(0);
    expect(pushEncryptWorkers({ PUSH_ENCRYPT_WORKERS: " 3 " }, logger)).toBe(3);
    expect(warnings).toEqual([]);
    for (const bad of ["-1", "1.5", "two", "65"]) expect(pushEncryptWorkers({ PUSH_ENCRYPT_WORKERS: bad }, logger)).toBe(fallback);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/PUSH_ENCRYPT_WORKERS must be an integer/);
  });
});

describe("push encryption workers and process exit", () => {
  const modulePath = path.resolve(__dirname, "../../app/channels/push-encrypt-pool.server.ts");
  const encPath = path.resolve(__dirname, "../../app/channels/push-encryption.server.ts");
  /** Runs a script in a fresh Node process (tsx loader); resolves with its stdout, rejects after 20 s. */
  function run(script: string): Promise<string> {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "push-pool-")), "script.mts");
    fs.writeFileSync(file, script);
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ["--import", "tsx", file],
        { cwd: path.resolve(__dirname, "../.."), timeout: 20_000, env: { ...process.env, LOG_LEVEL: "silent" } },
        (error, stdout, stderr) => {
          fs.rmSync(path.dirname(file), { recursive: true, force: true });
          if (error) reject(new Error(`${error.message}\n${stderr}`));
          else resolve(stdout);
        },
      );
    });
  }
  const header = `
import crypto from "node:crypto";
import { createPushEncryptPool } from ${JSON.stringify(modulePath)};
import { preparePushKeys } from ${JSON.stringify(encPath)};
const ua = crypto.createECDH("prime256v1");
ua.generateKeys();
const keys = preparePushKeys(ua.getPublicKey().toString("base64url"), crypto.randomBytes(16).toString("base64url"));
const pool = createPushEncryptPool({ workers: 1 });
`;

  it("a pending job keeps the process alive until it settles; an idle worker does not keep it alive", async () => {
    // Nothing else keeps the event loop busy: the worker's ref while the job is pending must, or nothing is printed.
    // After that, the process must exit by itself (no close()), well before the 20 s timeout.
    const started = Date.now();
    const out = await run(`${header}
const print = (body: Buffer) => console.log("body", body.length, pool.stats.worker);
pool.encrypt("hello", keys).then(print); // the first one, while the worker starts
setTimeout(() => pool.encrypt("hello", keys).then(print), 300); // and one when the worker is up and idle
`);
    expect(out.trim().split("\n")).toEqual([`body ${86 + 5 + 17} 1`, `body ${86 + 5 + 17} 2`]);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});

describe("push encryption from a server bundle", () => {
  // `remix build` bundles app/ with esbuild into build/index.js (ESM, platform node, packages left to node_modules)
  // and production runs it from the checkout (README: npm run build, then npm start = node server.mjs), so app/ is
  // beside build/. This makes the same kind of bundle of the pool, in a directory laid out the same way, and runs it
  // with plain node (no TypeScript loader): the worker must be found and must do the work.
  it("the bundled pool finds ../app/channels/push-encrypt-worker.mjs and encrypts on a worker thread", async () => {
    const repo = path.resolve(__dirname, "../..");
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "push-bundle-"));
    try {
      fs.symlinkSync(path.join(repo, "app"), path.join(root, "app"), "dir");
      fs.symlinkSync(path.join(repo, "node_modules"), path.join(root, "node_modules"), "dir");
      const bundle = path.join(root, "build", "index.js");
      await build({
        stdin: {
          contents:
            'export { createPushEncryptPool, pushEncryptWorkerFile } from "./app/channels/push-encrypt-pool.server.ts";\nexport { preparePushKeys } from "./app/channels/push-encryption.server.ts";\n',
          resolveDir: repo,
          loader: "ts",
        },
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node22",
        packages: "external",
        outfile: bundle,
        logLevel: "silent",
      });
      const code = fs.readFileSync(bundle, "utf8");
      expect(code).toContain("push-encrypt-worker.mjs");
      expect(code).not.toMatch(/parentPort|eval: true/); // the worker's code is not in the bundle, as text or otherwise
      const script = path.join(root, "run.mjs");
      fs.writeFileSync(
        script,
        `import crypto from "node:crypto";
import { createPushEncryptPool, pushEncryptWorkerFile, preparePushKeys } from "./build/index.js";
const ua = crypto.createECDH("prime256v1");
ua.generateKeys();
const auth = crypto.randomBytes(16);
const keys = preparePushKeys(ua.getPublicKey().toString("base64url"), auth.toString("base64url"));
const pool = createPushEncryptPool({ workers: 1 });
const body = await pool.encrypt("from the bundle", keys);
console.log(JSON.stringify({ file: pushEncryptWorkerFile()?.href ?? null, stats: pool.stats, body: body.toString("base64url"), ua: ua.getPrivateKey("base64url"), auth: auth.toString("base64url") }));
await pool.close();
`,
      );
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          [script],
          { cwd: root, timeout: 20_000, env: { ...process.env, LOG_LEVEL: "warn", NODE_OPTIONS: "" } },
          (error, out, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(out)),
        );
      });
      const lines = stdout.trim().split("\n");
      expect(lines).toHaveLength(1); // no warning logged (a fallback to inline would log one)
      const r = JSON.parse(lines[0]) as { file: string | null; stats: { worker: number; inline: number }; body: string; ua: string; auth: string };
      expect(r.file).toBe(url.pathToFileURL(path.join(root, "app/channels/push-encrypt-worker.mjs")).href);
      expect(r.stats).toEqual({ worker: 1, inline: 0 });
      const ua = crypto.createECDH("prime256v1");
      ua.setPrivateKey(Buffer.from(r.ua, "base64url"));
      expect(ece.decrypt(Buffer.from(r.body, "base64url"), { version: "aes128gcm", privateKey: ua, authSecret: r.auth }).toString()).toBe("from the bundle");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});
