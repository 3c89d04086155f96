// Production server: Express in front of the Remix build. No per-request access log by default (it costs more
// than a webhook's own work); set LOG_REQUESTS=1 to get one line per request.
// WEB_CONCURRENCY=N forks N workers sharing the port (one per core).
import cluster from "node:cluster";
import path from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import { verifyDatabase } from "./scripts/verify-db.mjs";

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || "0.0.0.0";
const workers = Math.max(1, Number(process.env.WEB_CONCURRENCY || 1));

// Local demo only (`npm run demo`): not even loaded unless DEMO_MODE is set; it refuses NODE_ENV=production and
// non-loopback hosts (app/demo.server.ts holds everything the demo relaxes).
let demoAdmin = null;
if (process.env.DEMO_MODE) {
  try {
    demoAdmin = (await import("./app/demo.server.ts")).demoAdminMiddleware();
  } catch (e) {
    console.error(`checkout-recovery: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

async function start() {
  const problem = await verifyDatabase();
  if (problem) {
    console.error(`checkout-recovery: ${problem}`);
    process.exit(1);
  }
  const build = await import(pathToFileURL(path.resolve("build/index.js")).href);
  const app = express();
  app.disable("x-powered-by");
  if (process.env.LOG_REQUESTS === "1") {
    app.use((req, res, next) => {
      const t = process.hrtime.bigint();
      res.on("finish", () => console.log(JSON.stringify({ method: req.method, url: req.originalUrl.split("?")[0], status: res.statusCode, ms: Number(process.hrtime.bigint() - t) / 1e6 })));
      next();
    });
  }
  if (demoAdmin) app.use(demoAdmin);
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV || "production" }));
  const server = app.listen(port, host, () => {
    if (cluster.isPrimary || cluster.worker?.id === 1) console.log(`checkout-recovery listening on http://${host}:${port}`);
  });
  server.keepAliveTimeout = 65_000;
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
