// Checkout Recovery service worker. Served through the app proxy at /apps/checkout-recovery/sw.js
// (app/routes/proxy.sw[.]js.tsx) and registered with scope /apps/checkout-recovery/ by the theme app embed.
// It never controls storefront pages (no fetch handler): it only owns the push subscription.
"use strict";

// /apps/checkout-recovery/ : the proxy routes sit next to this script.
var CR_BASE = self.registration.scope;

function crJson(url, body) {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
}

function crKey(base64url) {
  var s = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  var raw = atob(s);
  var out = new Uint8Array(raw.length);
  for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

// Only web links: the tracked recovery link (https) or a path on the shop.
function crSafeUrl(u) {
  try {
    var url = new URL(u, self.location.origin);
    return url.protocol === "https:" || url.origin === self.location.origin ? url.href : null;
  } catch (e) {
    return null;
  }
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// Payload (JSON, from app/channels/push.server.ts): { title, body, image?, icon?, badge?, tag?, url?, data?: { url } }
self.addEventListener("push", function (event) {
  var p = {};
  try {
    p = event.data ? event.data.json() : {};
  } catch (e) {
    p = { body: event.data ? event.data.text() : "" };
  }
  var url = crSafeUrl(p.url || (p.data && p.data.url) || "/");
  var options = {
    body: p.body || "",
    data: { url: url, messageId: (p.data && p.data.messageId) || p.messageId || null },
    tag: p.tag || undefined,
    renotify: Boolean(p.tag),
  };
  if (p.image) options.image = p.image;
  if (p.icon) options.icon = p.icon;
  if (p.badge) options.badge = p.badge;
  event.waitUntil(self.registration.showNotification(p.title || "Your cart is waiting", options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = event.notification.data && event.notification.data.url;
  if (!url) return;
  event.waitUntil(self.clients.openWindow(url));
});

// The push service rotated or expired the subscription: subscribe again and tell the app which one it replaces.
self.addEventListener("pushsubscriptionchange", function (event) {
  var old = event.oldSubscription || null;
  event.waitUntil(
    (event.newSubscription
      ? Promise.resolve(event.newSubscription)
      : (old && old.options && old.options.applicationServerKey
          ? Promise.resolve(old.options.applicationServerKey)
          : fetch(CR_BASE + "vapid")
              .then(function (r) {
                return r.json();
              })
              .then(function (j) {
                return crKey(j.publicKey);
              })
        ).then(function (key) {
          return self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
        })
    )
      .then(function (sub) {
        return crJson(CR_BASE + "subscribe", { type: "subscribe", subscription: sub.toJSON(), oldEndpoint: old ? old.endpoint : null });
      })
      .catch(function () {
        // Nothing to do: without a subscription the app will see 410 from the push service and forget the old one.
      }),
  );
});
