import { useSyncExternalStore } from 'react';
import { documentPath } from '../shared/docName.ts';

export { documentPath };

/** The app's routes. The server answers `/`, `/trash`, `/admin` and `/d/*` with the same page. */
export type Route =
  | { page: 'home' }
  | { page: 'trash' }
  | { page: 'admin' }
  | { page: 'document'; name: string }
  | { page: 'not-found' };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'home' };
  if (pathname === '/trash' || pathname === '/trash/') return { page: 'trash' };
  if (pathname === '/admin' || pathname === '/admin/') return { page: 'admin' };
  // The whole rest of the path is the name, decoded once: links made here encode `/` as %2F,
  // but a hand-typed `/d/playground/0/main` names the same document. One trailing `/` is
  // dropped as before (a name that ends in `/` is reached as `%2F`).
  const match = /^\/d\/(.+?)\/?$/.exec(pathname);
  if (match) {
    try {
      return { page: 'document', name: decodeURIComponent(match[1]!) };
    } catch {
      return { page: 'not-found' };
    }
  }
  return { page: 'not-found' };
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('popstate', onChange);
  return () => window.removeEventListener('popstate', onChange);
};

/** The current path, updated on back/forward and on `navigate`. */
export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
