import { isIP } from 'node:net';

/**
 * With auth off, the server trusts whoever reaches it: meant to be the people at this
 * machine. A web page from elsewhere, open in their browser, must not act for them:
 *
 * - **DNS rebinding**: a page on an attacker's name that the attacker points at 127.0.0.1
 *   reaches the server as same-origin, and reads everything. Its requests carry that name
 *   in `Host`, so only names no attacker can hold are served: IP addresses, one-label
 *   names (`office-pc`), names under the suffixes kept for private networks (`.local`,
 *   `.lan`, `.internal`, `.home.arpa`, `.test`, ...), and `ALLOWED_HOSTS` for a public one.
 * - **Cross-site requests** (a form or fetch that creates or restores a document, a sync
 *   socket that reads and writes one): the browser says where they come from in `Origin`.
 *   Only the server's own origin, pages on this machine's loopback (a developer's app on
 *   `localhost:5173`) and `ALLOWED_ORIGINS` are let through. No `Origin`: not a browser.
 *
 * With auth on, tokens decide, and neither rule applies (except `ALLOWED_ORIGINS` for sync).
 */
export interface BrowserGuard {
  /** Public host names served besides private ones and IP addresses (lower case, no port). */
  allowedHosts: readonly string[];
  /** Browser origins allowed besides the server's own and loopback ones; null: no others. */
  allowedOrigins: readonly string[] | null;
}

/**
 * Names nobody can register on the public internet: reserved for private use or testing
 * (RFC 2606, 6761, 6762, 8375), or in common use on home and office networks.
 */
const PRIVATE_SUFFIXES = [
  'localhost',
  'local',
  'lan',
  'home',
  'corp',
  'internal',
  'intranet',
  'home.arpa',
  'test',
];

/** `example.com` from `example.com:3000`, `::1` from `[::1]:3000`; lower case. */
function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return host.replace(/:\d+$/, '').toLowerCase();
}

const isLoopbackName = (hostname: string) =>
  hostname === 'localhost' ||
  hostname.endsWith('.localhost') ||
  hostname === '::1' ||
  (isIP(hostname) === 4 && hostname.startsWith('127.'));

/** Whether a request naming `host` (its Host header) is for this server. */
export function hostAllowed(guard: BrowserGuard, host: string | undefined): boolean {
  if (host === undefined) return true; // HTTP/1.0: no name to rebind
  const hostname = hostnameOf(host).replace(/\.$/, '');
  return (
    isIP(hostname) !== 0 ||
    !hostname.includes('.') ||
    PRIVATE_SUFFIXES.some((suffix) => hostname.endsWith(`.${suffix}`)) ||
    guard.allowedHosts.includes(hostname)
  );
}

/** Whether a browser request from `origin` to `host` may act here. */
export function originAllowed(
  guard: BrowserGuard,
  origin: string | undefined,
  host: string | undefined,
): boolean {
  if (origin === undefined) return true;
  if (guard.allowedOrigins?.includes(origin)) return true;
  const from = parsed(origin); // "null" (a sandboxed frame, a file) does not parse: refused
  if (from === null) return false;
  // The Host read as the same scheme's URL, so that `name:80` and `name` compare equal.
  const to = host === undefined ? null : parsed(`${from.protocol}//${host}`);
  return from.host === to?.host || isLoopbackName(hostnameOf(from.host));
}

function parsed(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
