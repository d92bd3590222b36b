import { useEffect, useState, type FormEvent } from 'react';
import { UNTITLED } from '../../shared/documentModel.ts';
import { homeToken, roleOf } from '../accessTokens.ts';
import { createDocument, listDocuments, type DocumentSummary } from '../api.ts';
import { documentPath, navigate } from '../router.ts';

const relativeTime = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago", "yesterday", … */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 30],
    ['month', 12],
  ];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size)
      return unit === 'second' && Math.abs(value) < 10 ? 'just now' : relativeTime.format(value, unit);
    value = Math.round(value / size);
  }
  return relativeTime.format(value, 'year');
}

type Load =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; documents: DocumentSummary[] };

/** The home page: every stored document, newest first, and a way to start a new one. */
export function DocumentList({ auth }: { auth: boolean }) {
  const token = auth ? homeToken() : null;
  const canList = !auth || token !== null;
  const canCreate = !auth || roleOf(token) === 'write';
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [title, setTitle] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);

  useEffect(() => {
    document.title = 'Documents · Inkwell';
    if (!canList) return;
    let cancelled = false;
    listDocuments(token).then(
      (documents) => !cancelled && setLoad({ status: 'ready', documents }),
      (error: Error) => !cancelled && setLoad({ status: 'error', message: error.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [canList, token]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setCreating(true);
    setCreateError(null);
    try {
      const created = await createDocument(title.trim(), token);
      navigate(documentPath(created.name));
    } catch (error) {
      setCreateError((error as Error).message);
      setCreating(false);
    }
  };

  return (
    <div className="page home-page">
      <header className="home-header">
        <h1 className="brand">Inkwell</h1>
        {canCreate && (
          <form className="new-doc" onSubmit={create}>
            <input
              aria-label="Title of the new document"
              placeholder="Title of a new document"
              value={title}
              onChange={(event) => setTitle(event.target.value)}
              maxLength={200}
            />
            <button type="submit" className="button-primary" disabled={creating}>
              {creating ? 'Creating…' : 'New document'}
            </button>
          </form>
        )}
        {createError && (
          <p className="notice notice-error" role="alert">
            {createError}
          </p>
        )}
      </header>

      <main>
        <h2 className="section-title">Documents</h2>
        {!canList && (
          <p className="notice">
            This server only opens documents through access links. Open the link you were given, or ask its
            operator for one (<code>npm run token</code> mints them).
          </p>
        )}
        {canList && load.status === 'loading' && <p className="muted">Loading documents…</p>}
        {load.status === 'error' && (
          <p className="notice notice-error" role="alert">
            Could not load the documents: {load.message}
          </p>
        )}
        {load.status === 'ready' && load.documents.length === 0 && (
          <p className="muted">No documents yet. Give your first one a title above.</p>
        )}
        {load.status === 'ready' && load.documents.length > 0 && (
          <ul className="doc-list">
            {load.documents.map((doc) => (
              <li key={doc.name}>
                <a
                  href={documentPath(doc.name)}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(documentPath(doc.name));
                  }}
                >
                  <span className="doc-list-title">{doc.title ?? UNTITLED}</span>
                  <time
                    className="doc-list-time"
                    dateTime={doc.updatedAt}
                    title={new Date(doc.updatedAt).toLocaleString()}
                  >
                    edited {timeAgo(doc.updatedAt)}
                  </time>
                </a>
              </li>
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}
