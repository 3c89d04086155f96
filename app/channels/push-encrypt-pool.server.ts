// Push encryption off the event loop. RFC 8291 needs a fresh ephemeral ECDH key pair per message (generating it and
// the ECDH are most of the ~80 µs a message costs), and the cron tick sends pushes in the process that serves
// webhooks: on the main thread that CPU time would be added to webhook latency. encryptPushPayloadAsync hands the
// work to worker threads (PUSH_ENCRYPT_WORKERS, default 1 when the machine has more than one core, else 0 = encrypt
// on the main thread as before).
//
// - The encryption is web-push's own (push-encryption-web-push.mjs). The workers run push-encrypt-worker.mjs, which
//   imports the same encryption module as the main thread: JavaScript with JSDoc types that tsc checks, so no
//   TypeScript loader is needed in a worker. The file is found at run time next to this module (sources, under tsx or vitest) or, from the server
//   bundle build/index.js, in ../app/channels/ (a deployment runs `remix build` in the checkout and starts
//   server.mjs there: app/ is present): pushEncryptWorkerFile. Found nowhere: one warning, inline from the start.
// - Jobs queued during one event-loop turn are flushed together on setImmediate: one postMessage per batch of at most
//   BATCH_MAX (16) jobs, with one transferred ArrayBuffer packing each job's ua_public (65 bytes), auth secret
//   (u32 length + bytes) and UTF-8 plaintext (u32 length + bytes). The worker answers with one transferred
//   ArrayBuffer: a u32 body length per job, then the bodies; plus an error string per job that failed (that job alone
//   is rejected). Each caller gets a Buffer view of its body. Batches go to the workers in turn.
// - A worker is unref'd while it has no batch pending (it never keeps the process alive) and ref'd while it has one
//   (a pending job's promise is always settled).
// - A worker that errors, exits or answers garbage: one warning, every batch pending at any worker is re-run on the
//   main thread, all workers are stopped and the pool encrypts inline from then on (a crash in code that only calls
//   web-push and node:crypto is most likely systematic, so a restart would likely fail the same way; inline is always correct,
//   only slower). A batch is in exactly one place (a worker's pending map) until it is settled, and it is taken out
//   before it is settled: a job is never lost and never settled twice, a late answer from a retired worker is ignored.
import fs from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { log } from "../log.server";
import { encryptPushPayload, type PreparedPushKeys } from "./push-encryption.server";

/**
 * Most jobs per message to a worker. A batch's bodies come back together, so this bounds the wait of its first job
 * (16 x ~80 us), and lets the main thread start sending the first bodies of a burst while the worker encrypts the
 * rest. Each batch costs one postMessage of main-thread time, shared by its jobs (throughput with 8, 16, 32 or 64 was
 * the same within noise on the 2-core development machine).
 */
const BATCH_MAX = 16;
const WORKERS_MAX = 64;

const WORKER_FILE = "push-encrypt-worker.mjs";

/**
 * Where push-encrypt-worker.mjs is, for the module at `moduleUrl` (this one's import.meta.url): next to it when it
 * runs from app/channels/ (tsx, vitest), or ../app/channels/ from the server bundle (build/index.js, which
 * `remix build` writes at the root of the checkout). null when neither exists.
 */
export function pushEncryptWorkerFile(moduleUrl: string = import.meta.url, exists: (file: string) => boolean = fs.existsSync): URL | null {
  for (const candidate of [`./${WORKER_FILE}`, `../app/channels/${WORKER_FILE}`]) {
    const url = new URL(candidate, moduleUrl);
    if (exists(fileURLToPath(url))) return url;
  }
  return null;
}

