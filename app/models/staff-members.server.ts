// The people who use the app in a shop, as their session tokens name them: recorded when they open an admin page (at
// most once an hour per person and process), listed as the owners a card can be assigned to.
import { db } from "../db.server";
import { log } from "../log.server";

const SEEN_EVERY_MS = 3_600_000;
const seen = new Map<string, number>();

export async function recordStaffMember(a: { shop: string; userId: string; name: string; now: Date }): Promise<void> {
  if (!a.userId) return;
  const key = `${a.shop}|${a.userId}|${a.name}`;
  const last = seen.get(key);
  if (last !== undefined && a.now.getTime() - last < SEEN_EVERY_MS && a.now.getTime() >= last) return;
  seen.set(key, a.now.getTime());
  const name = a.name.slice(0, 120);
  await db.staffMember
    .upsert({
      where: { shop_userId: { shop: a.shop, userId: a.userId } },
      create: { shop: a.shop, userId: a.userId, name, lastSeenAt: a.now },
      update: { name, lastSeenAt: a.now },
    })
    .catch((err: unknown) => {
      seen.delete(key);
      log.warn({ shop: a.shop, err: String(err) }, "staff member not recorded; tried again on the next page");
    });
}

/** Names to assign cards to, most recently seen first. */
export async function listStaffNames(shop: string): Promise<string[]> {
  const rows = await db.staffMember.findMany({ where: { shop }, orderBy: [{ lastSeenAt: "desc" }, { name: "asc" }], select: { name: true }, take: 100 });
  return [...new Set(rows.map((r) => r.name))];
}

export function forgetStaffSeen(): void {
  seen.clear();
}
