import { docPatternMatches, isRole, peekClaims, type Role } from '../shared/access.ts';

/**
 * Access tokens in the browser. A link carries `?token=…`; the token is kept in this
 * browser (per document, or for the home page when it covers a prefix) and removed from the
 * address bar so it does not end up in screenshots, history or copied URLs by accident.
 */
const TOKEN_KEY = (scope: string) => `inkwell:token:${scope}`;
const HOME_SCOPE = '@home';

/** Moves a `?token=` from the URL into storage for `scope` (a document name, or home). */
export function adoptTokenFromUrl(docName: string | null): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  const claims = peekClaims(token);
  localStorage.setItem(TOKEN_KEY(claims?.doc?.endsWith('*') ? HOME_SCOPE : (docName ?? HOME_SCOPE)), token);
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
  const home = localStorage.getItem(TOKEN_KEY(HOME_SCOPE));
  return usable(home, docName) ? home : null;
}

/** The token for the document list (a prefix token), or null. */
export function homeToken(): string | null {
  const home = localStorage.getItem(TOKEN_KEY(HOME_SCOPE));
  return usable(home, null) ? home : null;
}

/** The role a token grants, as far as the client can tell (the server decides). */
export function roleOf(token: string | null): Role | null {
  const role = token === null ? undefined : peekClaims(token)?.role;
  return isRole(role) ? role : null;
}
