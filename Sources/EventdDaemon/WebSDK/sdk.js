/* eventd web SDK v0.1.0 — docs/web-sdk.md. Served by eventd at /sdk.js; never throws into the page. */
(function (w, d) {
  "use strict";
  if (!w || (w.eventd && w.eventd.v)) return;
  var V = "0.1.0", P = "ed_", SESSION_MS = 18e5, MAX_QUEUE = 500, BATCH = 20, FLUSH_MS = 2000;
  var me = d.currentScript || {}, opt = function (n, dflt) { var v = me.getAttribute && me.getAttribute("data-" + n); return v == null ? dflt : v; };
  var key = opt("key", ""), origin = "";
  try { origin = opt("host", new URL(me.src, location.href).origin); } catch (e) { origin = location.origin; }
  var endpoint = origin + opt("path", "/v1/batch");
  var consentRequired = opt("consent", "") === "required";
  var off = opt("dnt", "") === "respect" && (navigator.doNotTrack === "1" || w.doNotTrack === "1" || navigator.globalPrivacyControl === true);
  var granted = !consentRequired, mem = {}, queue = [], timer = 0, sending = false;

  function safe(f) { return function () { try { return f.apply(null, arguments); } catch (e) {} }; }
  function uuid() {
    if (w.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); (w.crypto || {}).getRandomValues ? crypto.getRandomValues(b) : b.forEach(function (_, i) { b[i] = Math.random() * 256; });
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  // First-party storage: localStorage, else a cookie, else memory; nothing at all before consent.
  function get(k) {
    if (!granted) return mem[k];
    try { var v = localStorage.getItem(P + k); if (v != null) return v; } catch (e) {}
    var m = d.cookie.match(new RegExp("(?:^|; )" + P + k + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : mem[k];
  }
  function set(k, v) {
    mem[k] = v;
    if (!granted) return;
    try { if (v == null) localStorage.removeItem(P + k); else localStorage.setItem(P + k, v); return; } catch (e) {}
    d.cookie = P + k + "=" + (v == null ? "; max-age=0" : encodeURIComponent(v) + "; max-age=31536000") + "; path=/; samesite=lax";
  }
  function anonymousId() { var a = get("aid"); if (!a) { a = uuid(); set("aid", a); } return a; }
  function sessionId() {
    var now = Date.now(), s = get("sid"), last = +get("sts") || 0;
    if (!s || now - last > SESSION_MS) { s = uuid(); set("sid", s); }
    set("sts", String(now));
    return s;
  }
  function page() {
    var l = location, q = {}, c = {};
    l.search.slice(1).split("&").forEach(function (p) { var i = p.indexOf("="); if (i > 0) q[decodeURIComponent(p.slice(0, i))] = decodeURIComponent(p.slice(i + 1).replace(/\+/g, " ")); });
    ["source", "medium", "campaign", "term", "content"].forEach(function (n) { if (q["utm_" + n]) c[n === "campaign" ? "name" : n] = q["utm_" + n]; });
    return { page: { url: l.href, path: l.pathname, search: l.search, title: d.title, referrer: d.referrer },
             campaign: c, locale: navigator.language, screen: { width: screen.width, height: screen.height },
             userAgent: navigator.userAgent, sessionId: sessionId(), library: { name: "eventd.js", version: V } };
  }
  function save() { if (granted) set("q", queue.length ? JSON.stringify(queue) : null); }
  function enqueue(e) {
    if (off || (consentRequired && !granted)) return;
    e.messageId = uuid(); e.anonymousId = anonymousId(); e.timestamp = new Date().toISOString(); e.context = page();
    var u = get("uid"); if (u) e.userId = u;
    queue.push(e); if (queue.length > MAX_QUEUE) queue.splice(0, queue.length - MAX_QUEUE);
    save();
    if (queue.length >= BATCH) flush(); else if (!timer) timer = setTimeout(flush, FLUSH_MS);
  }
  function body(events) { return JSON.stringify({ batch: events, writeKey: key || undefined, sentAt: new Date().toISOString() }); }
  // text/plain needs no CORS preflight: it survives a closing page (an application/json beacon does not).
  function flush(closing) {
    clearTimeout(timer); timer = 0;
    if (!queue.length || (sending && !closing)) return;
    var events = queue.slice(0, 100), text = body(events);
    if (closing) {
      var queued = false; save();
      try { queued = navigator.sendBeacon(endpoint, new Blob([text], { type: "text/plain;charset=UTF-8" })); } catch (e) {}
      if (!queued) try { fetch(endpoint, { method: "POST", body: text, keepalive: true, credentials: "omit", headers: { "Content-Type": "text/plain;charset=UTF-8" } }); queued = true; } catch (e) {}
      // A beacon's delivery is never known: the events stay stored, and the next page sends them
      // again with the same ids (the server stores each once), so a collector that was down loses nothing.
      return queued;
    }
    sending = true;
    fetch(endpoint, { method: "POST", body: text, keepalive: text.length < 6e4, credentials: "omit", headers: { "Content-Type": "text/plain;charset=UTF-8" } })
      .then(function (r) { if (r.ok || (r.status >= 400 && r.status < 500 && r.status !== 429)) { queue = queue.slice(events.length); save(); } })
      .catch(function () {})
      .then(function () { sending = false; if (queue.length) timer = setTimeout(flush, FLUSH_MS * 2); });
  }
  var lastPath = "";
  function autoPage() { var p = location.pathname + location.search + location.hash; if (p !== lastPath) { lastPath = p; api.page(); } }

  var api = {
    v: V,
    track: safe(function (name, properties) { enqueue({ type: "track", event: String(name), properties: properties || {} }); }),
    page: safe(function (name, properties) { var e = { type: "page", properties: properties || {} }; if (name) e.name = String(name); enqueue(e); }),
    identify: safe(function (userId, traits) { if (userId) set("uid", String(userId)); enqueue({ type: "identify", traits: traits || {} }); }),
    reset: safe(function () { flush(true); set("uid", null); set("aid", null); set("sid", null); set("sts", null); }),
    consent: safe(function (yes) {
      granted = !!yes;
      if (yes) { for (var k in mem) if (k !== "q") set(k, mem[k]); save(); if (consentRequired && opt("auto", "true") !== "false") autoPage(); }
      else { queue = []; ["aid", "uid", "sid", "sts", "q"].forEach(function (k) { try { localStorage.removeItem(P + k); } catch (e) {} d.cookie = P + k + "=; max-age=0; path=/"; }); mem = {}; }
    }),
    flush: safe(function () { flush(false); })
  };
  var pending = (w.eventd && w.eventd.q) || [];
  w.eventd = api;
  safe(function () {
    try { queue = JSON.parse(get("q") || "[]"); } catch (e) { queue = []; }
    if (queue.length) timer = setTimeout(flush, 0);  // left by an earlier page: sent again with the same ids
    pending.forEach(function (c) { api[c[0]] && api[c[0]].apply(null, c[1]); });
    d.addEventListener("visibilitychange", function () { if (d.visibilityState === "hidden") flush(true); });
    w.addEventListener("pagehide", function () { flush(true); });
    if (opt("auto", "true") !== "false" && granted) {
      autoPage();
      if (opt("spa", "true") !== "false") {
        ["pushState", "replaceState"].forEach(function (m) { var o = history[m]; history[m] = function () { var r = o.apply(this, arguments); safe(autoPage)(); return r; }; });
        w.addEventListener("popstate", safe(autoPage)); w.addEventListener("hashchange", safe(autoPage));
      }
    }
  })();
})(typeof window !== "undefined" ? window : null, typeof document !== "undefined" ? document : null);
