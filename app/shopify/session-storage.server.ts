// Session storage with a short-lived in-process cache in front of Prisma.
// The library loads a shop's offline session on every authenticated admin, app proxy and Admin API call; a read per
// request adds up. (Webhooks no longer load it: app/shopify/webhook-verify.server.ts.)
// Writes and deletes go straight through and update this process's cache; another instance may serve a
// deleted session for at most `ttlMs` (webhook handlers already tolerate a missing or stale session).
import type { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

export class CachedSessionStorage implements SessionStorage {
  private cache = new Map<string, { session: Session | undefined; until: number }>();

  constructor(
    private readonly inner: SessionStorage,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  async storeSession(session: Session): Promise<boolean> {
    const ok = await this.inner.storeSession(session);
    this.cache.set(session.id, { session, until: this.now() + this.ttlMs });
    return ok;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.until > this.now()) return hit.session;
    const session = await this.inner.loadSession(id);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, { session, until: this.now() + this.ttlMs });
    return session;
  }

  async deleteSession(id: string): Promise<boolean> {
    this.cache.delete(id);
    return this.inner.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    for (const id of ids) this.cache.delete(id);
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return this.inner.findSessionsByShop(shop);
  }

  /** Forget everything cached for a shop (after uninstall or redact). */
  forgetShop(shop: string) {
    for (const [id, entry] of this.cache) {
      if (id.includes(shop) || entry.session?.shop === shop) this.cache.delete(id);
    }
  }
}
