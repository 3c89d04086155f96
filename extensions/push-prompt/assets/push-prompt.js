/* Checkout Recovery: web-push opt-in for the storefront (app embed blocks/push-prompt.liquid).
 * Silent where push is unsupported or denied. Soft prompt first; the browser's permission prompt only after "yes".
 * The worker lives behind the app proxy: /apps/checkout-recovery/sw.js, scope /apps/checkout-recovery/. */
(function () {
  "use strict";
  var root = document.getElementById("cr-push-prompt");
  if (!root || root.getAttribute("data-cr-ready")) return;
  root.setAttribute("data-cr-ready", "1");

  var BASE = "/apps/checkout-recovery/";
  var NO_UNTIL = "cr_pp_no_until"; // localStorage: a "no" is remembered until this time (ms)
  var YES = "cr_pp_yes"; // localStorage: this browser subscribed
  var SENT = "cr_pp_sent"; // localStorage: endpoint + cart token last sent to the app
  var ADDED = "cr_pp_added"; // sessionStorage: something was added to the cart this session
  var d = root.dataset;
  var trigger = d.trigger || "add_to_cart";
  var delayMs = Math.max(0, Number(d.delay) || 0) * 1000;
  var snoozeMs = Math.max(1, Number(d.snoozeDays) || 30) * 864e5;
  var cartJs = (d.cartUrl || "/cart").replace(/\/$/, "") + ".js";
  var timer = 0;
  var decided = false;

  function get(area, k) {
    try {
      return window[area].getItem(k);
    } catch (e) {
      return null;
    }
  }
  function set(area, k, v) {
    try {
      if (v === null) window[area].removeItem(k);
      else window[area].setItem(k, v);
    } catch (e) {
      /* storage blocked (private mode): nothing to remember */
    }
  }
  function noop() {}

  function show() {
    if (decided) return;
    root.hidden = false;
  }
  function hide() {
    root.hidden = true;
  }
  function schedule() {
    if (!timer && !decided) timer = setTimeout(show, delayMs);
  }

  // The theme editor: show the prompt as a preview, never ask for anything.
  if (d.designMode === "true") {
    show();
    root.addEventListener("click", function (e) {
      if (e.target.closest("[data-cr-pp]")) hide();
    });
    return;
  }

  var supported = window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) return;
  if (Notification.permission === "denied") {
    // Push turned off in the browser after subscribing: tell the app to forget the subscription.
    var last = get("localStorage", SENT);
    if (last) {
      set("localStorage", SENT, null);
      set("localStorage", YES, null);
      fetch(BASE + "subscribe", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ type: "unsubscribe", endpoint: last.split(" ")[0] }),
      }).catch(noop);
    }
    return;
  }

  var subscribed = Notification.permission === "granted" && get("localStorage", YES) === "1";

  function keyBytes(b64) {
    var s = atob((b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function sameKey(buf, bytes) {
    if (!buf) return true;
    var a = new Uint8Array(buf);
    if (a.length !== bytes.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== bytes[i]) return false;
    return true;
  }

  function activated(reg) {
    return new Promise(function (resolve) {
      var w = reg.installing || reg.waiting;
      if (reg.active || !w) return resolve(reg);
      w.addEventListener("statechange", function () {
        if (w.state === "activated" || w.state === "redundant") resolve(reg);
      });
    });
  }

  async function cartToken() {
    try {
      var r = await fetch(cartJs, { credentials: "same-origin", headers: { Accept: "application/json" } });
      return r.ok ? (await r.json()).token || null : null;
    } catch (e) {
      return null;
    }
  }

  // Tell the app about the subscription and the current cart (skipped when nothing changed).
  async function send(sub, force) {
    var token = await cartToken();
    var key = sub.endpoint + " " + (token || "");
    if (!force && get("localStorage", SENT) === key) return;
    var r = await fetch(BASE + "subscribe", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        type: "subscribe",
        subscription: sub.toJSON(),
        cartToken: token,
        customerId: d.customerId || null,
      }),
    });
    if (r.ok) set("localStorage", SENT, key);
  }

  async function subscribe() {
    var reg = await activated(await navigator.serviceWorker.register(BASE + "sw.js", { scope: BASE }));
    var res = await fetch(BASE + "vapid", { credentials: "same-origin" });
    if (!res.ok) return;
    var key = keyBytes((await res.json()).publicKey);
    var sub = await reg.pushManager.getSubscription();
    if (sub && !sameKey(sub.options && sub.options.applicationServerKey, key)) {
      await sub.unsubscribe();
      sub = null;
    }
    if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    subscribed = true;
    set("localStorage", YES, "1");
    set("localStorage", NO_UNTIL, null);
    await send(sub, true);
  }

  // Already subscribed: keep the app's cart token current (a new cart after an order, another device's cart).
  async function refresh() {
    var reg = await navigator.serviceWorker.getRegistration(BASE);
    var sub = reg && (await reg.pushManager.getSubscription());
    if (sub) await send(sub, false);
    else set("localStorage", YES, null);
  }

  function onAdd() {
    set("sessionStorage", ADDED, "1");
    if (subscribed) refresh().catch(noop);
    else if (trigger === "add_to_cart" && eligible()) schedule();
  }

  function eligible() {
    return Notification.permission !== "denied" && !(Number(get("localStorage", NO_UNTIL)) > Date.now());
  }

  function snooze() {
    set("localStorage", NO_UNTIL, String(Date.now() + snoozeMs));
  }

  root.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-cr-pp]");
    if (!btn) return;
    decided = true;
    hide();
    if (btn.getAttribute("data-cr-pp") !== "yes") return snooze();
    // Ask inside the click (Safari requires the user gesture), then register and subscribe.
    Promise.resolve(Notification.requestPermission())
      .then(function (p) {
        if (p === "granted") return subscribe();
        if (p !== "denied") snooze(); // closed without answering: ask again after the snooze
      })
      .catch(noop);
  });
  root.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      decided = true;
      hide();
      snooze();
    }
  });

  // Add-to-cart, however the theme does it: fetch, XHR, or a plain form post (flag read on the next page).
  var isAdd = /\/cart\/add(\.js)?(\?|$)/;
  var origFetch = window.fetch;
  window.fetch = function (input) {
    var p = origFetch.apply(this, arguments);
    try {
      var url = input && input.url ? input.url : String(input);
      if (isAdd.test(url))
        p.then(function (r) {
          if (r.ok) onAdd();
        }, noop);
    } catch (e) {
      /* never break the theme's fetch */
    }
    return p;
  };
  var origOpen = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    try {
      if (isAdd.test(String(url)))
        this.addEventListener("load", function () {
          if (this.status >= 200 && this.status < 300) onAdd();
        });
    } catch (e) {
      /* ignore */
    }
    return origOpen.apply(this, arguments);
  };
  document.addEventListener(
    "submit",
    function (e) {
      var action = e.target && e.target.getAttribute && e.target.getAttribute("action");
      if (action && isAdd.test(action)) set("sessionStorage", ADDED, "1");
    },
    true,
  );

  if (subscribed) {
    refresh().catch(noop);
  } else if (eligible()) {
    if (trigger === "delay") schedule();
    else if (trigger === "cart_page" && (d.template === "cart" || /\/cart\/?$/.test(location.pathname))) schedule();
    else if (trigger === "add_to_cart" && get("sessionStorage", ADDED)) schedule();
  }
})();
