// The storefront service worker (public/storefront/push-sw.js) run in a sandbox with a fake ServiceWorkerGlobalScope:
// each handler is called the way the browser calls it and its waitUntil promise awaited.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { describe, expect, it } from "vitest";

const SOURCE = fs.readFileSync(path.join(process.cwd(), "public/storefront/push-sw.js"), "utf8");
const SCOPE = "https://shop.example/apps/checkout-recovery/";

type Handler = (event: Record<string, unknown>) => void;

function loadWorker(o: { fetchJson?: Record<string, unknown> } = {}) {
  const handlers: Record<string, Handler> = {};
  const shown: Array<{ title: string; options: Record<string, unknown> }> = [];
  const opened: string[] = [];
  const fetched: Array<{ url: string; init?: { method?: string; body?: string } }> = [];
  const subscribeCalls: Array<{ userVisibleOnly: boolean; applicationServerKey: unknown }> = [];
  const newSub = {
    endpoint: "https://fcm.googleapis.com/fcm/send/new",
    toJSON: () => ({ endpoint: "https://fcm.googleapis.com/fcm/send/new", keys: { p256dh: "p", auth: "a" } }),
  };
  const self = {
    location: { origin: "https://shop.example" },
    registration: {
      scope: SCOPE,
      showNotification: async (title: string, options: Record<string, unknown>) => void shown.push({ title, options }),
      pushManager: { subscribe: async (opts: { userVisibleOnly: boolean; applicationServerKey: unknown }) => (subscribeCalls.push(opts), newSub) },
    },
    clients: { openWindow: async (url: string) => void opened.push(url), claim: async () => {} },
    skipWaiting: () => {},
    addEventListener: (type: string, fn: Handler) => (handlers[type] = fn),
  };
  const fetch = async (url: string, init?: { method?: string; body?: string }) => {
    fetched.push({ url, init });
    return { ok: true, json: async () => o.fetchJson ?? {} };
  };
  vm.runInNewContext(SOURCE, { self, fetch, URL, atob, Uint8Array, JSON, Promise, Boolean, String });
  async function dispatch(type: string, extra: Record<string, unknown>) {
    const waits: Promise<unknown>[] = [];
    handlers[type]({ ...extra, waitUntil: (p: Promise<unknown>) => waits.push(p) });
    await Promise.all(waits);
  }
  return { handlers, dispatch, shown, opened, fetched, subscribeCalls };
}

const data = (payload: unknown) => ({ json: () => payload, text: () => JSON.stringify(payload) });

describe("push service worker", () => {
  it("shows the notification with title, body, image and the tracked link", async () => {
    const w = loadWorker();
    expect(Object.keys(w.handlers).sort()).toEqual(["activate", "install", "notificationclick", "push", "pushsubscriptionchange"]);
    await w.dispatch("push", {
      data: data({
        title: "Still thinking it over?",
        body: "Your Linen Shirt is waiting",
        image: "https://cdn.example/shirt.jpg",
        icon: "https://cdn.example/logo.png",
        url: "https://app.example/r/abc123",
        tag: "chk-1",
      }),
    });
    expect(w.shown).toEqual([
      {
        title: "Still thinking it over?",
        options: expect.objectContaining({
          body: "Your Linen Shirt is waiting",
          image: "https://cdn.example/shirt.jpg",
          icon: "https://cdn.example/logo.png",
          tag: "chk-1",
          data: { url: "https://app.example/r/abc123", messageId: null },
        }),
      },
    ]);
  });

  it("accepts data.url, and falls back to a generic title for an empty or non-JSON push", async () => {
    const w = loadWorker();
    await w.dispatch("push", { data: data({ title: "T", body: "B", data: { url: "https://app.example/r/x", messageId: "m1" } }) });
    expect(w.shown[0].options.data).toEqual({ url: "https://app.example/r/x", messageId: "m1" });
    await w.dispatch("push", { data: null });
    expect(w.shown[1].title).toBe("Your cart is waiting");
    await w.dispatch("push", { data: { json: () => JSON.parse("nope"), text: () => "plain text" } });
    expect(w.shown[2].options.body).toBe("plain text");
  });

  it("refuses non-web links (javascript:, data:) in the payload", async () => {
    const w = loadWorker();
    await w.dispatch("push", { data: data({ title: "T", url: "javascript:alert(1)" }) });
    expect((w.shown[0].options.data as { url: unknown }).url).toBeNull();
  });

  it("opens the tracked link on click and closes the notification", async () => {
    const w = loadWorker();
    let closed = false;
    await w.dispatch("notificationclick", { notification: { data: { url: "https://app.example/r/abc123" }, close: () => (closed = true) } });
    expect(closed).toBe(true);
    expect(w.opened).toEqual(["https://app.example/r/abc123"]);
  });

  it("pushsubscriptionchange: resubscribes with the old key and posts the new subscription with the old endpoint", async () => {
    const w = loadWorker();
    const key = new Uint8Array([4, 1, 2, 3]).buffer;
    await w.dispatch("pushsubscriptionchange", {
      oldSubscription: { endpoint: "https://fcm.googleapis.com/fcm/send/old", options: { applicationServerKey: key } },
      newSubscription: null,
    });
    expect(w.subscribeCalls).toEqual([{ userVisibleOnly: true, applicationServerKey: key }]);
    expect(w.fetched).toHaveLength(1);
    expect(w.fetched[0].url).toBe(`${SCOPE}subscribe`);
    expect(w.fetched[0].init?.method).toBe("POST");
    expect(JSON.parse(w.fetched[0].init!.body!)).toEqual({
      type: "subscribe",
      subscription: { endpoint: "https://fcm.googleapis.com/fcm/send/new", keys: { p256dh: "p", auth: "a" } },
      oldEndpoint: "https://fcm.googleapis.com/fcm/send/old",
    });
  });

  it("pushsubscriptionchange without the old key: fetches the VAPID key from the proxy first; uses newSubscription when given", async () => {
    const w = loadWorker({ fetchJson: { publicKey: "BAEC" } });
    await w.dispatch("pushsubscriptionchange", { oldSubscription: null, newSubscription: null });
    expect(w.fetched.map((f) => f.url)).toEqual([`${SCOPE}vapid`, `${SCOPE}subscribe`]);
    expect(Array.from(w.subscribeCalls[0].applicationServerKey as Uint8Array)).toEqual([4, 1, 2]);

    const w2 = loadWorker();
    const given = { endpoint: "https://fcm.googleapis.com/fcm/send/given", toJSON: () => ({ endpoint: "https://fcm.googleapis.com/fcm/send/given" }) };
    await w2.dispatch("pushsubscriptionchange", { oldSubscription: { endpoint: "https://fcm.googleapis.com/fcm/send/o" }, newSubscription: given });
    expect(w2.subscribeCalls).toEqual([]);
    expect(JSON.parse(w2.fetched[0].init!.body!).subscription.endpoint).toBe("https://fcm.googleapis.com/fcm/send/given");
  });
});
