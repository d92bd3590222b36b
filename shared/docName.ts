/**
 * Document name rules, shared by the sync endpoint, the REST API and the client.
 *
 * Names appear in URLs, log lines and (later) Redis channel names, so they are kept to a
 * conservative, URL-safe alphabet. A leading dot is refused so no name looks like a path
 * component (`.`, `..`).
 */
export const DOC_NAME_MAX_LENGTH = 128;

const DOC_NAME_PATTERN = /^[A-Za-z0-9_~-][A-Za-z0-9._~:-]*$/;

export type DocNameResult = { ok: true; name: string } | { ok: false; reason: string };

/** Validates an already-decoded document name. */
export function validateDocName(name: string): DocNameResult {
  if (name.length === 0) return { ok: false, reason: 'document name is empty' };
  if (name.length > DOC_NAME_MAX_LENGTH) {
    return { ok: false, reason: `document name is longer than ${DOC_NAME_MAX_LENGTH} characters` };
  }
  if (!DOC_NAME_PATTERN.test(name)) {
    return {
      ok: false,
      reason: 'document name may only contain letters, digits and . _ ~ : - (not first: .)',
    };
  }
  return { ok: true, name };
}

/**
 * Decodes a URL path segment once and validates it. The y-websocket client does not
 * URL-encode room names, but browsers and proxies may, so exactly one decode is applied.
 */
export function parseDocNameFromPath(segment: string): DocNameResult {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return { ok: false, reason: 'document name is not valid percent-encoding' };
  }
  return validateDocName(decoded);
}
