/**
 * The dashboard's admin token: taken from `/admin?token=…` (the link `npm run token -- --role
 * admin` prints), kept in this browser apart from document tokens (an admin token opens no
 * document, so it must not replace the document list's token), and removed from the address bar.
 */
const ADMIN_TOKEN_KEY = 'inkwell:token:@admin';

export function adminToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    localStorage.setItem(ADMIN_TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return localStorage.getItem(ADMIN_TOKEN_KEY);
}
