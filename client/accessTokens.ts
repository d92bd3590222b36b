import { docPatternMatches, isRole, peekClaims, type Role } from '../shared/access.ts';

/**
 * Access tokens in the browser. A link carries `?token=…`; the token is kept in this
 * browser (per document, or for the home page when it covers a prefix) and removed from the
 * address bar so it does not end up in screenshots, history or copied URLs by accident.
 */
const TOKEN_KEY = (doc: string) => `inkwell:token:${doc}`;
/** Not of TOKEN_KEY's form, so no document can share it (`@home` is a valid name since issue 15). */
const HOME_KEY = 'inkwell:home-token';
/** Where the home token was kept before; still read while it holds a prefix token. */
const LEGACY_HOME_KEY = TOKEN_KEY('@home');

function storedHomeToken(): string | null {
  const home = localStorage.getItem(HOME_KEY);
  if (home !== null) return home;
  const legacy = localStorage.getItem(LEGACY_HOME_KEY);
  return legacy !== null && peekClaims(legacy)?.doc?.endsWith('*') ? legacy : null;
}

/** Moves a `?token=` from the URL into storage for `scope` (a document name, or home). */
export function adoptTokenFromUrl(docName: string | null): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  const claims = peekClaims(token);
  const forHome = claims?.doc?.endsWith('*') || docName === null;
  localStorage.setItem(forHome ? HOME_KEY : TOKEN_KEY(docName), token);
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

function usable(token: string | null, docName: string | null): token is string {
  if (token === null) return false;
  const claims = peekClaims(token);
  if (typeof claims?.exp === 'number' && claims.exp * 1000 <= Date.now()) return false;
  return docName === null || (typeof claims?.doc === 'string' && docPatternMatches(claims.doc, docName));
}

/** The token to use for a document (its own, else a home token covering it), or null. */
export function tokenFor(docName: string): string | null {
  const own = localStorage.getItem(TOKEN_KEY(docName));
  if (usable(own, docName)) return own;
  const home = storedHomeToken();
  return usable(home, docName) ? home : null;
}

/** The token for the document list (a prefix token), or null. */
export function homeToken(): string | null {
  const home = storedHomeToken();
  return usable(home, null) ? home : null;
}

/** The role a token grants, as far as the client can tell (the server decides). */
export function roleOf(token: string | null): Role | null {
  const role = token === null ? undefined : peekClaims(token)?.role;
  return isRole(role) ? role : null;
}
