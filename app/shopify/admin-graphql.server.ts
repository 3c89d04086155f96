// Admin GraphQL without a request: for the engine, the cron and anything else that acts for a shop on its own.
// Loads the shop's offline session (refreshed when it is an expiring token close to expiry) and POSTs to
// https://<shop>/admin/api/<API_VERSION>/graphql.json with X-Shopify-Access-Token.
//
// Failure policy:
//   - throttled (HTTP 429, or a THROTTLED error with the cost extension): wait for the bucket to refill at the
//     restore rate (or Retry-After), then retry; at most `maxThrottleRetries` times.
//   - network failures (connection refused/reset, socket closed, timeout) and 502/503/504: retry with a doubling
//     backoff; at most `maxNetworkRetries` times. A mutation retried after a lost response may already have run:
//     callers make their mutations safe to repeat (unique discount codes are; see app/incentives).
//   - anything else (401/403/404, GraphQL errors): no retry, an AdminGraphqlError.
//   - userErrors are data, returned to the caller to record (never retried here).
// Every wait goes through `sleep`, so tests inject one and never wait for real.
//
// Decision (issue 16): kept, rather than the library's client (@shopify/shopify-api `api.clients.Graphql({ session })`,
// the `admin.graphql` of unauthenticated.admin(shop); both are @shopify/admin-api-client over @shopify/graphql-client
// 2.0). That client gives the same data, returns userErrors as data and refuses GraphQL and HTTP errors as we do
// (tests/unit/admin-graphql-library.test.ts runs both against the same stand-in over HTTP), but its `retries` cover
// only network failures and HTTP 429/503, and it:
//   - does not retry THROTTLED at HTTP 200, which is how the Admin GraphQL API's cost throttle answers: it throws a
//     GraphqlQueryError at once, so the throttle policy above would have to be rebuilt around it anyway;
//   - does not retry 502/504 (and reports them as "max retries" when `retries` > 0, without having retried);
//   - waits with its own setTimeout (1 s, or Retry-After read as milliseconds where Shopify sends seconds): no
//     injectable sleep, so tests would wait for real and the engine could not bound its waits;
//   - has no request timeout, and sends no operationName (our logs and the stand-in go by it).
// Wrapping it in our policy keeps every line of policy below and adds a Session and a shopifyApi config per call.
// Its cost per request against ours: `npm run bench:infra` (bench/RESULTS.md, issue 16's section).
//
// SHOPIFY_ADMIN_API_BASE_URL (tests and the local demo only; unset in production) replaces `https://<shop>`;
// a `{shop}` in it is replaced by the shop's domain, so one stand-in can serve several shops.
import { log } from "../log.server";
import { API_VERSION } from "./api-version";
import type { GraphqlOperation } from "./graphql/operation";

export type AdminGraphqlErrorKind = "no_session" | "throttled" | "network" | "http" | "graphql";

export class AdminGraphqlError extends Error {
  constructor(
    readonly kind: AdminGraphqlErrorKind,
    message: string,
    readonly detail: { status?: number; attempts?: number; operation?: string } = {},
  ) {
    super(message);
    this.name = "AdminGraphqlError";
  }
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost?: number | null;
  actualQueryCost?: number | null;
  throttleStatus?: ThrottleStatus;
}

export interface AdminGraphql {
  readonly shop: string;
  /** Runs a named operation; resolves with its `data` (userErrors included), rejects with AdminGraphqlError. */
  request<TVariables, TData>(operation: GraphqlOperation<TVariables, TData>, variables: TVariables): Promise<TData>;
}

export interface AdminGraphqlOptions {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Replaces `https://<shop>`; default: env SHOPIFY_ADMIN_API_BASE_URL, then the shop itself. */
  baseUrl?: string;
  apiVersion?: string;
  /** The offline access token for the shop, or null when the app has none (uninstalled, never installed). */
  loadAccessToken?: (shop: string) => Promise<string | null>;
  maxThrottleRetries?: number;
  maxNetworkRetries?: number;
  /** First network backoff; doubles each retry. */
  networkBackoffMs?: number;
  /** No single wait is longer than this. */
  maxWaitMs?: number;
  timeoutMs?: number;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function offlineAccessToken(shop: string): Promise<string | null> {
  try {
    // Loaded on first use: the engine imports this module, and shopifyApp() needs the app's credentials.
    const { unauthenticated } = await import("../shopify.server");
    const { session } = await unauthenticated.admin(shop);
    return session.accessToken ?? null;
  } catch (error) {
    log.warn({ shop, err: (error as Error).message }, "admin graphql: no usable offline session");
    return null;
  }
}

export function adminGraphqlUrl(shop: string, { baseUrl, apiVersion }: { baseUrl?: string; apiVersion?: string } = {}): string {
  const override = baseUrl ?? process.env.SHOPIFY_ADMIN_API_BASE_URL;
  const base =
    override && override.trim() !== ""
      ? override
          .trim()
          .replace(/\{shop\}/g, shop)
          .replace(/\/+$/, "")
      : `https://${shop}`;
  return `${base}/admin/api/${apiVersion ?? API_VERSION}/graphql.json`;
}

/** How long to wait before the bucket holds what the throttled query asked for. */
export function throttleWaitMs(cost: QueryCost | undefined, fallbackMs = 1000): number {
  const status = cost?.throttleStatus;
  if (!status || !(status.restoreRate > 0)) return fallbackMs;
  const needed = (cost?.requestedQueryCost ?? 50) - status.currentlyAvailable;
  if (needed <= 0) return 250; // raced with the refill: a short pause is enough
  return Math.ceil((needed / status.restoreRate) * 1000);
}

function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  return null;
}

