// Benchmark-only resource route (bench/ingest.ts): an empty action, the framework's ceiling on the same server setup.
// It answers 404 unless the server was started with BENCH_ROUTES=1.
const enabled = () => process.env.BENCH_ROUTES === "1";

export const action = () => (enabled() ? new Response("ok") : new Response("Not Found", { status: 404 }));
export const loader = action;
