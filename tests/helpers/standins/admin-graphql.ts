// A local stand-in for Shopify's Admin GraphQL API (node:http on 127.0.0.1, random port).
// It checks every request the way Shopify would reject it: path and API version, access token header, the named
// operation's document, and each mutation's variables against strict schemas of the 2026-10 input types (an unknown
// or missing field is a problem). Problems are recorded (tests assert there are none) and answered with a GraphQL
// error. It keeps the discounts it made, so codes are unique and deactivation finds them.
// Scripted answers per operation: success (default), userErrors, throttled (THROTTLED error with cost, or HTTP 429),
// network failure (socket destroyed before any answer), lost response (done, then the socket destroyed), HTTP status.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

export const STANDIN_API_VERSION = "2026-10";

export type Scripted =
  | { kind: "success"; waitFor?: Promise<unknown> }
  | { kind: "userErrors"; userErrors: Array<{ field: string[] | null; code: string | null; message: string }> }
  | { kind: "throttled"; status?: 200 | 429; requestedQueryCost?: number; currentlyAvailable?: number; restoreRate?: number; retryAfter?: string }
  | { kind: "network" }
  | { kind: "lostResponse" }
  | { kind: "http"; status: number; body?: string };

export interface RecordedCall {
  shop: string | null;
  path: string;
  token: string | null;
  operationName: string | null;
  variables: Record<string, unknown>;
  answered: Scripted["kind"] | "invalid";
}

export interface StandinDiscount {
  id: string;
  shop: string | null;
  code: string;
  type: "basic" | "free_shipping";
  input: Record<string, unknown>;
  status: "ACTIVE" | "EXPIRED";
}

const decimal = z.string().regex(/^\d+(\.\d+)?$/, "Decimal as a string");
const isoDateTime = z.string().refine((v) => /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v)), "ISO 8601 DateTime");

const common = {
  title: z.string().min(1),
  code: z.string().regex(/^[A-Z0-9-]{4,255}$/, "upper-case code"),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  usageLimit: z.literal(1),
  appliesOncePerCustomer: z.literal(true),
  context: z.object({ all: z.literal("ALL") }).strict(),
  combinesWith: z.object({ orderDiscounts: z.boolean(), productDiscounts: z.boolean(), shippingDiscounts: z.boolean() }).strict(),
  minimumRequirement: z
    .object({ subtotal: z.object({ greaterThanOrEqualToSubtotal: decimal }).strict() })
    .strict()
    .nullable()
    .optional(),
};

const endsAfterStart = (v: { startsAt: string; endsAt: string }) => Date.parse(v.endsAt) > Date.parse(v.startsAt);

const BasicInput = z
  .object({
    ...common,
    customerGets: z
      .object({
        items: z.object({ all: z.literal(true) }).strict(),
        value: z.union([
          z.object({ percentage: z.number().gt(0).lte(1) }).strict(),
          z.object({ discountAmount: z.object({ amount: decimal, appliesOnEachItem: z.boolean() }).strict() }).strict(),
        ]),
      })
      .strict(),
  })
  .strict()
  .refine(endsAfterStart, "endsAt must be after startsAt");

const FreeShippingInput = z
  .object({ ...common, destination: z.object({ all: z.literal(true) }).strict() })
  .strict()
  .refine(endsAfterStart, "endsAt must be after startsAt")
  .refine((v) => !v.combinesWith.shippingDiscounts, "a shipping discount cannot combine with shipping discounts");

const OPERATIONS: Record<string, { signature: string; variables: z.ZodTypeAny }> = {
  DiscountCodeBasicCreate: {
    signature: "mutation DiscountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!)",
    variables: z.object({ basicCodeDiscount: BasicInput }).strict(),
  },
  DiscountCodeFreeShippingCreate: {
    signature: "mutation DiscountCodeFreeShippingCreate($freeShippingCodeDiscount: DiscountCodeFreeShippingInput!)",
    variables: z.object({ freeShippingCodeDiscount: FreeShippingInput }).strict(),
  },
  DiscountCodeDeactivate: {
    signature: "mutation DiscountCodeDeactivate($id: ID!)",
    variables: z.object({ id: z.string().regex(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/) }).strict(),
  },
  CodeDiscountNodeByCode: {
    signature: "query CodeDiscountNodeByCode($code: String!)",
    variables: z.object({ code: z.string().min(1) }).strict(),
  },
};

