// server.mjs's lean Remix adapter: a node:http request as the
// Web Request Remix takes, and Remix's Response written back. It does what @remix-run/express's adapter does
// (tests/integration/server-differential.test.ts holds the two side by side) with three differences, each deliberate:
// - a body up to 256 KB with a declared length is read whole before the Request is made (cheaper than a stream,
//   the webhook path is the hot one); larger or chunked ones are streamed;
// - a body refused for its size (413) is drained (bounded) so that a keep-alive connection stays usable (the library
//   answers the same 413 and closes the connection);
// - an answer written at once carries its Content-Length (the library streams every answer, chunked).
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createReadableStreamFromReadable, writeReadableStreamToWritable } from "@remix-run/node";
import { requestOrigin, withFrameAncestors } from "./server-policy.mjs";

const INLINE_BODY_MAX = 256 * 1024;
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
const DRAIN_MAX_MS = 5_000;

function readBody(req, length) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      chunks.push(c);
      size += c.length;
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on("error", reject);
    req.on("aborted", () => reject(new Error("request aborted")));
    if (length === 0) req.resume();
  });
}

/** Reads and discards what is left of a request body; false when more than the bound remains (or it stalls). */
export function drainRequest(req) {
  if (req.complete) return Promise.resolve(true);
  req.unpipe();
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ok) => {
      clearTimeout(timer);
      req.off("data", onData);
      resolve(ok);
    };
    const onData = (chunk) => {
      seen += chunk.length;
      if (seen > DRAIN_MAX_BYTES) done(false);
    };
    const timer = setTimeout(() => done(false), DRAIN_MAX_MS);
    req.on("data", onData);
    req.once("end", () => done(true));
    req.once("error", () => done(false));
    req.resume();
  });
}

/**
 * The Web Request Remix gets: URL from the socket and Host (or a trusted proxy's X-Forwarded-Proto/Host), the raw
 * headers in order, aborted when the client goes away before the answer is written.
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {(address: string | undefined) => boolean} trusted
 */
export async function toRequest(req, res, trusted) {
  const url = `${requestOrigin(req, trusted)}${req.url}`;
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  let controller = new AbortController();
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  const init = { method: req.method, headers, signal: controller.signal };
  if (req.method !== "GET" && req.method !== "HEAD") {
    const length = Number(req.headers["content-length"]);
    if (Number.isFinite(length) && length <= INLINE_BODY_MAX) {
      init.body = await readBody(req, length);
    } else {
      // Through a PassThrough: a route that stops reading at its size limit cancels this stream, which destroys the
      // PassThrough only, not the socket, so its answer (413) still reaches the sender.
      init.body = createReadableStreamFromReadable(req.pipe(new PassThrough()));
      init.duplex = "half";
    }
  }
  return new Request(url, init);
}

/**
 * Writes Remix's answer: every header (cookies one by one), nosniff, a frame-ancestors policy when the app set none
 * (server-policy.mjs), documents and event streams streamed, anything else at once with its length.
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {Response} response
 */
export async function sendResponse(req, res, response) {
  const out = {};
  for (const [key, value] of response.headers) {
    if (key !== "set-cookie") out[key] = value;
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) out["set-cookie"] = cookies;
  // Resource routes (webhooks, cron, links) bypass entry.server's headers: nosniff on every answer from here.
  out["x-content-type-options"] = "nosniff";
  // A header a middleware set before (the demo's extra Content-Security-Policy) is kept beside the app's own.
  for (const key of res.getHeaderNames()) {
    if (key in out) out[key] = [res.getHeader(key), out[key]].flat();
  }
  const type = out["content-type"] ?? "";
  const csp = withFrameAncestors(req.url.split("?")[0], type, out["content-security-policy"] ?? res.getHeader("content-security-policy"));
  out["content-security-policy"] = csp.length === 1 ? csp[0] : csp;
  // Documents and event streams stream (React's streaming render, deferred data); anything else is written at once.
  if (!response.body || /text\/html|text\/event-stream/i.test(type)) {
    writeHead(res, response, out);
    if (!response.body) return void res.end();
    if (/text\/event-stream/i.test(type)) res.flushHeaders();
    await writeReadableStreamToWritable(response.body, res);
    return;
  }
  // Exports (CSV) can be large: streamed with back-pressure (Node's pipeline waits for the socket to drain), never
  // held whole in memory.
  if (/text\/csv/i.test(type)) {
    writeHead(res, response, out);
    await pipeline(Readable.fromWeb(response.body), res);
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  // Its length lets the compression middleware leave a small answer as it is.
  if (req.method !== "HEAD") out["content-length"] = String(body.length);
  writeHead(res, response, out);
  res.end(body);
}

// Without a reason phrase, no placeholder argument: the compression middleware's writeHead (on-headers) takes a
// second argument that is not a string for the headers, and would drop the real ones.
function writeHead(res, response, headers) {
  if (response.statusText) res.writeHead(response.status, response.statusText, headers);
  else res.writeHead(response.status, headers);
}
