// What every browser spec needs: an admin page opened the way the Shopify admin opens an embedded app (a session
// token signed with the API secret as `id_token`, and as a bearer header on Remix's own fetches), and direct access
// to the server's database for seeding and checking.
import { test as base, expect, type Page } from "@playwright/test";
import { createDb, type Db } from "../../app/db.server";
import { mintSessionToken } from "../../app/lib/session-token";
import { E2E_ENV } from "./env";

function b64url(input: Buffer | string) {
  return Buffer.from(input).toString("base64url");
}

/** A Shopify session token (HS256 JWT signed with the app's secret), as App Bridge issues it. */
export function sessionToken(shop: string, now = Math.floor(Date.now() / 1000)) {
  return mintSessionToken({ shop, apiKey: E2E_ENV.SHOPIFY_API_KEY, apiSecret: E2E_ENV.SHOPIFY_API_SECRET, now });
}

export function adminUrl(path: string, shop = process.env.E2E_SHOP!, token = sessionToken(shop)) {
  const url = new URL(path, process.env.E2E_BASE_URL);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", b64url(`${shop}/admin`));
  url.searchParams.set("id_token", token);
  return url.toString();
}

/** Open an admin page as the embedded admin would. Remix's fetches (loaders, actions) carry the bearer token. */
export async function openAdmin(page: Page, path: string, shop = process.env.E2E_SHOP!) {
  const token = sessionToken(shop);
  await page.route("https://cdn.shopify.com/**", (route) => route.abort()); // no internet here: App Bridge can't load
  await page.route(`${process.env.E2E_BASE_URL}/**`, async (route) => {
    const req = route.request();
    if (req.isNavigationRequest()) return route.continue();
    return route.continue({ headers: { ...req.headers(), authorization: `Bearer ${sessionToken(shop)}` } });
  });
  const res = await page.goto(adminUrl(path, shop, token));
  return res;
}

let shared: Db | undefined;
/** The server's database (same SQLite file; WAL lets both use it). */
export function e2eDb(): Db {
  if (!shared) shared = createDb(process.env.E2E_DATABASE_URL).db;
  return shared;
}

export const test = base.extend<{ db: Db }>({
  // eslint-disable-next-line no-empty-pattern
  db: async ({}, provide) => {
    await provide(e2eDb());
  },
});
export { expect };
