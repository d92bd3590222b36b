import { AppLink } from '../AppLink.tsx';
import { useCallback, useEffect, useState } from 'react';
import { Role } from '../../shared/access.ts';
import { UNTITLED } from '../../shared/documentModel.ts';
import { homeToken, roleOf } from '../accessTokens.ts';
import { emptyTrash, listTrash, purgeDocument, restoreDocument, type TrashedDocument } from '../api.ts';
import { ThemeToggle } from '../theme.tsx';
import { timeAgo } from '../timeAgo.ts';

type Load =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; documents: TrashedDocument[]; retentionDays: number };

/** `/trash`: deleted documents, to restore or delete for good before the retention runs out. */
export function TrashPage({ auth }: { auth: boolean }) {
  const token = auth ? homeToken() : null;
  const canList = !auth || token !== null;
  const canChange = !auth || roleOf(token) === Role.Write;
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  const refresh = useCallback(() => {
    listTrash(token).then(
      (trash) => setLoad({ status: 'ready', ...trash }),
      (error: Error) => setLoad({ status: 'error', message: error.message }),
    );
  }, [token]);

  useEffect(() => {
    document.title = 'Trash · Inkwell';
    if (canList) refresh();
  }, [canList, refresh]);

  /** Runs one change, then shows its outcome and the trash as it now is. */
  const change = async (action: () => Promise<unknown>, done: string) => {
    try {
      await action();
      setMessage({ text: done, error: false });
    } catch (error) {
      setMessage({ text: (error as Error).message, error: true });
    }
    refresh();
  };

  const title = (doc: TrashedDocument) => doc.title ?? UNTITLED;
  return (
    <div className="page home-page">
      <header className="home-header">
        <AppLink className="brand" to={'/'}>
          Inkwell
        </AppLink>
        <ThemeToggle />
      </header>
      <main>
        <div className="trash-heading">
          <h1 className="section-title">Trash</h1>
          {load.status === 'ready' && load.documents.length > 0 && canChange && (
            <button
              type="button"
              className="button-quiet"
              onClick={() => {
                if (window.confirm('Delete every document in the trash for good? This cannot be undone.')) {
                  void change(() => emptyTrash(token), 'The trash is empty.');
                }
              }}
            >
              Empty trash
            </button>
          )}
        </div>
        {load.status === 'ready' && (
          <p className="muted">
            Deleted documents stay here for {load.retentionDays} days, then they are deleted for good.
          </p>
        )}
        {message && (
          <p
            className={message.error ? 'notice notice-error' : 'notice'}
            role={message.error ? 'alert' : 'status'}
          >
            {message.text}
          </p>
        )}
        {load.status === 'loading' && canList && <p className="muted">Loading the trash…</p>}
        {load.status === 'error' && (
          <p className="notice notice-error" role="alert">
            Could not load the trash: {load.message}
          </p>
        )}
        {load.status === 'ready' && load.documents.length === 0 && (
          <p className="muted">The trash is empty.</p>
        )}
        {load.status === 'ready' && load.documents.length > 0 && (
          <ul className="doc-list trash-list">
            {load.documents.map((doc) => (
              <li key={doc.name} className="doc-row">
                <span className="doc-row-main">
                  <span className="doc-list-title">{title(doc)}</span>
                  <time className="doc-list-time" dateTime={doc.deletedAt}>
                    deleted {timeAgo(doc.deletedAt)}
                  </time>
                </span>
                {canChange && (
                  <span className="doc-row-actions">
                    <button
                      type="button"
                      className="button-quiet"
                      aria-label={`Restore ${title(doc)}`}
                      onClick={() =>
                        void change(() => restoreDocument(doc.name, token), `Restored “${title(doc)}”.`)
                      }
                    >
                      Restore
                    </button>
                    <button
                      type="button"
                      className="button-quiet"
                      aria-label={`Delete forever: ${title(doc)}`}
                      onClick={() => {
                        if (window.confirm(`Delete “${title(doc)}” for good? This cannot be undone.`)) {
                          void change(
                            () => purgeDocument(doc.name, token),
                            `Deleted “${title(doc)}” for good.`,
                          );
                        }
                      }}
                    >
                      Delete forever
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}
