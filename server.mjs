// Production server: node:http in front of the Remix build with a lean request adapter (scripts/remix-adapter.mjs)
// instead of Express + @remix-run/express. Kept because it still buys what it was written for: on webhooks, the hot
// path, it served 1.47x (SQLite) and 1.35x (PostgreSQL) the webhooks/s of the same build on the library, at about
// two thirds of the CPU per request (bench/RESULTS.md, "Issue 16: server.mjs against @remix-run/express";
// `npx tsx bench/ingest.ts --server both`). bench/express-server.mjs is the library version with the same rules,
// and tests/integration/server-differential.test.ts holds the two to the same answers.
// Static files: /build/* (fingerprinted, cached a year) and public/ (an hour), GET and HEAD only, gzip or brotli.
// Request and answer rules (TRUST_PROXY, compression, frame-ancestors and nosniff on every answer):
// scripts/server-policy.mjs. Logs: pino JSON lines, LOG_LEVEL as the app's; LOG_REQUESTS=1 prints one line per
// request. WEB_CONCURRENCY=N forks N workers sharing the port (one per core), replaced when they die
// (scripts/worker-supervisor.mjs).
import cluster from "node:cluster";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/node";
import compression from "compression";
import serveStatic from "serve-static";
import { logPath } from "./scripts/log-path.mjs";
import { serverLog } from "./scripts/server-log.mjs";
import { drainRequest, sendResponse, toRequest } from "./scripts/remix-adapter.mjs";
import { NO_FRAME, shouldCompress, trustedPeer, trustProxySetting } from "./scripts/server-policy.mjs";
import { verifyDatabase } from "./scripts/verify-db.mjs";
import { superviseWorkers } from "./scripts/worker-supervisor.mjs";

const log = serverLog();
// A reason not to start is printed whatever LOG_LEVEL says (tests run with it silent).
const fail = (msg) => {
  log.child({}, { level: "fatal" }).fatal(msg);
  process.exit(1);
};

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "0.0.0.0";
const workers = Math.max(1, Number(process.env.WEB_CONCURRENCY || 1));
const logRequests = process.env.LOG_REQUESTS === "1"; // read once: process.env is slow on a per-request path
let trusted;
try {
  trusted = trustedPeer(trustProxySetting(process.env.TRUST_PROXY));
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}

// Local demo only (`npm run demo`): not even loaded unless DEMO_MODE is set; it refuses NODE_ENV=production and
// non-loopback hosts (demo/demo.server.ts holds everything the demo relaxes).
let demoAdmin = null;
if (process.env.DEMO_MODE) {
  try {
    demoAdmin = (await import("./demo/demo.server.ts")).demoAdminMiddleware();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}

async function start() {
  const problem = await verifyDatabase();
  if (problem) fail(problem);
  const build = await import(pathToFileURL(path.resolve("build/index.js")).href);
  const handleRequest = createRequestHandler(build, process.env.NODE_ENV || "production");
  // `remix dev` (shopify.web.toml) restarts this server on every build and waits to hear it is serving that build.
  if (process.env.NODE_ENV === "development" && process.env.REMIX_DEV_ORIGIN && (cluster.isPrimary || cluster.worker?.id === 1)) {
    const { broadcastDevReady } = await import("@remix-run/node");
    void broadcastDevReady(build);
  }
  const fileHeaders = (res) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", NO_FRAME);
  };
  const serveBuild = serveStatic("public/build", { immutable: true, maxAge: "1y", index: false, setHeaders: fileHeaders });
  const servePublic = serveStatic("public", { maxAge: "1h", index: false, setHeaders: fileHeaders });
  const compress = compression({ filter: shouldCompress });

  const remix = async (req, res) => {
    try {
      const response = await handleRequest(await toRequest(req, res, trusted));
      // A body refused for its size was not read to its end: read and discard the rest (bounded) so the sender gets
      // the answer and the connection stays usable; past the bound, close it after the answer.
      if (response.status === 413 && !(await drainRequest(req))) response.headers.set("Connection", "close");
      await sendResponse(req, res, response);
    } catch (error) {
      log.error({ url: logPath(req.url), err: error instanceof Error ? error.message : String(error) }, "request failed");
      if (!res.headersSent)
        res
          .writeHead(500, { "Content-Type": "text/plain", "Content-Security-Policy": NO_FRAME, "X-Content-Type-Options": "nosniff" })
          .end("Internal Server Error");
      else res.destroy();
    }
  };
  const app = (req, res) => (demoAdmin ? demoAdmin(req, res, () => void remix(req, res)) : void remix(req, res));
  // serve-static calls back with nothing when it has no such file (then the app answers), or with an error.
  const fileOrApp = (req, res) => (err) => {
    if (!err) return app(req, res);
    res.statusCode = err.status ?? 500;
    res.setHeader("Content-Security-Policy", NO_FRAME);
    res.end();
  };
  const getOrHead = (req, res) => {
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
  };

  const server = http.createServer((req, res) => {
    if (logRequests) {
      const t = process.hrtime.bigint();
      res.on("finish", () =>
        log.info({ method: req.method, url: logPath(req.url), status: res.statusCode, ms: Number(process.hrtime.bigint() - t) / 1e6 }, "request"),
      );
    }
    // POSTs (webhooks, cron, forms) answer a few bytes of JSON: no compression middleware on their path at all.
    if (req.method !== "GET" && req.method !== "HEAD") return app(req, res);
    compress(req, res, () => getOrHead(req, res));
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, host, () => {
    if (cluster.isPrimary || cluster.worker?.id === 1)
      log.info({ host, port, trustProxy: process.env.TRUST_PROXY || "off" }, `checkout-recovery listening on http://${host}:${port}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (workers > 1 && cluster.isPrimary) {
  const problem = await verifyDatabase();
  if (problem) fail(problem);
  superviseWorkers({ count: workers, log });
} else {
  await start();
}
