// The demo's moving parts outside the simulation: the build, the fresh database, the production server as a child
// process, free ports, and one cleanup list that stops everything the demo started (on exit, error or Ctrl-C).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

type Closer = { name: string; close: () => Promise<void> | void };
const closers: Closer[] = [];
let cleaning: Promise<void> | null = null;

/** Register something to stop when the demo ends (last registered, first stopped). */
export function onCleanup(name: string, close: () => Promise<void> | void) {
  closers.push({ name, close });
}

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (closers.length) {
      const c = closers.pop()!;
      try {
        await Promise.race([c.close(), new Promise((r) => setTimeout(r, 5_000))]);
      } catch (e) {
        process.stderr.write(`demo: stopping ${c.name} failed: ${(e as Error).message}\n`);
      }
    }
  })();
  return cleaning;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  const stack = [dir];
  for (let guard = 0; stack.length && guard < 100_000; guard++) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  }
  return newest;
}

/** Why the build must be (re)made, or null when build/ and public/build are newer than every source. */
export function buildStaleReason(root: string): string | null {
  const server = path.join(root, "build", "index.js");
  const client = path.join(root, "public", "build");
  if (!fs.existsSync(server)) return "build/ is missing";
  if (!fs.existsSync(client) || !fs.readdirSync(client).some((f) => f.startsWith("manifest-"))) return "public/build is missing";
  const built = fs.statSync(server).mtimeMs;
  const sources = Math.max(
    newestMtime(path.join(root, "app")),
    ...["remix.config.js", "package.json"].map((f) => (fs.existsSync(path.join(root, f)) ? fs.statSync(path.join(root, f)).mtimeMs : 0)),
  );
  return sources > built ? "app/ changed since the last build" : null;
}

export function build(root: string, logFile: string) {
  const cli = path.join(root, "node_modules", "@remix-run", "dev", "dist", "cli.js");
  const res = spawnSync(process.execPath, [cli, "build"], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_ENV: "production" }, timeout: 240_000 });
  fs.writeFileSync(logFile, `${res.stdout ?? ""}${res.stderr ?? ""}`);
  if (res.status !== 0) throw new Error(`remix build failed (exit ${res.status ?? res.signal}); see ${logFile}`);
}

/** A brand-new SQLite database with every migration applied. */
export function freshDatabase(root: string, file: string): string {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
  const url = `file:${file}`;
  const res = spawnSync(process.execPath, [path.join(root, "scripts", "db.mjs"), "setup"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: url },
    timeout: 120_000,
  });
  if (res.status !== 0) throw new Error(`database setup failed: ${(res.stderr || res.stdout).trim().split("\n").slice(-3).join(" ")}`);
  return url;
}

export interface ServerHandle {
  url: string;
  child: ChildProcess;
  logFile: string;
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** Starts server.mjs (the production server) as a child process and waits until it answers. */
export async function startServer(root: string, env: Record<string, string>, logFile: string): Promise<ServerHandle> {
  const log = fs.openSync(logFile, "w");
  const child = spawn(process.execPath, ["server.mjs"], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  let exited: number | string | null = null;
  child.on("exit", (code, signal) => {
    exited = code ?? signal ?? "?";
  });
  onCleanup("app server", () => stopChild(child));
  const url = `http://127.0.0.1:${env.PORT}`;
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (exited !== null) throw new Error(`the app server exited (${exited}) while starting:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${url}/`, { redirect: "manual", signal: AbortSignal.timeout(2_000) });
      if (res.status < 500) return { url, child, logFile };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the app server did not answer within 60 s:\n${tail(logFile)}`);
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
