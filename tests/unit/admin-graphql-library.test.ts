// Our Admin GraphQL client (adminGraphqlFor, app/shopify/admin-graphql.server.ts) against the library's
// (@shopify/shopify-api's `api.clients.Graphql({ session })`, which is @shopify/admin-api-client over
// @shopify/graphql-client): the same operations against the same Admin GraphQL stand-in over real HTTP (two instances
// of it, set up alike, so each client sees fresh and equal state). Same: the data of every operation the app runs,
// userErrors returned as data, GraphQL errors and HTTP errors refused without a retry, a 429 retried. Different (each
// asserted below, the reasons ours is kept): THROTTLED at HTTP 200 (how the Admin GraphQL API throttles), 502/504,
// a 503 or a network failure without a retry budget, and the request's operationName.
// Nothing waits for real: ours gets an injected sleep; the library is only driven where it does not sleep (its
// waits are setTimeout in @shopify/graphql-client: 1 s, or Retry-After read as milliseconds).
import "@shopify/shopify-api/adapters/node";
import {
  GraphqlQueryError,
  HttpInternalError,
  HttpMaxRetriesError,
  HttpRequestError,
  HttpResponseError,
  HttpThrottlingError,
  LogSeverity,
  Session,
  shopifyApi,
} from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { API_VERSION } from "../../app/shopify/api-version";
import { AdminGraphqlError, adminGraphqlFor } from "../../app/shopify/admin-graphql.server";
import { AbandonedCheckoutsUpdatedSince } from "../../app/shopify/graphql/abandoned-checkouts-updated-since";
import { CodeDiscountNodeByCode } from "../../app/shopify/graphql/code-discount-node-by-code";
import { DiscountCodeBasicCreate } from "../../app/shopify/graphql/discount-code-basic-create";
import { DiscountCodeDeactivate } from "../../app/shopify/graphql/discount-code-deactivate";
import { DiscountCodeFreeShippingCreate } from "../../app/shopify/graphql/discount-code-free-shipping-create";
import { MainThemeSettings } from "../../app/shopify/graphql/main-theme-settings";
import type { GraphqlOperation } from "../../app/shopify/graphql/operation";
import { OrdersUpdatedSince } from "../../app/shopify/graphql/orders-updated-since";
import { ShopProfile } from "../../app/shopify/graphql/shop-profile";
import { API_KEY, API_SECRET_KEY, TEST_SHOP } from "../helpers/constants";
import { startAdminGraphqlStandin, type AdminGraphqlStandin, type Scripted } from "../helpers/standins/admin-graphql";
import { abandonedCheckoutNode, modelOrders, orderNode } from "../helpers/standins/admin-graphql-orders";
import { registerShopProfile } from "../helpers/standins/shop-profile";
import { registerMainTheme } from "../helpers/standins/themes";

const TOKEN = "shpat_test_token";
const T0 = new Date("2026-11-20T10:00:00.000Z");
const MIN = 60_000;

let oursSide: AdminGraphqlStandin;
let librarySide: AdminGraphqlStandin;

// The same nodes (the factories number them) in both stand-ins.
const ORDERS = [0, 1, 2].map((i) =>
  orderNode({ id: 500 + i, checkoutToken: `tok-${i}`, email: `ada+${i}@example.com`, createdAt: new Date(T0.getTime() + i * MIN), total: `${10 + i}.50` }),
);
const CHECKOUTS = [0, 1, 2].map((i) =>
  abandonedCheckoutNode({ token: `ac-${i}`, shop: TEST_SHOP, email: `grace+${i}@example.com`, createdAt: new Date(T0.getTime() + i * MIN) }),
);

function model(standin: AdminGraphqlStandin) {
  registerShopProfile(standin);
  registerMainTheme(standin, { embedOn: true });
  const shop = modelOrders(standin);
  for (const node of ORDERS) shop.addOrder(TEST_SHOP, node);
  for (const node of CHECKOUTS) shop.addAbandonedCheckout(TEST_SHOP, node);
}

