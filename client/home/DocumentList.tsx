import { AppLink } from '../AppLink.tsx';
import { useEffect, useState, type FormEvent } from 'react';
import { Role } from '../../shared/access.ts';
import { UNTITLED } from '../../shared/documentModel.ts';
import { homeToken, roleOf } from '../accessTokens.ts';
import { createDocument, listDocuments, type DocumentSummary } from '../api.ts';
import { documentPath, navigate } from '../router.ts';
import { ThemeToggle } from '../theme.tsx';
import { timeAgo } from '../timeAgo.ts';
import type { PresentPerson } from '../../shared/api.ts';
import { DocumentRowActions, ListNoticeBar, type ListNotice } from './DocumentRowActions.tsx';
import { ImportButton, useFileImport } from './ImportControl.tsx';
import { PresentPeople } from './PresentPeople.tsx';
import { usePresence } from './usePresence.ts';

/** Case- and accent-insensitive form of a title for searching ("Café" matches "cafe"). */
const searchable = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLocaleLowerCase();

type SortOrder = 'edited' | 'title';

/** The documents matching a search, in the chosen order (the server lists newest first). */
export function visibleDocuments(
  documents: DocumentSummary[],
  query: string,
  order: SortOrder,
): DocumentSummary[] {
  const wanted = searchable(query.trim());
  const matching =
    wanted === '' ? documents : documents.filter((d) => searchable(d.title ?? UNTITLED).includes(wanted));
  if (order === 'edited') return matching;
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  return [...matching].sort((a, b) => collator.compare(a.title ?? UNTITLED, b.title ?? UNTITLED));
}

type Load =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; documents: DocumentSummary[] };

/** The home page: every stored document, newest first, and a way to start a new one. */
export function DocumentList({ auth }: { auth: boolean }) {
  const token = auth ? homeToken() : null;
  const canList = !auth || token !== null;
  const canCreate = !auth || roleOf(token) === Role.Write;
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [title, setTitle] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [order, setOrder] = useState<SortOrder>('edited');
  // A delete, an undo or a failure: shown above the list, which is then loaded again.
  const [notice, setNotice] = useState<ListNotice | null>(null);
  const onChanged = canCreate ? setNotice : null;
  const present = usePresence(token, canList);
  const imports = useFileImport(token);

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
  }, [canList, token, notice]);

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
        <ThemeToggle />
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
            <ImportButton busy={imports.busy} onFile={(file) => void imports.importFile(file)} />
          </form>
        )}
        {(createError ?? imports.error) && (
          <p className="notice notice-error" role="alert">
            {createError ?? imports.error}
          </p>
        )}
      </header>

      <main
        {...(canCreate ? imports.dropTarget : {})}
        className={imports.dropping ? 'import-drop-active' : undefined}
      >
        {canCreate && (
          <p className="import-drop-hint">
            {imports.dropping
              ? 'Drop the file to import it as a new document.'
              : 'Drop a Markdown or HTML file here to import it.'}
          </p>
        )}
        <div className="trash-heading">
          <h2 className="section-title">Documents</h2>
          {canList && <AppLink to={'/trash'}>Trash</AppLink>}
        </div>
        {notice && onChanged && <ListNoticeBar notice={notice} token={token} onChanged={onChanged} />}
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
          <>
            <div className="doc-list-controls">
              <input
                type="search"
                aria-label="Search documents by title"
                placeholder="Search by title"
                value={query}
                onChange={(event) => setQuery(event.target.value)}
              />
              <label>
                Sort by{' '}
                <select value={order} onChange={(event) => setOrder(event.target.value as SortOrder)}>
                  <option value="edited">Last edited</option>
                  <option value="title">Title</option>
                </select>
              </label>
            </div>
            <DocumentRows
              documents={visibleDocuments(load.documents, query, order)}
              query={query}
              token={token}
              onChanged={onChanged}
              present={present}
            />
          </>
        )}
      </main>
    </div>
  );
}

function DocumentRows({
  documents,
  query,
  token,
  onChanged,
  present,
}: {
  documents: DocumentSummary[];
  query: string;
  token: string | null;
  present: Readonly<Record<string, PresentPerson[]>>;
  /** Null for viewers, who get no row actions. */
  onChanged: ((notice: ListNotice) => void) | null;
}) {
  if (documents.length === 0) {
    return <p className="muted">No document has a title matching “{query.trim()}”.</p>;
  }
  return (
    <ul className="doc-list">
      {documents.map((doc) => (
        <li key={doc.name} className="doc-row">
          <AppLink to={documentPath(doc.name)}>
            <span className="doc-list-title">{doc.title ?? UNTITLED}</span>
            <PresentPeople people={present[doc.name] ?? []} />
            <time
              className="doc-list-time"
              dateTime={doc.updatedAt}
              title={new Date(doc.updatedAt).toLocaleString()}
            >
              edited {timeAgo(doc.updatedAt)}
            </time>
          </AppLink>
          {onChanged && <DocumentRowActions doc={doc} token={token} onChanged={onChanged} />}
        </li>
      ))}
    </ul>
  );
}
