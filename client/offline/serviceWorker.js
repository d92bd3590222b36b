// The service worker that lets an opened document reload without a network (issue 16).
// Plain JavaScript: it runs in its own global scope, outside the app's bundle. The build
// (scripts/serviceWorkerPlugin.ts) replaces the two constants below with the release's
// version and the list of its files, and writes the result to client/dist/sw.js.
//
// What it does, and why each part is there:
// - install: caches the app shell (index.html) and every built asset of this release in a
//   cache named after the release, so a document opened once reloads offline with its
//   editor code, not only the pages visited so far;
// - fetch: page loads try the network first (the server's index.html is the truth) and fall
//   back to the cached shell; hashed assets come from the cache first (they never change);
//   the API, the sync socket and anything cross-origin are left alone;
// - a new release installs beside the running one and waits: the page shows "a new version
//   is ready" and, when the writer agrees, tells it to take over (no one is stranded on an
//   old version, and no open editor is swapped out mid-sentence);
// - activate: deletes the caches of older releases.

const VERSION = 'development';
const PRECACHE = [];
const CACHE = `inkwell-${VERSION}`;
const SHELL = '/';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([SHELL, '/favicon.svg', ...PRECACHE])));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('inkwell-') && key !== CACHE) await caches.delete(key);
      }
      // Control the pages already open, so the very first visit can reload offline.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'inkwell:activate-update') self.skipWaiting();
});

/** The app's own pages: the home page and documents. Everything else 404s on the server. */
const isAppPage = (url) => url.pathname === '/' || url.pathname.startsWith('/d/');

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === 'navigate' && isAppPage(url)) {
    event.respondWith(
      fetch(request).catch(async () => {
        const shell = await caches.match(SHELL, { cacheName: CACHE });
        return shell ?? Response.error();
      }),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.svg') {
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((cached) => cached ?? fetch(request)));
  }
});
