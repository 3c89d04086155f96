// The cluster primary of server.mjs (WEB_CONCURRENCY > 1): forks the workers, forks again one that dies unexpectedly
// (after a growing pause), and gives up, stopping the others and exiting 1, when workers keep dying (more than
// `maxCrashes` in `windowMs`): a process manager or the platform then restarts or reports the whole server. A worker
// that exits because the primary is stopping (SIGTERM, SIGINT) is not replaced; the primary waits for the workers to
// finish their requests, up to `stopTimeoutMs`.
import cluster from "node:cluster";

/**
 * When to fork again after a crash at `now` (ms): the pause doubles with each crash in the window, from `baseDelayMs`
 * up to `maxDelayMs`; past `maxCrashes` crashes in `windowMs`, give up.
 */
export function restartPolicy({ maxCrashes = 5, windowMs = 60_000, baseDelayMs = 100, maxDelayMs = 10_000 } = {}) {
  const crashes = [];
  return (now) => {
    while (crashes.length > 0 && now - crashes[0] >= windowMs) crashes.shift();
    crashes.push(now);
    if (crashes.length > maxCrashes) return { giveUp: true, crashes: crashes.length };
    return { giveUp: false, delayMs: Math.min(maxDelayMs, baseDelayMs * 2 ** (crashes.length - 1)), crashes: crashes.length };
  };
}

/**
 * @param {{ count: number, log: import("pino").Logger, policy?: ReturnType<typeof restartPolicy>, now?: () => number, stopTimeoutMs?: number }} options
 */
export function superviseWorkers({ count, log, policy = restartPolicy(), now = Date.now, stopTimeoutMs = 10_000 }) {
  let stopping = false;
  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    if (alive.length === 0) process.exit(code);
    let left = alive.length;
    for (const w of alive) {
      w.once("exit", () => --left === 0 && process.exit(code));
      // The signal itself, not cluster's worker.kill(): that one disconnects first, and a worker that sees its channel
      // close before the message saying why exits at once, without finishing its requests.
      w.process.kill("SIGTERM");
    }
    setTimeout(() => process.exit(code), stopTimeoutMs).unref();
  };
  cluster.on("exit", (worker, code, signal) => {
    if (stopping || worker.exitedAfterDisconnect) return;
    const decision = policy(now());
    if (decision.giveUp) {
      log.fatal({ worker: worker.id, code, signal, crashes: decision.crashes }, "workers keep dying: giving up");
      return stop(1);
    }
    log.error({ worker: worker.id, code, signal, restartInMs: decision.delayMs }, "worker died: forking another");
    setTimeout(() => stopping || cluster.fork(), decision.delayMs);
  });
  for (let i = 0; i < count; i++) cluster.fork();
  process.on("SIGTERM", () => stop(0));
  process.on("SIGINT", () => stop(0));
  return { stop };
}
