// The service worker: the app shell from the cache, pages from the network with the last
// copy as the fallback, so the day's checklists open in a basement with no signal.
// Answers and photos live in IndexedDB (static/js/store.js), never here.
"use strict";
var SHELL = [{% for name in assets %}{{ asset_url(name)|tojson }}, {% endfor %}{{ url_for('staff.manifest')|tojson }}];
var PAGES = [{{ url_for('staff.home')|tojson }}, {{ url_for('staff.checklist', shift='opening')|tojson }}, {{ url_for('staff.checklist', shift='closing')|tojson }}];
var SHELL_CACHE = "merch-shell", PAGE_CACHE = "merch-pages";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        return SHELL.indexOf(new URL(request.url).pathname + new URL(request.url).search) < 0;
      }).map(function (request) { return cache.delete(request); }));
    });
  }).then(function () { return self.clients.claim(); }));
});

// The page asks for today's checklists to be kept once it is open and signed in.
self.addEventListener("message", function (event) {
  if (event.data !== "keep-pages") return;
  event.waitUntil(caches.open(PAGE_CACHE).then(function (cache) {
    return Promise.all(PAGES.map(function (url) {
      return fetch(url, { credentials: "same-origin", redirect: "follow" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url, response);
      }).catch(function () {});
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Signing out, in, or switching assistant forgets the pages kept for the last one.
  if (request.method === "POST" && /^\/(logout|login|switch)$/.test(url.pathname)) {
    event.waitUntil(caches.delete(PAGE_CACHE));
    return;
  }
  if (request.method !== "GET" || url.pathname.indexOf("/api/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode === "navigate" && PAGES.indexOf(url.pathname) >= 0) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(PAGE_CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.pathname, { cacheName: PAGE_CACHE }).then(function (hit) { return hit || Response.error(); });
    }));
  }
});