interface GraphqlBody {
  data?: unknown;
  errors?: Array<{ message?: string; extensions?: { code?: string } }> | string;
  extensions?: { cost?: QueryCost };
}

/** An Admin GraphQL client for a shop, acting with its offline session. */
export function adminGraphqlFor(shop: string, options: AdminGraphqlOptions = {}): AdminGraphql {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? realSleep;
  const loadAccessToken = options.loadAccessToken ?? offlineAccessToken;
  const maxThrottleRetries = options.maxThrottleRetries ?? 4;
  const maxNetworkRetries = options.maxNetworkRetries ?? 2;
  const networkBackoffMs = options.networkBackoffMs ?? 500;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const url = adminGraphqlUrl(shop, options);

  return {
    shop,
    async request<TVariables, TData>(operation: GraphqlOperation<TVariables, TData>, variables: TVariables): Promise<TData> {
      const token = await loadAccessToken(shop);
      if (!token) throw new AdminGraphqlError("no_session", `no offline session for ${shop}`, { operation: operation.name });
      const body = JSON.stringify({ query: operation.query, operationName: operation.name, variables });
      let throttles = 0;
      let networkFailures = 0;
      for (let attempt = 1; ; attempt++) {
        const context = { shop, operation: operation.name, attempt };
        let res: Response;
        try {
          res = await doFetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": token },
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          networkFailures += 1;
          const reason = (error as Error).message || String(error);
          if (networkFailures > maxNetworkRetries) {
            throw new AdminGraphqlError("network", `network failure: ${reason}`, { attempts: attempt, operation: operation.name });
          }
          const wait = Math.min(maxWaitMs, networkBackoffMs * 2 ** (networkFailures - 1));
          log.warn({ ...context, reason, waitMs: wait }, "admin graphql: network failure, retrying");
          await sleep(wait);
          continue;
        }

        let parsed: GraphqlBody | null = null;
        const text = await res.text().catch(() => "");
        try {
          parsed = text ? (JSON.parse(text) as GraphqlBody) : null;
        } catch {
          parsed = null;
        }
        const cost = parsed?.extensions?.cost;
        // GraphQL errors are a list; REST-style failures (401, 404) put a string there.
        const errors = Array.isArray(parsed?.errors) ? parsed.errors : [];
        const throttled = res.status === 429 || errors.some((e) => e?.extensions?.code === "THROTTLED" || e?.message === "Throttled");

        if (throttled) {
          throttles += 1;
          if (throttles > maxThrottleRetries) {
            throw new AdminGraphqlError("throttled", `throttled ${throttles} times`, { status: res.status, attempts: attempt, operation: operation.name });
          }
          const wait = Math.min(maxWaitMs, retryAfterMs(res.headers.get("Retry-After")) ?? throttleWaitMs(cost));
          log.warn({ ...context, status: res.status, throttleStatus: cost?.throttleStatus, waitMs: wait }, "admin graphql: throttled, waiting");
          await sleep(wait);
          continue;
        }

        if (res.status === 502 || res.status === 503 || res.status === 504) {
          networkFailures += 1;
          if (networkFailures > maxNetworkRetries) {
            throw new AdminGraphqlError("http", `HTTP ${res.status}`, { status: res.status, attempts: attempt, operation: operation.name });
          }
          const wait = Math.min(maxWaitMs, networkBackoffMs * 2 ** (networkFailures - 1));
          log.warn({ ...context, status: res.status, waitMs: wait }, "admin graphql: upstream error, retrying");
          await sleep(wait);
          continue;
        }

        if (!res.ok) {
          throw new AdminGraphqlError("http", `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`, {
            status: res.status,
            attempts: attempt,
            operation: operation.name,
          });
        }
        if (!parsed) {
          throw new AdminGraphqlError("graphql", "response is not JSON", { status: res.status, attempts: attempt, operation: operation.name });
        }
        if (errors.length) {
          const message = errors.map((e) => e?.message ?? "error").join("; ");
          throw new AdminGraphqlError("graphql", message, { status: res.status, attempts: attempt, operation: operation.name });
        }
        if (parsed.data === undefined || parsed.data === null) {
          throw new AdminGraphqlError("graphql", "response has no data", { status: res.status, attempts: attempt, operation: operation.name });
        }
        log.debug({ ...context, cost: cost?.actualQueryCost, available: cost?.throttleStatus?.currentlyAvailable }, "admin graphql: ok");
        return parsed.data as TData;
      }
    },
  };
}
