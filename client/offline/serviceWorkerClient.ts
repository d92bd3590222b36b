import { useSyncExternalStore } from 'react';

/**
 * The page's side of the service worker (serviceWorker.js): registers it, notices when a new
 * release has installed and is waiting, and lets the writer switch to it.
 *
 * Service workers exist only in secure contexts (https, localhost): on plain http over a LAN
 * address the app works online and keeps edits in IndexedDB, but cannot reload offline.
 */
let waiting: ServiceWorker | null = null;
const listeners = new Set<() => void>();
const setWaiting = (worker: ServiceWorker | null) => {
  waiting = worker;
  for (const listener of listeners) listener();
};

/** How often an open tab asks the server for a new release (also on every page load). */
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  const hadController = navigator.serviceWorker.controller !== null;
  // The new release took over (the writer asked for it): load its pages.
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!hadController || reloading) return;
    reloading = true;
    window.location.reload();
  });
  window.addEventListener('load', async () => {
    let registration: ServiceWorkerRegistration;
    try {
      registration = await navigator.serviceWorker.register('/sw.js');
    } catch {
      return; // A browser that refuses (private mode, policies) simply works online only.
    }
    const watch = (worker: ServiceWorker | null) => {
      if (worker === null) return;
      const check = () => {
        // Only an update waits behind a running worker; a first install just takes over.
        if (worker.state === 'installed' && navigator.serviceWorker.controller) setWaiting(worker);
      };
      check();
      worker.addEventListener('statechange', check);
    };
    watch(registration.waiting);
    registration.addEventListener('updatefound', () => watch(registration.installing));
    setInterval(() => void registration.update().catch(() => {}), UPDATE_CHECK_INTERVAL_MS);
  });
}

/** Whether a new release is installed and waiting for the writer to reload. */
export function useUpdateReady(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => waiting !== null,
  );
}

/** Switches to the waiting release; the page reloads when it has taken over. */
export function applyUpdate(): void {
  waiting?.postMessage({ type: 'inkwell:activate-update' });
}
