// The cluster primary of server.mjs (scripts/worker-supervisor.mjs): the restart policy on a given clock, and a real
// cluster in a child process (tests/fixtures/supervised-cluster.mjs) whose workers crash or are killed.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { restartPolicy } from "../../scripts/worker-supervisor.mjs";

describe("restartPolicy", () => {
  it("doubles the pause with each crash in the window, up to the cap, and gives up past maxCrashes", () => {
    const next = restartPolicy({ maxCrashes: 4, windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 500 });
    expect([0, 1_000, 2_000, 3_000].map((t) => next(t))).toEqual([
      { giveUp: false, delayMs: 100, crashes: 1 },
      { giveUp: false, delayMs: 200, crashes: 2 },
      { giveUp: false, delayMs: 400, crashes: 3 },
      { giveUp: false, delayMs: 500, crashes: 4 },
    ]);
    expect(next(4_000)).toEqual({ giveUp: true, crashes: 5 });
  });

  it("forgets crashes older than the window: a worker dying now and then is always replaced", () => {
    const next = restartPolicy({ maxCrashes: 2, windowMs: 60_000, baseDelayMs: 100 });
    for (let i = 0; i < 20; i++) expect(next(i * 60_000)).toEqual({ giveUp: false, delayMs: 100, crashes: 1 });
    expect(next(19 * 60_000 + 1)).toEqual({ giveUp: false, delayMs: 200, crashes: 2 });
    expect(next(19 * 60_000 + 2).giveUp).toBe(true);
  });
});

interface Line {
  msg: string;
  pid?: number;
  signal?: string | null;
  code?: number | null;
  restartInMs?: number;
  level?: number;
}

/** The fixture cluster as a child process, its JSON lines as they come, and a way to wait for one. */
function startCluster(env: Record<string, string>) {
  const child = spawn(process.execPath, [path.resolve(__dirname, "../fixtures/supervised-cluster.mjs")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Line[] = [];
  const waiters: Array<{ test: (l: Line[]) => boolean; resolve: () => void }> = [];
  let partial = "";
  child.stdout!.on("data", (d: Buffer) => {
    partial += d.toString();
    const parts = partial.split("\n");
    partial = parts.pop()!;
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Line);
    for (const w of waiters.splice(0)) {
      if (w.test(lines)) w.resolve();
      else waiters.push(w);
    }
  });
  // "close", not "exit": the lines the processes wrote just before exiting have been read by then.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const until = (test: (l: Line[]) => boolean) => new Promise<void>((resolve) => (test(lines) ? resolve() : waiters.push({ test, resolve })));
  return { child, lines, exited, until };
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});

describe("superviseWorkers in a real cluster", () => {
  it("forks again a worker that crashes, pausing longer each time, and gives up (exit 1) past the limit", async () => {
    const c = startCluster({ WORKERS: "1", CRASH: "1" });
    running.push(c.child);
    expect(await c.exited).toBe(1);
    const ups = c.lines.filter((l) => l.msg === "worker up");
    const restarts = c.lines.filter((l) => l.msg === "worker died: forking another");
    expect(ups).toHaveLength(4); // the first worker and three replacements
    expect(restarts.map((l) => [l.code, l.restartInMs])).toEqual([
      [3, 1],
      [3, 2],
      [3, 4],
    ]);
    expect(c.lines.at(-1)).toMatchObject({ msg: "workers keep dying: giving up", level: 60 });
  });

  it("replaces a worker killed from outside, and forks none when the primary is stopped (SIGTERM, exit 0)", async () => {
    const c = startCluster({ WORKERS: "2" });
    running.push(c.child);
    await c.until((l) => l.filter((x) => x.msg === "worker up").length === 2);
    const victim = c.lines.find((l) => l.msg === "worker up")!.pid!;
    process.kill(victim, "SIGKILL");
    await c.until((l) => l.filter((x) => x.msg === "worker up").length === 3);
    expect(c.lines.filter((l) => l.msg === "worker died: forking another").map((l) => l.signal)).toEqual(["SIGKILL"]);
    c.child.kill("SIGTERM");
    expect(await c.exited).toBe(0);
    expect(c.lines.filter((l) => l.msg === "worker stopping")).toHaveLength(2); // both live workers asked to finish
    expect(c.lines.filter((l) => l.msg === "worker up")).toHaveLength(3); // and none forked after the stop
    expect(c.lines.filter((l) => l.msg === "worker died: forking another")).toHaveLength(1);
  });
});
