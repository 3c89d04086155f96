// Authenticated admin requests for loader/action tests: a fetch carrying a genuine session token (Bearer), as
// App Bridge sends it, for a shop whose offline session is already in storage.
import { RequestType, setUpValidRequest } from "@shopify/shopify-api/test-helpers";
import { API_KEY, API_SECRET_KEY, APP_URL, TEST_SHOP } from "./constants";

export async function adminRequest(path: string, o: { shop?: string; form?: Record<string, string> } = {}): Promise<Request> {
  const init: RequestInit = o.form
    ? { method: "POST", body: new URLSearchParams(o.form), headers: { "Content-Type": "application/x-www-form-urlencoded" } }
    : { method: "GET" };
  const req = new Request(`${APP_URL}${path}`, init);
  // `store` is the store's name: the helper appends .myshopify.com.
  const store = (o.shop ?? TEST_SHOP).replace(/\.myshopify\.com$/, "");
  return setUpValidRequest({ type: RequestType.Bearer, store, apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, req);
}

type RouteFn = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response> | Response;

/** Call a route's loader or action as Remix does; a thrown Response is returned like an answered one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function call<T = any>(fn: RouteFn, request: Request, params: Record<string, string> = {}): Promise<{ status: number; json: T }> {
  let res: Response;
  try {
    res = await fn({ request, params, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) res = thrown;
    else throw thrown;
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, json: body as T };
}
