// Production server: node:http in front of the Remix build, with a lean request adapter (no Express: the webhook
// path is the hot one, and Express's routing plus a streamed request body cost about as much CPU as a webhook's own
// work). Static files: /build/* (fingerprinted, cached a year) and public/ (an hour), GET and HEAD only.
// No per-request access log by default; LOG_REQUESTS=1 prints one line per request.
// WEB_CONCURRENCY=N forks N workers sharing the port (one per core).
import cluster from "node:cluster";
import http from "node:http";
import path from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { createReadableStreamFromReadable, createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import serveStatic from "serve-static";
import { logPath } from "./scripts/log-path.mjs";
import { verifyDatabase } from "./scripts/verify-db.mjs";

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "0.0.0.0";
const workers = Math.max(1, Number(process.env.WEB_CONCURRENCY || 1));
const logRequests = process.env.LOG_REQUESTS === "1"; // read once: process.env is slow on a per-request path
// Bodies up to this size with a declared length are read whole before the Request is made (cheaper than a stream);
// larger or chunked ones are streamed, and each route applies its own limit.
const INLINE_BODY_MAX = 256 * 1024;

// Local demo only (`npm run demo`): not even loaded unless DEMO_MODE is set; it refuses NODE_ENV=production and
// non-loopback hosts (demo/demo.server.ts holds everything the demo relaxes).
let demoAdmin = null;
if (process.env.DEMO_MODE) {
  try {
    demoAdmin = (await import("./demo/demo.server.ts")).demoAdminMiddleware();
  } catch (e) {
    console.error(`checkout-recovery: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

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

const rawBodies = (globalThis[Symbol.for("checkout-recovery.rawBodies")] ??= new WeakMap());

const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
const DRAIN_MAX_MS = 5_000;

/** Reads and discards what is left of a request body; false when more than the bound remains (or it stalls). */
function drainRequest(req) {
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

/** The Web Request Remix gets, as @remix-run/express builds it (URL from X-Forwarded-Host or Host, abort on close). */
async function toRequest(req, res) {
  const hostHeader = req.headers["x-forwarded-host"] ?? req.headers.host ?? "localhost";
  const url = `${req.socket.encrypted ? "https" : "http"}://${hostHeader}${req.url}`;
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
  const request = new Request(url, init);
  // The bytes already read, for readBodyLimited (app/lib/read-body.server.ts): keyed by the body stream, which Remix
  // passes on unchanged when it rebuilds the Request for an action, so the route reads them without a stream.
  if (Buffer.isBuffer(init.body) && request.body) rawBodies.set(request.body, init.body);
  return request;
}

async function sendResponse(res, response) {
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
  res.writeHead(response.status, response.statusText || undefined, out);
  if (!response.body) return void res.end();
  const type = response.headers.get("content-type") ?? "";
  // Documents and event streams stream (React's streaming render, deferred data); anything else is written at once.
  if (/text\/html|text\/event-stream/i.test(type)) {
    if (/text\/event-stream/i.test(type)) res.flushHeaders();
    await writeReadableStreamToWritable(response.body, res);
  } else {
    res.end(Buffer.from(await response.arrayBuffer()));
  }
}

async function start() {
  const problem = await verifyDatabase();
  if (problem) {
    console.error(`checkout-recovery: ${problem}`);
    process.exit(1);
  }
  const build = await import(pathToFileURL(path.resolve("build/index.js")).href);
  const handleRequest = createRequestHandler(build, process.env.NODE_ENV || "production");
  // `remix dev` (shopify.web.toml) restarts this server on every build and waits to hear it is serving that build.
  if (process.env.NODE_ENV === "development" && process.env.REMIX_DEV_ORIGIN && (cluster.isPrimary || cluster.worker?.id === 1)) {
    const { broadcastDevReady } = await import("@remix-run/node");
    void broadcastDevReady(build);
  }
  const nosniff = (res) => res.setHeader("X-Content-Type-Options", "nosniff");
  const serveBuild = serveStatic("public/build", { immutable: true, maxAge: "1y", index: false, setHeaders: nosniff });
  const servePublic = serveStatic("public", { maxAge: "1h", index: false, setHeaders: nosniff });

  const remix = async (req, res) => {
    try {
      const response = await handleRequest(await toRequest(req, res));
      // A body refused for its size was not read to its end: read and discard the rest (bounded) so the sender gets
      // the answer and the connection stays usable; past the bound, close it after the answer.
      if (response.status === 413 && !(await drainRequest(req))) response.headers.set("Connection", "close");
      await sendResponse(res, response);
    } catch (error) {
      console.error(JSON.stringify({ level: "error", msg: "request failed", url: logPath(req.url), err: error instanceof Error ? error.message : String(error) }));
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" }).end("Internal Server Error");
      else res.destroy();
    }
  };
  const app = (req, res) => (demoAdmin ? demoAdmin(req, res, () => void remix(req, res)) : void remix(req, res));
  // serve-static calls back with nothing when it has no such file (then the app answers), or with an error.
  const fileOrApp = (req, res) => (err) => {
    if (!err) return app(req, res);
    res.statusCode = err.status ?? 500;
    res.end();
  };

  const server = http.createServer((req, res) => {
    if (logRequests) {
      const t = process.hrtime.bigint();
      res.on("finish", () => console.log(JSON.stringify({ method: req.method, url: logPath(req.url), status: res.statusCode, ms: Number(process.hrtime.bigint() - t) / 1e6 })));
    }
    if (req.method !== "GET" && req.method !== "HEAD") return app(req, res);
    if (req.url.startsWith("/build/")) {
      const original = req.url;
      req.url = original.slice("/build".length);
      const then = fileOrApp(req, res);
      return serveBuild(req, res, (err) => {
        req.url = original;
        then(err);
      });
    }
    return servePublic(req, res, fileOrApp(req, res));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, host, () => {
    if (cluster.isPrimary || cluster.worker?.id === 1) console.log(`checkout-recovery listening on http://${host}:${port}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (workers > 1 && cluster.isPrimary) {
  const problem = await verifyDatabase();
  if (problem) {
    console.error(`checkout-recovery: ${problem}`);
    process.exit(1);
  }
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on("exit", (w, code) => {
    if (code !== 0) console.error(`worker ${w.id} exited with ${code}`);
  });
  const stopAll = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGTERM");
    process.exit(0);
  };
  process.on("SIGTERM", stopAll);
  process.on("SIGINT", stopAll);
} else {
  await start();
}
