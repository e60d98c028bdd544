/* Service worker of the online guide: every built file is cached at install, so the guide keeps
   working on a phone without a connection. Written by hand (no workbox): the build fills in the
   file list and a version; a new build gets a new cache and the old one is dropped. */
/* global self, caches, fetch */
const VERSION = '__GUIDE_VERSION__';
const FILES = __GUIDE_FILES__;
const CACHE = 'madoguchi-guide-' + VERSION;
const scoped = (f) => new URL(f, self.registration.scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES.map(scoped)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('madoguchi-guide-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    // The page first from the network (a new build shows at once), the cached copy when offline.
    event.respondWith(fetch(req).catch(() => caches.open(CACHE).then((c) => c.match(scoped('./index.html')))));
    return;
  }
  // Built assets carry a content hash in their names: the cached copy is always right.
  event.respondWith(caches.open(CACHE).then((c) => c.match(req, { ignoreSearch: true }).then((hit) => hit || fetch(req))));
});
