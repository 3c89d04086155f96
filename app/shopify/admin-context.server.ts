// Every admin loader and action starts here: authenticate the embedded request (session token or id_token) and
// name the shop and the member of staff. Everything the page reads or writes is scoped to `shop`.
import { json } from "@remix-run/node";
import { InputError } from "../lib/errors";
import { getShopCached, type ShopWithSettings } from "../models/shops.server";
import { ensureShop } from "../models/shops.server";
import { startProfileBackfill } from "../models/shop-profile.server";
import { recordStaffMember } from "../models/staff-members.server";
import { authenticate } from "../shopify.server";

export interface AdminContext {
  shop: string;
  shopRecord: ShopWithSettings;
  /** Who is acting, for audit entries: a staff member's name when known, else their user id. */
  staff: string;
  now: Date;
}

export async function adminContext(request: Request): Promise<AdminContext> {
  const { session, sessionToken } = await authenticate.admin(request);
  const shop = session.shop;
  let shopRecord = await getShopCached(shop);
  if (!shopRecord) {
    await ensureShop({ domain: shop });
    shopRecord = await getShopCached(shop, Number.MAX_SAFE_INTEGER);
  }
  if (!shopRecord) throw new Response("shop not found", { status: 404 });
  const now = new Date();
  // A shop without a profile yet (installed before profiles existed, or Shopify was down at install): load it in the
  // background, at most once per 15 minutes; this page does not wait for it.
  startProfileBackfill({ domain: shop, profileSyncedAt: shopRecord.profileSyncedAt, now });
  const user = session.onlineAccessInfo?.associated_user;
  const userName = user ? [user.first_name, user.last_name].filter(Boolean).join(" ") : "";
  const sub = sessionToken && typeof sessionToken.sub === "string" ? sessionToken.sub : "";
  const staff = userName || (sub ? `user ${sub}` : "staff");
  // Known staff: the owners a card can be assigned to (Needs a person, the pipeline).
  await recordStaffMember({ shop, userId: sub, name: staff, now });
  return { shop, shopRecord, staff, now };
}

/** Turn a refused request into a JSON answer the page can show; anything else propagates. */
export function refusal(err: unknown) {
  if (err instanceof InputError) return json({ ok: false as const, error: err.reason }, { status: err.status });
  throw err;
}