/** A further operation the stand-in answers: its document signature, strict variables, and the documented `data`. */
export interface StandinOperation {
  signature: string;
  variables: z.ZodTypeAny;
  /** The `data` Shopify documents for this operation, for this shop and these variables. */
  answer(variables: Record<string, unknown>, shop: string | null): unknown;
}

export interface AdminGraphqlStandin {
  /** Adds (or replaces) an operation: modules under tests/helpers/standins/ register the queries they model. */
  register(operationName: string, operation: StandinOperation): void;
  /** http://127.0.0.1:<port>: a plain base for any caller (SHOPIFY_ADMIN_API_BASE_URL); the shop is then unknown. */
  baseUrl: string;
  /** http://127.0.0.1:<port>/{shop}: for app/shopify/admin-graphql.server.ts, which substitutes the shop, so the
   *  stand-in sees and checks which shop each call is for. */
  shopBaseUrl: string;
  calls: RecordedCall[];
  problems: string[];
  discounts: Map<string, StandinDiscount>;
  /** Answers for the next calls of an operation, in order; then success again. */
  script(operationName: string, ...answers: Scripted[]): void;
  callsOf(operationName: string): RecordedCall[];
  reset(): void;
  close(): Promise<void>;
}

const COST = { requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 } };

export async function startAdminGraphqlStandin({ token = "shpat_test_token" }: { token?: string } = {}): Promise<AdminGraphqlStandin> {
  const calls: RecordedCall[] = [];
  const problems: string[] = [];
  const discounts = new Map<string, StandinDiscount>();
  const scripts = new Map<string, Scripted[]>();
  let nextId = 1_000;
  const extra = new Map<string, StandinOperation>();

  function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  function problem(res: http.ServerResponse, call: RecordedCall | null, message: string) {
    problems.push(message);
    if (call) call.answered = "invalid";
    json(res, 200, { errors: [{ message, extensions: { code: "INVALID_VARIABLE" } }] });
  }

  function perform(name: string, shop: string | null, variables: Record<string, unknown>): unknown {
    const registered = extra.get(name);
    if (registered) return registered.answer(variables, shop);
    if (name === "DiscountCodeBasicCreate" || name === "DiscountCodeFreeShippingCreate") {
      const key = name === "DiscountCodeBasicCreate" ? "basicCodeDiscount" : "freeShippingCodeDiscount";
      const field = name === "DiscountCodeBasicCreate" ? "discountCodeBasicCreate" : "discountCodeFreeShippingCreate";
      const input = variables[key] as Record<string, unknown>;
      const code = String(input.code);
      if (discounts.has(code)) {
        return {
          [field]: {
            codeDiscountNode: null,
            userErrors: [{ field: [key, "code"], code: "TAKEN", message: "Code must be unique. Please try a different code." }],
          },
        };
      }
      const id = `gid://shopify/DiscountCodeNode/${nextId++}`;
      discounts.set(code, { id, shop, code, type: key === "basicCodeDiscount" ? "basic" : "free_shipping", input, status: "ACTIVE" });
      return { [field]: { codeDiscountNode: { id }, userErrors: [] } };
    }
    if (name === "DiscountCodeDeactivate") {
      const found = [...discounts.values()].find((d) => d.id === variables.id);
      if (!found) {
        return { discountCodeDeactivate: { codeDiscountNode: null, userErrors: [{ field: ["id"], code: "INVALID", message: "Discount does not exist" }] } };
      }
      found.status = "EXPIRED";
      return { discountCodeDeactivate: { codeDiscountNode: { id: found.id, codeDiscount: { status: "EXPIRED" } }, userErrors: [] } };
    }
    const found = discounts.get(String(variables.code));
    return { codeDiscountNodeByCode: found ? { id: found.id } : null };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const m = /^(?:\/([^/]+))?\/admin\/api\/([^/]+)\/graphql\.json$/.exec(req.url ?? "");
        const shop = m?.[1] ? decodeURIComponent(m[1]) : null;
        const call: RecordedCall = {
          shop,
          path: req.url ?? "",
          token: (req.headers["x-shopify-access-token"] as string | undefined) ?? null,
          operationName: null,
          variables: {},
          answered: "success",
        };
        calls.push(call);
        if (req.method !== "POST") return problem(res, call, `method ${req.method}`);
        if (!m) return problem(res, call, `unexpected path ${req.url}`);
        if (m[2] !== STANDIN_API_VERSION) return problem(res, call, `API version ${m[2]}, expected ${STANDIN_API_VERSION}`);
        if (shop !== null && !/^[a-z0-9-]+\.myshopify\.com$/.test(shop)) return problem(res, call, `not a shop domain: ${shop}`);
        if (call.token !== token) return json(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
        if (!String(req.headers["content-type"] ?? "").includes("application/json")) return problem(res, call, "Content-Type is not JSON");
        let body: { query?: string; operationName?: string; variables?: Record<string, unknown> };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          return problem(res, call, "body is not JSON");
        }
        // As a GraphQL server does: without an operationName, a document's one named operation is the one to run
        // (the library's Admin GraphQL client sends only `query` and `variables`; ours names it).
        const name = body.operationName ?? /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation)\s+(\w+)/.exec(body.query ?? "")?.[1] ?? "";
        call.operationName = name;
        call.variables = body.variables ?? {};
        const op = extra.get(name) ?? OPERATIONS[name];
        if (!op) return problem(res, call, `unknown operation ${name}`);
        if (!body.query?.includes(op.signature)) return problem(res, call, `${name}: document does not declare "${op.signature}"`);
        const checked = op.variables.safeParse(call.variables);
        if (!checked.success) {
          const issues = checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
          return problem(res, call, `${name}: invalid variables: ${issues}`);
        }

        const answer = scripts.get(name)?.shift() ?? { kind: "success" };
        call.answered = answer.kind;
        switch (answer.kind) {
          case "network":
            req.socket.destroy();
            return;
          case "lostResponse":
            perform(name, shop, call.variables);
            req.socket.destroy();
            return;
          case "http":
            res.writeHead(answer.status, { "Content-Type": "application/json" });
            res.end(answer.body ?? JSON.stringify({ errors: `HTTP ${answer.status}` }));
            return;
          case "throttled": {
            const cost = {
              requestedQueryCost: answer.requestedQueryCost ?? 10,
              actualQueryCost: null,
              throttleStatus: { maximumAvailable: 2000, currentlyAvailable: answer.currentlyAvailable ?? 0, restoreRate: answer.restoreRate ?? 100 },
            };
            const headers: Record<string, string> = answer.retryAfter ? { "Retry-After": answer.retryAfter } : {};
            return json(
              res,
              answer.status ?? 200,
              {
                errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
                extensions: { cost },
              },
              headers,
            );
          }
          case "userErrors": {
            const field =
              {
                DiscountCodeBasicCreate: "discountCodeBasicCreate",
                DiscountCodeFreeShippingCreate: "discountCodeFreeShippingCreate",
                DiscountCodeDeactivate: "discountCodeDeactivate",
              }[name] ?? name.charAt(0).toLowerCase() + name.slice(1);
            return json(res, 200, { data: { [field ?? name]: { codeDiscountNode: null, userErrors: answer.userErrors } }, extensions: { cost: COST } });
          }
          case "success":
            if (answer.waitFor) await answer.waitFor;
            return json(res, 200, { data: perform(name, shop, call.variables), extensions: { cost: COST } });
        }
      })();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    shopBaseUrl: `http://127.0.0.1:${port}/{shop}`,
    calls,
    problems,
    discounts,
    register(operationName, operation) {
      extra.set(operationName, operation);
    },
    script(operationName, ...answers) {
      scripts.set(operationName, [...(scripts.get(operationName) ?? []), ...answers]);
    },
    callsOf(operationName) {
      return calls.filter((c) => c.operationName === operationName);
    },
    reset() {
      calls.length = 0;
      problems.length = 0;
      discounts.clear();
      scripts.clear();
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
