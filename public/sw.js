// Timeweave's service worker: plain JavaScript, no build step.
//
// - The shell (the offline page, the stylesheet, the script and wasm it names, the icons) is
//   kept on install, so the app opens and says plainly when there is no connection.
// - Files under /pkg/ have the build's hash in their names and never change: kept as fetched.
// - Pages always come from the network first. "My hours" and "My exchanges" are kept as last
//   seen, and shown with a line saying they are an offline copy when the network is gone;
//   any other page shows the offline page. Nothing else a member sees is kept.
// - Signing in or out deletes the kept pages, so the next person on a shared phone never
//   sees the last person's hours; signing out also turns off this phone's alerts.
// - Alerts (Web Push) are shown as notifications; tapping one opens its page.
'use strict';

const SHELL = 'timeweave-shell-v1';
const PAGES = 'timeweave-pages-v1';
const KEPT_PAGES = ['/hours', '/exchanges'];
const SAVED_AT = 'x-timeweave-saved-at';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    // Drawn for a visitor: the header names nobody.
    const offline = await fetch('/offline', { credentials: 'omit', cache: 'no-store' });
    if (!offline.ok) throw new Error('offline page: ' + offline.status);
    const html = await offline.clone().text();
    await cache.put('/offline', offline);
    const assets = new Set(['/favicon.svg', '/icons/icon-192.png', '/manifest.webmanifest']);
    for (const m of html.matchAll(/(?:href|src)="(\/pkg\/[^"]+)"/g)) assets.add(m[1]);
    // The hydration script names its wasm beside it: same name, "_bg.wasm".
    for (const a of [...assets]) if (a.endsWith('.js')) assets.add(a.replace(/\.js$/, '_bg.wasm'));
    await Promise.all([...assets].map((a) => cache.add(a).catch(() => undefined)));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== SHELL && name !== PAGES) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (/^\/api\/(sign_in|sign_in_code|sign_out|confirm_email|reset_password|unlock_sign_in)$/.test(url.pathname)) {
    // Whoever comes next on this phone must not see these pages, nor get the last
    // person's alerts (signing in again keeps them off until turned on).
    event.waitUntil(Promise.all([
      caches.delete(PAGES),
      url.pathname === '/api/sign_out'
        ? self.registration.pushManager.getSubscription().then((s) => s && s.unsubscribe()).catch(() => undefined)
        : undefined,
    ]));
    return;
  }
  if (req.method !== 'GET') return;
  if (url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/icons/')) {
    event.respondWith(fromCacheThenNetwork(req));
  } else if (req.mode === 'navigate') {
    event.respondWith(page(req, url));
  }
});

async function fromCacheThenNetwork(req) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(req);
  if (kept) return kept;
  const res = await fetch(req);
  if (res.ok) await cache.put(req, res.clone());
  return res;
}

async function page(req, url) {
  const kept = KEPT_PAGES.includes(url.pathname) && url.search === '';
  try {
    const res = await fetch(req);
    if (kept && res.ok && !res.redirected) {
      const headers = new Headers(res.headers);
      headers.set(SAVED_AT, new Date().toISOString());
      // The body read here is already decoded.
      headers.delete('content-encoding');
      headers.delete('content-length');
      const body = await res.clone().arrayBuffer();
      await (await caches.open(PAGES)).put(url.pathname, new Response(body, { status: 200, headers }));
    }
    return res;
  } catch (offline) {
    if (kept) {
      const copy = await (await caches.open(PAGES)).match(url.pathname);
      if (copy) return markedAsCopy(copy);
    }
    const shell = await caches.open(SHELL);
    return (await shell.match('/offline')) || new Response('No connection', { status: 503, headers: { 'content-type': 'text/plain' } });
  }
}

// The copy as it was, with a line at the top of the page saying when it was kept.
async function markedAsCopy(copy) {
  const saved = new Date(copy.headers.get(SAVED_AT) || Date.now());
  const when = saved.toLocaleString(undefined, { weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit' });
  const note = '<p class="offline-copy" role="status"><strong>No connection.</strong> This is a copy of the page from ' +
    when.replace(/[<&>]/g, '') + '; it may be out of date.</p>';
  const html = (await copy.text()).replace(/<main([^>]*)>/, (m) => m + note);
  const headers = new Headers(copy.headers);
  headers.delete(SAVED_AT);
  headers.delete('content-length');
  return new Response(html, { status: 200, headers });
}

// An alert from the server: {title, body, url}, encrypted for this browser by the server.
self.addEventListener('push', (event) => {
  let alert = {};
  try { alert = event.data ? event.data.json() : {}; } catch (e) { alert = {}; }
  const url = typeof alert.url === 'string' && alert.url.startsWith('/') && !alert.url.startsWith('//') ? alert.url : '/notifications';
  event.waitUntil(self.registration.showNotification(alert.title || 'Timeweave', {
    body: alert.body || 'Something new is waiting for you.',
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    tag: url,
    data: { url },
  }));
});

// Tapping an alert: to its page, in an open window of the app if there is one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || '/notifications';
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    for (const w of windows) {
      if (new URL(w.url).origin === self.location.origin && 'focus' in w) {
        await w.navigate(url).catch(() => undefined);
        return w.focus();
      }
    }
    return self.clients.openWindow(url);
  })());
});
