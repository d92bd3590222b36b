import { useSyncExternalStore } from 'react';

/** The app's routes. The server answers `/` and `/d/*` with the same page. */
export type Route =
  { page: 'home' } | { page: 'document'; name: string } | { page: 'admin' } | { page: 'not-found' };

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'home' };
  if (pathname === '/admin' || pathname === '/admin/') return { page: 'admin' };
  const match = /^\/d\/([^/]+)\/?$/.exec(pathname);
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

export const documentPath = (name: string) => `/d/${encodeURIComponent(name)}`;