// The library as an app uses it: shopifyApi's config, an offline Session, api.clients.Graphql. Its fetch is the
// runtime's abstractFetch; here it sends https://<shop>/admin/... to the stand-in, as SHOPIFY_ADMIN_API_BASE_URL
// does for ours.
const api = shopifyApi({
  apiKey: API_KEY,
  apiSecretKey: API_SECRET_KEY,
  hostName: "127.0.0.1",
  apiVersion: API_VERSION,
  isEmbeddedApp: true,
  logger: { level: LogSeverity.Error },
});
const session = new Session({ id: `offline_${TEST_SHOP}`, shop: TEST_SHOP, state: "state", isOnline: false, accessToken: TOKEN });

type Outcome = { data: unknown } | { error: string; status?: number; message?: string };

async function viaLibrary<V, D>(op: GraphqlOperation<V, D>, variables: V, { retries = 0, token = TOKEN } = {}): Promise<Outcome> {
  const client = new api.clients.Graphql({ session: new Session({ ...session.toObject(), accessToken: token }) });
  try {
    const res = await client.request(op.query, { variables: variables as Record<string, unknown>, retries });
    return { data: res.data };
  } catch (error) {
    if (error instanceof GraphqlQueryError) return { error: "graphql", message: error.message };
    if (error instanceof HttpThrottlingError) return { error: "throttled", status: error.response.code };
    if (error instanceof HttpInternalError) return { error: "http", status: error.response.code };
    if (error instanceof HttpResponseError) return { error: "http", status: error.response.code };
    if (error instanceof HttpMaxRetriesError) return { error: "max_retries", message: error.message };
    if (error instanceof HttpRequestError) return { error: "network" };
    throw error;
  }
}

const waits: number[] = [];
async function viaOurs<V, D>(op: GraphqlOperation<V, D>, variables: V, { token = TOKEN } = {}): Promise<Outcome> {
  const client = adminGraphqlFor(TEST_SHOP, { baseUrl: oursSide.shopBaseUrl, loadAccessToken: async () => token, sleep: async (ms) => void waits.push(ms) });
  try {
    return { data: await client.request(op, variables) };
  } catch (error) {
    if (!(error instanceof AdminGraphqlError)) throw error;
    return { error: error.kind, status: error.detail.status, message: error.message };
  }
}

/** Scripts the same answers on both stand-ins. */
function script(operation: string, ...answers: Scripted[]) {
  oursSide.script(operation, ...answers);
  librarySide.script(operation, ...answers);
}

const common = (code: string) => ({
  title: "Recovery code",
  code,
  startsAt: T0.toISOString(),
  endsAt: new Date(T0.getTime() + 7 * 24 * 60 * MIN).toISOString(),
  usageLimit: 1,
  appliesOncePerCustomer: true,
  context: { all: "ALL" as const },
  combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
  minimumRequirement: null,
});
const percent = (code: string) => ({ basicCodeDiscount: { ...common(code), customerGets: { items: { all: true as const }, value: { percentage: 0.1 } } } });
const fixed = (code: string) => ({
  basicCodeDiscount: {
    ...common(code),
    minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "50.00" } },
    customerGets: { items: { all: true as const }, value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } } },
  },
});
const freeShipping = (code: string) => ({
  freeShippingCodeDiscount: {
    ...common(code),
    combinesWith: { orderDiscounts: true, productDiscounts: true, shippingDiscounts: false },
    destination: { all: true as const },
  },
});
const since = { first: 2, after: null, query: `updated_at:>'${new Date(T0.getTime() - MIN).toISOString()}'` };

