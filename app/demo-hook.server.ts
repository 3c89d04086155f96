// The one place production code asks about the local demo (`npm run demo`). Everything the demo does lives in
// demo/demo.server.ts, which production never imports; what production may relax for it is answered here, from the
// environment, and is all off unless DEMO_MODE=1 on a loopback-only development server.
//
// The guard rules live here too (demo/demo.server.ts re-exports them): the demo refuses NODE_ENV=production, a
// non-loopback HOST, and missing demo credentials. server.mjs calls assertDemoAllowed (through demo/demo.server.ts)
// before it loads the build or the database, so a refused demo never starts.
//
// This file runs in two ways: imported by server.mjs (through demo/demo.server.ts) with Node's type stripping (so:
// node built-ins only, type-only imports, no enums or parameter properties), and by the app through the bundler.
import net from "node:net";

/** An environment to read: process.env, or a plain object in tests. */
export type DemoEnv = Record<string, string | undefined>;

export class DemoRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DemoRefusedError";
  }
}

/** DEMO_MODE=1 turns the demo on; unset (or "0") leaves it off. Anything else is a mistake worth stopping for. */
export function demoEnabled(env: DemoEnv = process.env): boolean {
  const v = (env.DEMO_MODE ?? "").trim();
  if (v === "" || v === "0") return false;
  if (v === "1") return true;
  throw new DemoRefusedError(`DEMO_MODE must be 1 or unset (got ${JSON.stringify(v)}).`);
}

/** A host name or address that only this machine can reach. */
export function isLoopbackHost(host: string | undefined | null): boolean {
  const h = (host ?? "")
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost") return true;
  if (net.isIPv4(h)) return h.startsWith("127.");
  if (net.isIPv6(h)) {
    if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return !!mapped && mapped[1].startsWith("127.");
  }
  return false;
}

/**
 * Throws a DemoRefusedError with a clear reason when the demo must not run: in production, or bound to an address
 * other machines can reach (server.mjs binds HOST, default 0.0.0.0). Does nothing when DEMO_MODE is off.
 */
export function assertDemoAllowed(env: DemoEnv = process.env): void {
  if (!demoEnabled(env)) return;
  if (env.NODE_ENV === "production") {
    throw new DemoRefusedError(
      "DEMO_MODE=1 refuses to run with NODE_ENV=production: the demo mints admin session tokens for anyone on this machine and lets the cron route move the clock. Unset DEMO_MODE in production.",
    );
  }
  const host = env.HOST ?? "0.0.0.0";
  if (!isLoopbackHost(host)) {
    throw new DemoRefusedError(
      `DEMO_MODE=1 refuses to listen on ${host}: the demo is for this machine only. Set HOST=127.0.0.1 (or ::1, localhost), or unset DEMO_MODE.`,
    );
  }
  if (!env.SHOPIFY_API_KEY || !env.SHOPIFY_API_SECRET)
    throw new DemoRefusedError("DEMO_MODE=1 needs SHOPIFY_API_KEY and SHOPIFY_API_SECRET (demo values) to mint session tokens.");
}

/** What production code relaxes for the local demo. Everything false unless the demo is on and allowed here. */
export interface DemoOverrides {
  /**
   * Web push may go to the demo's push receiver, which listens on loopback: the push SSRF guard (sender and
   * /proxy/subscribe) lets non-public addresses through, but only when every PUSH_ALLOWED_HOSTS entry is itself a
   * loopback name.
   */
  allowNonPublicPushEndpoints: boolean;
  /**
   * The cron route honours `now` in its body (time travel through the cadence). DEMO_MODE=1 alone says so: a server
   * that would be refused (production, a public HOST) never starts, so no guard is repeated per request.
   */
  allowClockOverride: boolean;
}

const NONE: DemoOverrides = { allowNonPublicPushEndpoints: false, allowClockOverride: false };

export function demoOverrides(env: DemoEnv = process.env): DemoOverrides {
  const allowClockOverride = env.DEMO_MODE === "1";
  try {
    if (!demoEnabled(env)) return NONE;
    assertDemoAllowed(env);
  } catch {
    return { ...NONE, allowClockOverride };
  }
  const hosts = (env.PUSH_ALLOWED_HOSTS ?? "")
    .split(/[,\s]+/)
    .map((h) => h.trim())
    .filter(Boolean);
  return { allowNonPublicPushEndpoints: hosts.length > 0 && hosts.every((h) => isLoopbackHost(h)), allowClockOverride };
}
