/**
 * Document name rules, shared by the sync endpoint, the REST API and the client.
 *
 * A name is whatever room name a y-websocket client puts in its URL: Lexical's
 * `playground/0/main`, y-websocket's own `test-@y/websocket`, spaces, any script, emoji
 * (issue 15). Names are data, never paths: storage keys are bound parameters everywhere,
 * nothing builds a file name from one, and every URL that carries one encodes it
 * (`documentPath`). So the rule refuses only what no URL can carry faithfully or what is
 * unsafe to show as text; see `validateDocName`.
 */

/** Default bound on a name's UTF-8 length (the `MAX_DOC_NAME_BYTES` setting). */
export const DEFAULT_MAX_DOC_NAME_BYTES = 512;

/**
 * The highest `MAX_DOC_NAME_BYTES` may go: a name travels in request lines (Node accepts 16 KiB
 * of headers), in tokens and in log lines, and percent-encoding can triple it.
 */
export const MAX_DOC_NAME_BYTES_CEILING = 4096;

export type DocNameResult = { ok: true; name: string } | { ok: false; reason: string };

/**
 * Characters a name may not hold, because they are unsafe to show or store as text:
 * - control characters (C0, DEL, C1): they end log lines, ring terminals and hide in the UI;
 * - U+2028/U+2029: line breaks to JavaScript and to log readers;
 * - bidirectional embeddings, overrides and isolates: they reorder how the rest of a line is
 *   displayed, so one name could pass for another in the document list or a log;
 * - lone surrogates: not text at all (they cannot be encoded as UTF-8, in a URL or in SQLite).
 */
const UNSAFE_CHARACTER = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

const utf8Bytes = (text: string) => new TextEncoder().encode(text).byteLength;

/**
 * Validates an already-decoded document name. `maxBytes` is the server's `MAX_DOC_NAME_BYTES`;
 * the web client passes `Infinity` and lets the server, which knows its setting, judge length.
 */
export function validateDocName(name: string, maxBytes = DEFAULT_MAX_DOC_NAME_BYTES): DocNameResult {
  if (name.length === 0) return { ok: false, reason: 'document name is empty' };
  if (UNSAFE_CHARACTER.test(name)) {
    return { ok: false, reason: 'document name contains a control or invisible formatting character' };
  }
  // After the character check: a lone surrogate has no UTF-8 length.
  if (utf8Bytes(name) > maxBytes) {
    return { ok: false, reason: `document name is longer than ${maxBytes} bytes (UTF-8)` };
  }
  // A `.` or `..` segment is not a path danger (names are never paths) but a URL one: every
  // WHATWG URL parser (browsers, ws, fetch) removes such segments before sending, so the
  // room `a/../b` would be requested as `b`. A name no stock client can reach is refused.
  if (name.split('/').some((segment) => segment === '.' || segment === '..')) {
    return { ok: false, reason: 'document name has a "." or ".." segment, which URLs remove' };
  }
  // A token's `doc` claim that ends in `*` is a prefix (`team-*`): a name ending in `*` could
  // only be granted by a pattern that also grants every name it prefixes.
  if (name.endsWith('*')) return { ok: false, reason: 'document name may not end with "*"' };
  return { ok: true, name };
}

/**
 * Decodes the part of a URL path that names a document exactly once and validates it. The
 * y-websocket client does not URL-encode room names, but browsers, `ws` and proxies
 * percent-encode spaces and non-ASCII, and the web client encodes everything: one decode
 * serves both. A literal `%` must therefore arrive as `%25`.
 */
export function parseDocNameFromPath(rawPath: string, maxBytes = DEFAULT_MAX_DOC_NAME_BYTES): DocNameResult {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, reason: 'document name is not valid percent-encoding' };
  }
  return validateDocName(decoded, maxBytes);
}

/** The editor page of a document: the name encoded as one path segment (`/` as `%2F`). */
export const documentPath = (name: string) => `/d/${encodeURIComponent(name)}`;
