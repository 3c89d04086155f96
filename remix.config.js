/** @type {import('@remix-run/dev').AppConfig} */
export default {
  // The benchmark's empty action (app/routes/bench.empty.tsx) is built only for `npm run bench:ingest` (BENCH_BUILD=1).
  ignoredRouteFiles: ["**/.*", "**/*.test.*", ...(process.env.BENCH_BUILD === "1" ? [] : ["**/bench.*"])],
  appDirectory: "app",
  serverModuleFormat: "esm",
  serverPlatform: "node",
  // Inline JSON imports (Node needs an import attribute for JSON that the compiler does not emit).
  serverDependenciesToBundle: [/^@shopify\/polaris\/locales\//],
  dev: { port: Number(process.env.HMR_SERVER_PORT) || 8002 },
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: false,
  },
};