beforeAll(async () => {
  oursSide = await startAdminGraphqlStandin({ token: TOKEN });
  librarySide = await startAdminGraphqlStandin({ token: TOKEN });
  model(oursSide);
  model(librarySide);
  const base = librarySide.baseUrl;
  setAbstractFetchFunc(((input: string | URL | Request, init?: RequestInit) =>
    fetch(String(input).replace(/^https:\/\/([^/]+)\//, `${base}/$1/`), init)) as typeof fetch);
});

afterAll(async () => {
  await oursSide.close();
  await librarySide.close();
});

beforeEach(() => {
  oursSide.reset();
  librarySide.reset();
  waits.length = 0;
});

afterEach(() => {
  // Both clients sent requests the stand-in accepts (path, version, token, document, variables), unless a case
  // sends invalid ones on purpose (it empties the lists).
  expect(oursSide.problems).toEqual([]);
  expect(librarySide.problems).toEqual([]);
});

describe("the same data from both clients", () => {
  const CASES: Array<[string, () => [GraphqlOperation<unknown, unknown>, unknown]]> = [
    ["ShopProfile", () => [ShopProfile, {}]],
    ["MainThemeSettings", () => [MainThemeSettings, {}]],
    ["OrdersUpdatedSince, first page", () => [OrdersUpdatedSince, since]],
    ["AbandonedCheckoutsUpdatedSince, first page", () => [AbandonedCheckoutsUpdatedSince, since]],
    ["DiscountCodeBasicCreate, percentage", () => [DiscountCodeBasicCreate, percent("CR-PCT10AAAA")]],
    ["DiscountCodeBasicCreate, fixed amount with a minimum subtotal", () => [DiscountCodeBasicCreate, fixed("CR-FIX5BBBB")]],
    ["DiscountCodeFreeShippingCreate", () => [DiscountCodeFreeShippingCreate, freeShipping("CR-SHIPCCCC")]],
  ] as never;
  for (const [name, make] of CASES) {
    it(name, async () => {
      const [op, variables] = make();
      const ours = await viaOurs(op, variables);
      const library = await viaLibrary(op, variables);
      expect(ours).toHaveProperty("data");
      expect(library).toEqual(ours);
    });
  }

  it("the second page of orders (cursor), a code read back, then deactivated", async () => {
    const oursResults: Outcome[] = [];
    const libraryResults: Outcome[] = [];
    for (const run of [viaOurs, viaLibrary]) {
      const first = (await run(OrdersUpdatedSince, since)) as { data: { orders: { pageInfo: { endCursor: string } } } };
      const second = await run(OrdersUpdatedSince, { ...since, after: first.data.orders.pageInfo.endCursor });
      await run(DiscountCodeBasicCreate, percent("CR-READBACK1"));
      const found = (await run(CodeDiscountNodeByCode, { code: "CR-READBACK1" })) as { data: { codeDiscountNodeByCode: { id: string } } };
      const off = await run(DiscountCodeDeactivate, { id: found.data.codeDiscountNodeByCode.id });
      (run === viaOurs ? oursResults : libraryResults).push(second, found, off);
    }
    expect(libraryResults).toEqual(oursResults);
    expect(oursResults[2]).toMatchObject({ data: { discountCodeDeactivate: { codeDiscountNode: { codeDiscount: { status: "EXPIRED" } }, userErrors: [] } } });
  });

  it("sends the same request: path, API version, token and variables", async () => {
    await viaOurs(DiscountCodeBasicCreate, percent("CR-REQUEST1"));
    await viaLibrary(DiscountCodeBasicCreate, percent("CR-REQUEST1"));
    const strip = (c: AdminGraphqlStandin["calls"][number]) => ({
      shop: c.shop,
      path: c.path,
      token: c.token,
      operationName: c.operationName,
      variables: c.variables,
    });
    expect(librarySide.calls.map(strip)).toEqual(oursSide.calls.map(strip));
    expect(oursSide.calls[0].path).toBe(`/${TEST_SHOP}/admin/api/${API_VERSION}/graphql.json`);
  });
});

describe("the same treatment of userErrors, GraphQL errors and HTTP errors", () => {
  it("userErrors are data: both resolve with them", async () => {
    const userErrors = [{ field: ["basicCodeDiscount", "endsAt"], code: "INVALID", message: "Ends at needs to be after starts_at" }];
    script("DiscountCodeBasicCreate", { kind: "userErrors", userErrors });
    const ours = await viaOurs(DiscountCodeBasicCreate, percent("CR-USERERR1"));
    const library = await viaLibrary(DiscountCodeBasicCreate, percent("CR-USERERR1"));
    expect(ours).toEqual({ data: { discountCodeBasicCreate: { codeDiscountNode: null, userErrors } } });
    expect(library).toEqual(ours);
  });

  it("a code already taken: the same TAKEN userError from both", async () => {
    for (const run of [viaOurs, viaLibrary]) await run(DiscountCodeFreeShippingCreate, freeShipping("CR-TWICE123"));
    const ours = await viaOurs(DiscountCodeFreeShippingCreate, freeShipping("CR-TWICE123"));
    const library = await viaLibrary(DiscountCodeFreeShippingCreate, freeShipping("CR-TWICE123"));
    expect(ours).toMatchObject({ data: { discountCodeFreeShippingCreate: { codeDiscountNode: null, userErrors: [{ code: "TAKEN" }] } } });
    expect(library).toEqual(ours);
  });

  it("GraphQL errors: both refuse, with the server's message, after one request", async () => {
    const bad = { basicCodeDiscount: { ...percent("CR-BADVARS1").basicCodeDiscount, usageLimit: 2 } };
    const ours = await viaOurs(DiscountCodeBasicCreate, bad);
    const library = await viaLibrary(DiscountCodeBasicCreate, bad, { retries: 2 });
    expect(ours).toMatchObject({ error: "graphql", message: expect.stringContaining("invalid variables: basicCodeDiscount.usageLimit") });
    expect(library).toEqual({ error: "graphql", message: "message" in ours ? ours.message : undefined });
    expect([oursSide.calls.length, librarySide.calls.length]).toEqual([1, 1]);
    oursSide.problems.length = 0;
    librarySide.problems.length = 0;
  });

  it("a wrong access token: both refuse with 401, no retry", async () => {
    const ours = await viaOurs(ShopProfile, {}, { token: "wrong-token" });
    const library = await viaLibrary(ShopProfile, {}, { token: "wrong-token", retries: 2 });
    expect(ours).toMatchObject({ error: "http", status: 401 });
    expect(library).toEqual({ error: "http", status: 401 });
    expect([oursSide.calls.length, librarySide.calls.length]).toEqual([1, 1]);
  });

  for (const status of [400, 403, 404, 500]) {
    it(`HTTP ${status}: both refuse with it, no retry`, async () => {
      script("ShopProfile", { kind: "http", status });
      const ours = await viaOurs(ShopProfile, {});
      const library = await viaLibrary(ShopProfile, {}, { retries: 2 });
      expect(ours).toMatchObject({ error: "http", status });
      // The library's "retries" turn a 5xx it did not retry into "max retries" (atMaxRetries is `retries > 0`).
      expect(library).toEqual(status === 500 ? { error: "max_retries", message: expect.any(String) } : { error: "http", status });
      expect([oursSide.calls.length, librarySide.calls.length]).toEqual([1, 1]);
    });
  }

  it("a 200 whose body is not JSON: both refuse", async () => {
    script("ShopProfile", { kind: "http", status: 200, body: "<html>maintenance</html>" });
    expect(await viaOurs(ShopProfile, {})).toMatchObject({ error: "graphql", message: "response is not JSON" });
    expect(await viaLibrary(ShopProfile, {})).toEqual({ error: "http", status: 200 });
  });

  it("HTTP 429: both retry and return the data (Retry-After 0, so the library does not wait for real)", async () => {
    script("ShopProfile", { kind: "throttled", status: 429, retryAfter: "0" });
    const ours = await viaOurs(ShopProfile, {});
    const library = await viaLibrary(ShopProfile, {}, { retries: 1 });
    expect(ours).toHaveProperty("data");
    expect(library).toEqual(ours);
    expect([oursSide.calls.length, librarySide.calls.length]).toEqual([2, 2]);
  });
});

describe("documented differences (why ours is kept)", () => {
  it("THROTTLED at HTTP 200 (the Admin GraphQL API's cost throttle): ours waits for the bucket and retries; the library refuses at once, whatever its retries", async () => {
    script("OrdersUpdatedSince", { kind: "throttled", requestedQueryCost: 10, currentlyAvailable: 0, restoreRate: 100 });
    const ours = await viaOurs(OrdersUpdatedSince, since);
    const library = await viaLibrary(OrdersUpdatedSince, since, { retries: 3 });
    expect(ours).toHaveProperty("data");
    expect(waits).toEqual([100]); // (10 - 0) points at 100 a second
    expect(library).toEqual({ error: "graphql", message: "Throttled" });
    expect([oursSide.calls.length, librarySide.calls.length]).toEqual([2, 1]);
  });

  it("HTTP 429 with Retry-After: ours waits the seconds it says; the library, without retries, refuses (and with them waits that many milliseconds)", async () => {
    script("ShopProfile", { kind: "throttled", status: 429, retryAfter: "2" });
    const ours = await viaOurs(ShopProfile, {});
    const library = await viaLibrary(ShopProfile, {});
    expect(ours).toHaveProperty("data");
    expect(waits).toEqual([2000]);
    expect(library).toEqual({ error: "throttled", status: 429 });
  });

  for (const status of [502, 504]) {
    it(`HTTP ${status}: ours retries after a backoff; the library does not retry it (only 429 and 503)`, async () => {
      script("ShopProfile", { kind: "http", status });
      const ours = await viaOurs(ShopProfile, {});
      const library = await viaLibrary(ShopProfile, {}, { retries: 2 });
      expect(ours).toHaveProperty("data");
      expect(waits).toEqual([500]);
      expect(library).toEqual({ error: "max_retries", message: expect.any(String) });
      expect([oursSide.calls.length, librarySide.calls.length]).toEqual([2, 1]);
    });
  }

  it("HTTP 503 and a network failure: ours retries with an injected backoff; the library retries only with `retries` and then sleeps 1 s for real, so here (retries 0) it refuses", async () => {
    script("ShopProfile", { kind: "http", status: 503 }, { kind: "network" });
    expect(await viaOurs(ShopProfile, {})).toHaveProperty("data");
    expect(waits).toEqual([500, 1000]);
    expect(await viaLibrary(ShopProfile, {})).toEqual({ error: "http", status: 503 });
    expect(await viaLibrary(ShopProfile, {})).toEqual({ error: "network" });
  });

  it("the request: ours names the operation (the stand-in and our logs go by it); the library sends only query and variables", async () => {
    const sent: Array<Record<string, unknown>> = [];
    const spy = (async (input: string | URL | Request, init?: RequestInit) => {
      sent.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return fetch(String(input).replace(/^https:\/\/([^/]+)\//, `${librarySide.baseUrl}/$1/`), init);
    }) as typeof fetch;
    setAbstractFetchFunc(spy);
    try {
      await viaLibrary(ShopProfile, {});
    } finally {
      const base = librarySide.baseUrl;
      setAbstractFetchFunc(((input: string | URL | Request, init?: RequestInit) =>
        fetch(String(input).replace(/^https:\/\/([^/]+)\//, `${base}/$1/`), init)) as typeof fetch);
    }
    const ours: Array<Record<string, unknown>> = [];
    await adminGraphqlFor(TEST_SHOP, {
      baseUrl: oursSide.shopBaseUrl,
      loadAccessToken: async () => TOKEN,
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        ours.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
        return fetch(input, init);
      }) as typeof fetch,
    }).request(ShopProfile, {});
    expect(Object.keys(ours[0]).sort()).toEqual(["operationName", "query", "variables"]);
    expect(Object.keys(sent[0]).sort()).toEqual(["query", "variables"]);
    expect(sent[0].query).toBe(ours[0].query);
  });
});
