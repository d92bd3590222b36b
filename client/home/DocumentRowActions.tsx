import { AppLink } from '../AppLink.tsx';
import { useState } from 'react';
import { UNTITLED } from '../../shared/documentModel.ts';
import { deleteDocument, duplicateDocument, restoreDocument, type DocumentSummary } from '../api.ts';
import { documentPath, navigate } from '../router.ts';

/** What the list shows after a change: a confirmation (with Undo after a delete) or an error. */
export type ListNotice =
  | { kind: 'deleted'; doc: DocumentSummary }
  | { kind: 'restored'; doc: DocumentSummary }
  | { kind: 'error'; message: string };

const titleOf = (doc: DocumentSummary) => doc.title ?? UNTITLED;

/** Duplicate and Delete for one row of the document list. */
export function DocumentRowActions({
  doc,
  token,
  onChanged,
}: {
  doc: DocumentSummary;
  token: string | null;
  onChanged: (notice: ListNotice) => void;
}) {
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (error) {
      onChanged({ kind: 'error', message: (error as Error).message });
    }
    setBusy(false);
  };
  return (
    <span className="doc-row-actions">
      <button
        type="button"
        className="button-quiet"
        disabled={busy}
        aria-label={`Duplicate ${titleOf(doc)}`}
        onClick={() =>
          void run(async () => {
            const copy = await duplicateDocument(doc.name, token);
            navigate(documentPath(copy.name));
          })
        }
      >
        Duplicate
      </button>
      <button
        type="button"
        className="button-quiet"
        disabled={busy}
        aria-label={`Delete ${titleOf(doc)}`}
        onClick={() =>
          void run(async () => {
            await deleteDocument(doc.name, token);
            onChanged({ kind: 'deleted', doc });
          })
        }
      >
        Delete
      </button>
    </span>
  );
}

/** The answer to the last change; after a delete, Undo restores the document. */
export function ListNoticeBar({
  notice,
  token,
  onChanged,
}: {
  notice: ListNotice;
  token: string | null;
  onChanged: (notice: ListNotice) => void;
}) {
  switch (notice.kind) {
    case 'error':
      return (
        <p className="notice notice-error" role="alert">
          {notice.message}
        </p>
      );
    case 'restored':
      return (
        <p className="notice" role="status">
          Restored “{titleOf(notice.doc)}”.
        </p>
      );
    case 'deleted':
      return (
        <p className="notice" role="status">
          Moved “{titleOf(notice.doc)}” to the <AppLink to={'/trash'}>trash</AppLink>.{' '}
          <button
            type="button"
            className="button-quiet"
            onClick={() =>
              restoreDocument(notice.doc.name, token).then(
                () => onChanged({ kind: 'restored', doc: notice.doc }),
                (error: Error) => onChanged({ kind: 'error', message: error.message }),
              )
            }
          >
            Undo
          </button>
        </p>
      );
    default: {
      const unhandled: never = notice;
      return unhandled;
    }
  }
}
