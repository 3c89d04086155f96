// @ts-check
// A push encryption worker thread (started by push-encrypt-pool.server.ts, which finds this file at run time:
// pushEncryptWorkerFile). Plain JavaScript with JSDoc types, checked by `tsc --noEmit`; it imports node built-ins
// and push-encryption-web-push.mjs (web-push's own encryption) only, so it needs no TypeScript loader (the pool starts
// it with execArgv: []).
//
// Each message is one batch:
//   in:  { id, count, input: ArrayBuffer } with, per job, ua_public (65 bytes), the auth secret (u32 LE length +
//        bytes) and the UTF-8 plaintext (u32 LE length + bytes)
//   out: { id, output: ArrayBuffer, errors } with a u32 LE body length per job, then the bodies; errors is null, or
//        one entry per job: null or the message of the error that job alone failed with (its length is then 0)
// Both buffers are transferred, not copied.
import { parentPort } from "node:worker_threads";
import { webPushSealer } from "./push-encryption-web-push.mjs";

/**
 * @typedef {object} Batch
 * @property {number} id
 * @property {number} count
 * @property {ArrayBuffer} input
 */

/** @param {unknown} error */
function messageOf(error) {
  return String((error instanceof Error && error.message) || error);
}

/**
 * Encrypts one batch with `sealer`; the reply's output is a fresh ArrayBuffer (to be transferred).
 * @param {Batch} m
 * @param {import("./push-encryption-web-push.mjs").PushSealer} sealer
 * @returns {{ id: number, output: ArrayBuffer, errors: Array<string | null> | null }}
 */
function encryptBatch(m, sealer) {
  const input = Buffer.from(m.input);
  /** @type {Array<{ uaPublic: Buffer, auth: Buffer, plaintext: Buffer, size: number, length: number }>} */
  const jobs = [];
  /** @type {Array<string | null> | null} */
  let errors = null;
  let total = 4 * m.count;
  for (let i = 0, at = 0; i < m.count; i++) {
    const uaPublic = input.subarray(at, at + 65);
    at += 65;
    const authLength = input.readUInt32LE(at);
    const auth = input.subarray(at + 4, at + 4 + authLength);
    at += 4 + authLength;
    const size = input.readUInt32LE(at);
    const plaintext = input.subarray(at + 4, at + 4 + size);
    at += 4 + size;
    let length = 0;
    try {
      length = sealer.bodyLength(size);
    } catch (error) {
      (errors ??= new Array(m.count).fill(null))[i] = messageOf(error);
    }
    jobs.push({ uaPublic, auth, plaintext, size, length });
    total += length;
  }
  const output = new ArrayBuffer(total);
  const out = Buffer.from(output);
  for (let i = 0, at = 4 * m.count; i < m.count; i++) {
    const job = jobs[i];
    out.writeUInt32LE(job.length, 4 * i);
    if (job.length) {
      try {
        sealer.seal(out, at, job.plaintext, job.size, job.uaPublic, job.auth);
      } catch (error) {
        (errors ??= new Array(m.count).fill(null))[i] = messageOf(error);
      }
    }
    at += job.length;
  }
  return { id: m.id, output, errors };
}

const port = parentPort;
if (!port) throw new Error("push-encrypt-worker.mjs runs as a worker thread (push-encrypt-pool.server.ts)");
port.on("message", (/** @type {Batch} */ m) => {
  const reply = encryptBatch(m, webPushSealer);
  port.postMessage(reply, [reply.output]);
});
