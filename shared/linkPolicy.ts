/**
 * Which link targets a document may render as links: web pages and e-mail addresses, and
 * relative links within this server. Everything else (`javascript:`, `data:`, `file:`,
 * custom schemes) stays text, even when a client writes it straight into the Yjs document:
 * the check runs when the editor renders and when it parses pasted HTML, not only in the UI.
 */
const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** A base for resolving relative links; never shown and never fetched. */
const RELATIVE_BASE = 'https://relative.invalid/';

export function isSafeLinkHref(href: unknown): href is string {
  if (typeof href !== 'string' || href.trim() === '') return false;
  try {
    // The WHATWG parser strips the tabs and newlines browsers ignore ("java\tscript:").
    return ALLOWED_PROTOCOLS.has(new URL(href, RELATIVE_BASE).protocol);
  } catch {
    return false;
  }
}

/** Where this server serves uploaded images: their sha-256, so the URL never changes meaning. */
export const BLOB_PATH_PREFIX = '/blobs/';

const BLOB_PATH = /^\/blobs\/[0-9a-f]{64}$/;

/**
 * Which image sources a document made from a file may hold: web images and this server's own
 * uploads. Anything else (`javascript:`, `data:`, `file:`, other relative paths that would
 * fetch from this server with the reader's cookies) never becomes an image.
 */
export function isSafeImageSrc(src: unknown): src is string {
  if (typeof src !== 'string') return false;
  if (BLOB_PATH.test(src)) return true;
  if (!/^https?:\/\//i.test(src)) return false;
  try {
    return ['http:', 'https:'].includes(new URL(src).protocol);
  } catch {
    return false;
  }
}

/** What a writer types into the link field, as an href: "example.com" → "https://example.com". */
export function normalizeLinkInput(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') return '';
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('/') || trimmed.startsWith('#'))
    return trimmed;
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(trimmed)) return `mailto:${trimmed}`;
  return `https://${trimmed}`;
}