interface Job {
  text: string;
  /** UTF-8 bytes of text. */
  size: number;
  keys: PreparedPushKeys;
  resolve: (body: Buffer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Batches posted and not yet answered, by batch id. */
  pending: Map<number, Job[]>;
}

interface Reply {
  id: number;
  output: ArrayBuffer;
  errors: Array<string | null> | null;
}

export interface PushEncryptPoolOptions {
  /** Worker threads (0: encrypt on the calling thread). */
  workers: number;
  logger?: { warn(obj: object, msg: string): void };
  /** Most jobs per message to a worker (default BATCH_MAX). */
  batchMax?: number;
  /** The worker module (default pushEncryptWorkerFile()); null: none found, encrypt inline. Tests. */
  workerFile?: URL | null;
}

export interface PushEncryptPool {
  /** Worker threads in use (0: inline, from the start, after a worker failed, or after close). */
  readonly workers: number;
  /** RFC 8291 aes128gcm body with a fresh ephemeral key pair and salt (see encryptPushPayload). */
  encrypt(plaintext: string, keys: PreparedPushKeys): Promise<Buffer>;
  /** Finishes every queued and pending job on the main thread, then stops the workers. Later jobs run inline. */
  close(): Promise<void>;
  /** Tests: jobs settled by a worker and on the main thread. */
  readonly stats: { readonly worker: number; readonly inline: number };
  /** Tests: the worker threads (empty until the first job, and after a failure or close). */
  readonly threads: readonly Worker[];
}

/** A pool of its own (tests, or a caller that wants an explicit worker count); senders use encryptPushPayloadAsync. */
export function createPushEncryptPool(options: PushEncryptPoolOptions): PushEncryptPool {
  const logger = options.logger ?? log;
  const batchMax = Math.max(1, options.batchMax ?? BATCH_MAX);
  /** Workers to start at the first job; 0 once the pool is inline for good. */
  let wanted = Math.max(0, Math.floor(options.workers));
  /** null until started. */
  let slots: Slot[] | null = null;
  let turn = 0;
  let batchId = 0;
  let queue: Job[] = [];
  let flushScheduled = false;
  let warned = false;
  const stats = { worker: 0, inline: 0 };

  function inline(job: Job) {
    stats.inline += 1;
    let body: Buffer;
    try {
      body = encryptPushPayload(job.text, job.keys);
    } catch (error) {
      job.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    job.resolve(body);
  }

  function warnOnce(error: unknown, workers: number) {
    if (warned) return;
    warned = true;
    logger.warn({ err: error, workers }, "push encryption worker failed: encrypting on the main thread from now on");
  }

  /** Stops every worker; the batches they had pending are encrypted here, now. */
  function retire(): Promise<unknown> {
    const old = slots ?? [];
    slots = [];
    wanted = 0;
    const stopped: Array<Promise<unknown>> = [];
    for (const slot of old) {
      const batches = [...slot.pending.values()];
      slot.pending.clear();
      stopped.push(slot.worker.terminate().catch(() => undefined));
      for (const jobs of batches) for (const job of jobs) inline(job);
    }
    return Promise.all(stopped);
  }

  function fail(slot: Slot, error: unknown) {
    if (!slots?.includes(slot)) return; // already retired (or never in use): nothing of its own is pending
    warnOnce(error, slots.length);
    void retire();
  }

  function settle(slot: Slot, reply: Reply) {
    const jobs = slot.pending.get(reply.id);
    if (!jobs) return;
    slot.pending.delete(reply.id);
    if (!slot.pending.size) slot.worker.unref();
    const out = Buffer.from(reply.output);
    let total = 4 * jobs.length;
    if (out.length >= total) for (let i = 0; i < jobs.length; i++) total += out.readUInt32LE(4 * i);
    if (total !== out.length) {
      for (const job of jobs) inline(job);
      fail(slot, new Error("malformed answer from a push encryption worker"));
      return;
    }
    for (let i = 0, at = 4 * jobs.length; i < jobs.length; i++) {
      const length = out.readUInt32LE(4 * i);
      const error = reply.errors?.[i];
      stats.worker += 1;
      if (error != null) jobs[i].reject(new Error(error));
      else jobs[i].resolve(out.subarray(at, at + length));
      at += length;
    }
  }

  function spawn(file: URL): Slot {
    // execArgv: [] so the worker does not inherit loaders such as tsx's --import: it is plain JavaScript.
    const worker = new Worker(file, { execArgv: [] });
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on("message", (reply: Reply) => settle(slot, reply));
    worker.on("error", (error) => fail(slot, error));
    worker.on("messageerror", (error) => fail(slot, error));
    worker.on("exit", (code) => fail(slot, new Error(`push encryption worker exited (code ${code})`)));
    return slot;
  }

  function start(): Slot[] {
    const started: Slot[] = [];
    const file = options.workerFile === undefined ? pushEncryptWorkerFile() : options.workerFile;
    if (!file) {
      warnOnce(new Error(`${WORKER_FILE} not found (next to push-encrypt-pool.server or in ../app/channels/ from the server bundle)`), wanted);
      wanted = 0;
      return [];
    }
    try {
      for (let i = 0; i < wanted; i++) started.push(spawn(file));
    } catch (error) {
      for (const slot of started) void slot.worker.terminate().catch(() => undefined);
      warnOnce(error, wanted);
      wanted = 0;
      return [];
    }
    return started;
  }

  function post(jobs: Job[]) {
    const live = slots ?? [];
    if (!live.length) {
      for (const job of jobs) inline(job);
      return;
    }
    const slot = live[turn++ % live.length];
    let total = 0;
    for (const job of jobs) total += 65 + 4 + job.keys.auth.length + 4 + job.size;
    const input = new ArrayBuffer(total);
    const buf = Buffer.from(input);
    let at = 0;
    for (const job of jobs) {
      at += job.keys.uaPublic.copy(buf, at);
      at = buf.writeUInt32LE(job.keys.auth.length, at);
      at += job.keys.auth.copy(buf, at);
      at = buf.writeUInt32LE(job.size, at);
      at += buf.write(job.text, at, job.size, "utf8");
    }
    const id = ++batchId;
    slot.pending.set(id, jobs);
    if (slot.pending.size === 1) slot.worker.ref();
    try {
      slot.worker.postMessage({ id, count: jobs.length, input }, [input]);
    } catch (error) {
      fail(slot, error); // re-runs this batch too: it is pending
    }
  }

  function flush() {
    flushScheduled = false;
    const jobs = queue;
    queue = [];
    if (!jobs.length) return;
    slots ??= wanted > 0 ? start() : [];
    if (jobs.length <= batchMax) post(jobs);
    else for (let i = 0; i < jobs.length; i += batchMax) post(jobs.slice(i, i + batchMax));
  }

  function encrypt(plaintext: string, keys: PreparedPushKeys): Promise<Buffer> {
    if (slots === null ? wanted === 0 : slots.length === 0) {
      stats.inline += 1;
      try {
        return Promise.resolve(encryptPushPayload(plaintext, keys));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    // The batch format has room for exactly 65 bytes of ua_public (preparePushKeys guarantees it).
    if (keys.uaPublic.length !== 65) return Promise.reject(new Error("the subscription public key must be an uncompressed P-256 point"));
    return new Promise<Buffer>((resolve, reject) => {
      queue.push({ text: plaintext, size: Buffer.byteLength(plaintext, "utf8"), keys, resolve, reject });
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flush);
      }
    });
  }

  return {
    get workers() {
      return slots === null ? wanted : slots.length;
    },
    encrypt,
    async close() {
      const jobs = queue;
      queue = [];
      slots ??= [];
      for (const job of jobs) inline(job);
      await retire();
    },
    stats,
    get threads() {
      return (slots ?? []).map((slot) => slot.worker);
    },
  };
}

/** PUSH_ENCRYPT_WORKERS: an integer from 0 to 64; unset: 1 when the machine has more than one core, else 0. */
export function pushEncryptWorkers(env: Record<string, string | undefined> = process.env, logger: { warn(obj: object, msg: string): void } = log): number {
  const fallback = os.availableParallelism() > 1 ? 1 : 0;
  const raw = env.PUSH_ENCRYPT_WORKERS?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (/^\d+$/.test(raw) && Number(raw) <= WORKERS_MAX) return Number(raw);
  logger.warn({ PUSH_ENCRYPT_WORKERS: raw, using: fallback }, `PUSH_ENCRYPT_WORKERS must be an integer from 0 to ${WORKERS_MAX}; using the default`);
  return fallback;
}

let shared: PushEncryptPool | null = null;

/** The process-wide pool, created at first use with pushEncryptWorkers() threads. */
export function sharedPushEncryptPool(): PushEncryptPool {
  return (shared ??= createPushEncryptPool({ workers: pushEncryptWorkers() }));
}

/**
 * RFC 8291 aes128gcm body (a fresh ephemeral key pair and salt for this message alone), encrypted on a worker thread
 * of the process-wide pool (or inline when PUSH_ENCRYPT_WORKERS=0). Rejects when the payload does not fit one record.
 */
export function encryptPushPayloadAsync(plaintext: string, keys: PreparedPushKeys): Promise<Buffer> {
  return sharedPushEncryptPool().encrypt(plaintext, keys);
}
