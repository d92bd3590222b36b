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

/** Says why leaving the page now would lose something (null: nothing would be lost). */
type LeaveGuard = () => string | null;
const leaveGuards = new Set<LeaveGuard>();

/**
 * Asks the writer before an in-app navigation while `guard` has a reason; the returned
 * function stops guarding. (Closing or reloading the tab is for `beforeunload`.)
 */
export function guardLeaving(guard: LeaveGuard): () => void {
  leaveGuards.add(guard);
  return () => leaveGuards.delete(guard);
}

/** Goes to `path` without a page load, unless a leave guard's question is answered No. */
export function navigate(path: string): void {
  for (const guard of leaveGuards) {
    const reason = guard();
    if (reason !== null && !window.confirm(reason)) return;
  }
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
