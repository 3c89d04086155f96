// Logging outside the build: the level every logger of the app uses (app/log.server.ts too), and the logger of
// server.mjs and its cluster primary: pino JSON lines, info and warnings on stdout, errors on stderr.
import pino from "pino";

/** LOG_LEVEL, else silent under tests and info otherwise. */
export function logLevel(env = process.env) {
  return env.LOG_LEVEL ?? (env.NODE_ENV === "test" ? "silent" : "info");
}

export function serverLog() {
  const streams = [
    { level: "trace", stream: pino.destination({ fd: 1, sync: true }) },
    { level: "error", stream: pino.destination({ fd: 2, sync: true }) },
  ];
  return pino({ level: logLevel(), base: { app: "checkout-recovery" } }, pino.multistream(streams, { dedupe: true }));
}
