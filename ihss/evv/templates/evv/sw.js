// The EVV app's service worker (ihss/evv/phone_views.py renders it; its scope is /evv/).
// - Keeps the app shell (the screen without anyone's data, and its styles and scripts)
//   so that the screen opens with the network off.
// - Sends the punches kept on the phone when the browser says the connection is back
//   (Background Sync, "evv-send"), with the same store as the page (store.js).
import { getMeta, openStore, sendWaiting } from {{ store_url|safe }};

const CACHE = "ihss-evv-__VERSION__";
const SCOPE = {{ scope|safe }};
const SHELL = {{ shell_url|safe }};
const SYNC = {{ sync_url|safe }};
const ASSETS = {{ assets_json|safe }};

async function keepShell(cache) {
  // The shell needs the provider's sign-in; a sign-in page is not kept in its place.
  const response = await fetch(SHELL, { credentials: "same-origin", redirect: "manual" });
  if (response.ok && response.type === "basic") { await cache.put(SHELL, response); }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    await keepShell(cache).catch(() => {});
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("ihss-evv-") && name !== CACHE) { await caches.delete(name); }
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && (url.pathname === SCOPE || url.pathname === SHELL)) {
    event.respondWith((async () => {
      try {
        const response = await fetch(request);
        if (response.ok && !response.redirected) {
          // Opened online: keep the shell fresh (its sign-in token and scripts) as well.
          event.waitUntil(caches.open(CACHE).then(keepShell).catch(() => {}));
        }
        return response;
      } catch (error) {
        const kept = await caches.match(SHELL);
        return kept || Response.error();
      }
    })());
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});

async function sendFromWorker() {
  const db = await openStore();
  const owner = await getMeta(db, "owner");
  if (!owner) { return; }
  const outcome = await sendWaiting(db, { owner, syncUrl: SYNC, csrf: await getMeta(db, "csrf") });
  const pages = await self.clients.matchAll({ type: "window" });
  pages.forEach((page) => page.postMessage({ type: "evv-sent", results: outcome.results }));
  // Offline still: fail, so that the browser tries again later.
  if (outcome.error === "offline") { throw new Error("offline"); }
}

self.addEventListener("sync", (event) => {
  if (event.tag === "evv-send") { event.waitUntil(sendFromWorker()); }
});
