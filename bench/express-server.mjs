// The same app on the maintained library: Express 4 + @remix-run/express + express.static, with the same rules as
// server.mjs (scripts/server-policy.mjs: TRUST_PROXY as Express's "trust proxy", compression, frame-ancestors and
// nosniff on every answer; same static folders and lifetimes; same worker supervision and pino logs). Not used in
// production: it is what server.mjs is measured against (`npx tsx bench/ingest.ts --server express|both`) and held to
// (tests/integration/server-differential.test.ts). Same environment as server.mjs.
import cluster from "node:cluster";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";
import onHeaders from "on-headers";
import { logPath } from "../scripts/log-path.mjs";
import { serverLog } from "../scripts/server-log.mjs";
import { forwardedHostAsTrusted, shouldCompress, trustProxySetting, withFrameAncestors } from "../scripts/server-policy.mjs";
import { verifyDatabase } from "../scripts/verify-db.mjs";
import { superviseWorkers } from "../scripts/worker-supervisor.mjs";

const log = serverLog();
// A reason not to start is printed whatever LOG_LEVEL says (tests run with it silent).
const fail = (msg) => {
  log.child({}, { level: "fatal" }).fatal(msg);
  process.exit(1);
};

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "0.0.0.0";
const workers = Math.max(1, Number(process.env.WEB_CONCURRENCY || 1));
let trustProxy = false;
try {
  trustProxy = trustProxySetting(process.env.TRUST_PROXY);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}

// Local demo only (`npm run demo`): not even loaded unless DEMO_MODE is set; it refuses NODE_ENV=production and
// non-loopback hosts (demo/demo.server.ts holds everything the demo relaxes).
let demoAdmin = null;
if (process.env.DEMO_MODE) {
  try {
    demoAdmin = (await import("../demo/demo.server.ts")).demoAdminMiddleware();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}

async function start() {
  const problem = await verifyDatabase();
  if (problem) fail(problem);
  const build = await import(pathToFileURL(path.resolve("build/index.js")).href);
  // `remix dev` (shopify.web.toml) restarts this server on every build and waits to hear it is serving that build.
  if (process.env.NODE_ENV === "development" && process.env.REMIX_DEV_ORIGIN && (cluster.isPrimary || cluster.worker?.id === 1)) {
    const { broadcastDevReady } = await import("@remix-run/node");
    void broadcastDevReady(build);
  }

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxy);
  if (process.env.LOG_REQUESTS === "1") {
    app.use((req, res, next) => {
      const t = process.hrtime.bigint();
      res.on("finish", () =>
        log.info({ method: req.method, url: logPath(req.originalUrl), status: res.statusCode, ms: Number(process.hrtime.bigint() - t) / 1e6 }, "request"),
      );
      next();
    });
  }
  // nosniff and a frame-ancestors policy on every answer (static files, resource routes, errors), decided when its
  // headers go out: documents keep the one entry.server set (per shop for the admin), the rest get 'none'.
  app.use((req, res, next) => {
    onHeaders(res, function () {
      this.setHeader("X-Content-Type-Options", "nosniff");
      const csp = withFrameAncestors(req.path, String(this.getHeader("Content-Type") ?? ""), this.getHeader("Content-Security-Policy"));
      this.setHeader("Content-Security-Policy", csp.length === 1 ? csp[0] : csp);
    });
    next();
  });
  app.use(compression({ filter: shouldCompress }));
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static("public", { maxAge: "1h", index: false }));
  if (demoAdmin) app.use(demoAdmin);
  app.use(forwardedHostAsTrusted);
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV || "production" }));
  // Express tells an error handler by its four arguments.
  app.use((error, req, res, _next) => {
    log.error({ url: logPath(req.originalUrl), err: error instanceof Error ? error.message : String(error) }, "request failed");
    // serve-static's own refusals (a bad range, a malformed path) keep their status.
    if (!res.headersSent && error.status && error.status < 500) res.status(error.status).end();
    else if (!res.headersSent) res.status(500).type("text/plain").send("Internal Server Error");
    else res.destroy();
  });

  const server = app.listen(port, host, () => {
    if (cluster.isPrimary || cluster.worker?.id === 1)
      log.info({ host, port, trustProxy: process.env.TRUST_PROXY || "off" }, `checkout-recovery listening on http://${host}:${port}`);
  });
  server.keepAliveTimeout = 65_000;
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
