import { useEffect, useState } from 'react';
import { validateDocName } from '../../shared/docName.ts';
import type { DeletedDocumentCode } from '../../shared/api.ts';
import { ApiRequestError, findDocument } from '../api.ts';

/**
 * Whether the document a link names exists, asked before anything connects: connecting
 * would create it, and a mistyped link would open an empty "Untitled" page that says
 * "Saved" (issue 16). Stock y-websocket clients still create documents by connecting; only
 * the web app asks first.
 */
export type DocumentLookup =
  | { status: 'checking' }
  | { status: 'found' }
  | { status: 'missing'; canCreate: boolean }
  /**
   * In the trash (HTTP 410 `deleted`): "This document was deleted", with Restore; or purged
   * (410 `purged`): "permanently deleted", nothing to restore. Never an empty editor.
   */
  | { status: 'deleted'; purged: boolean }
  /** The server said no (HTTP status 401 or 403). */
  | { status: 'refused'; httpStatus: number }
  /** The server cannot be reached: open the local copy and let the sync catch up. */
  | { status: 'unreachable' };

/** How long to wait for the server before opening the local copy anyway. */
const LOOKUP_TIMEOUT_MS = 4000;

const PURGED: DeletedDocumentCode = 'purged';

function lookupFailure(httpStatus: number, code: string | null): DocumentLookup {
  if (httpStatus === 401 || httpStatus === 403) return { status: 'refused', httpStatus };
  if (httpStatus === 400) return { status: 'missing', canCreate: false };
  if (httpStatus === 410) return { status: 'deleted', purged: code === PURGED };
  // No answer, or a server error: the local copy is the best there is.
  return { status: 'unreachable' };
}

/** Looks the document up once per name and token; the second value marks it created. */
export function useDocumentLookup(name: string, token: string | null): [DocumentLookup, () => void] {
  // Length is the server's setting (MAX_DOC_NAME_BYTES): it answers 400 past it.
  const validName = validateDocName(name, Number.POSITIVE_INFINITY).ok;
  const [lookup, setLookup] = useState<DocumentLookup>(
    validName ? { status: 'checking' } : { status: 'missing', canCreate: false },
  );
  useEffect(() => {
    if (!validName) return;
    // The first answer wins: once the editor has opened on a slow server, a late reply
    // must not take it away again.
    let settled = false;
    const settle = (next: DocumentLookup) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      setLookup(next);
    };
    const timeout = setTimeout(() => settle({ status: 'unreachable' }), LOOKUP_TIMEOUT_MS);
    findDocument(name, token).then(
      (found) => settle(found ? { status: 'found' } : { status: 'missing', canCreate: true }),
      (error: unknown) =>
        settle(
          error instanceof ApiRequestError ? lookupFailure(error.status, error.code) : lookupFailure(0, null),
        ),
    );
    return () => {
      settled = true;
      clearTimeout(timeout);
    };
  }, [name, token, validName]);
  // After "Create it" or "Restore": the document exists now.
  return [lookup, () => setLookup({ status: 'found' })];
}
