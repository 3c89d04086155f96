/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
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
