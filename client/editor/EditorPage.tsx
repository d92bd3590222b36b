import { AppLink } from '../AppLink.tsx';
import type { Editor } from '@tiptap/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Role } from '../../shared/access.ts';
import { CloseCode, DeletedReason } from '../../shared/closeCodes.ts';
import { roleOf, tokenFor } from '../accessTokens.ts';
import { StatusIndicator } from '../collab/StatusIndicator.tsx';
import { useCollabSession } from '../collab/useCollabSession.ts';
import { Avatars } from '../presence/Avatars.tsx';
import { guestName, loadIdentity, saveName, type Identity } from '../presence/identity.ts';
import { NameDialog } from '../presence/NameDialog.tsx';
import { NameHint } from '../presence/NameHint.tsx';
import { CollaborativeEditor } from './CollaborativeEditor.tsx';
import { ExportMenu } from './ExportMenu.tsx';
import { HistoryDialog } from './history/HistoryDialog.tsx';
import { RestoredToast } from './history/RestoredToast.tsx';
import type { Version } from '../../shared/api.ts';
import { DeletedDocument } from './DeletedDocument.tsx';
import { MissingDocument } from './MissingDocument.tsx';
import { ShareControls } from './ShareControls.tsx';
import { PrintTitle, TitleField } from './TitleField.tsx';
import { useDocumentLookup } from './useDocumentLookup.ts';
import { useSaveShortcut } from './useSaveShortcut.ts';

/** Why the server will not open this document, in words for a writer (never its internals). */
const REFUSAL_MESSAGES: Record<number, string> = {
  [CloseCode.BadDocumentName]: 'No document at this link.',
  [CloseCode.Unauthorized]: 'This link has expired or is not valid. Ask for a new one.',
  [CloseCode.Forbidden]: 'You do not have access to this document.',
  [CloseCode.DocumentDeleted]: 'This document was deleted. Restore it from the trash to keep editing.',
  [CloseCode.MessageTooBig]: 'A change was too large to save. Undo it, or split it into smaller pieces.',
  [CloseCode.InvalidMessage]: 'Something went wrong while saving. Reload the page to continue.',
};
const REFUSED_BY_HTTP: Record<number, number> = { 401: CloseCode.Unauthorized, 403: CloseCode.Forbidden };
/** A DocumentDeleted close whose reason says the document is gone for good: nothing to restore. */
const PURGED_MESSAGE = 'This document was permanently deleted.';

function Brand() {
  return (
    <AppLink className="brand" to={'/'}>
      Inkwell
    </AppLink>
  );
}

function RefusalNotice({
  code,
  reason = '',
  unsaved = false,
}: {
  code: number;
  reason?: string;
  /** Changes made here that the server has not confirmed (they stay in this browser's copy). */
  unsaved?: boolean;
}) {
  const purged = code === CloseCode.DocumentDeleted && reason === DeletedReason.Purged;
  const message = purged
    ? PURGED_MESSAGE
    : (REFUSAL_MESSAGES[code] ?? 'This document cannot be opened right now.');
  return (
    <div className="notice notice-error" role="alert">
      <strong>{message}</strong>
      {/* A purged document takes nothing more; anything else can be opened here again. */}
      {unsaved && !purged && (
        <p>
          Your latest changes are not on the server yet. They are kept in this browser and are sent when you
          open this document here again with access.
        </p>
      )}
    </div>
  );
}

/**
 * One document. Before connecting, the page asks whether the document exists (connecting
 * would create it); offline, it opens the local copy straight away.
 */
export function EditorPage({ name, auth }: { name: string; auth: boolean }) {
  const token = useMemo(() => tokenFor(name), [name]);
  const [lookup, markCreated] = useDocumentLookup(name, token);
  switch (lookup.status) {
    case 'checking':
      return (
        <div className="page editor-page">
          <div className="editor-frame editor-placeholder" aria-busy="true" />
        </div>
      );
    case 'missing':
      return (
        <div className="page editor-page">
          <header className="doc-header">
            <Brand />
          </header>
          <MissingDocument name={name} token={token} canCreate={lookup.canCreate} onCreated={markCreated} />
        </div>
      );
    case 'deleted':
      return (
        <div className="page editor-page">
          <header className="doc-header">
            <Brand />
          </header>
          <DeletedDocument
            name={name}
            token={token}
            purged={lookup.purged}
            canRestore={roleOf(token) !== Role.Read}
            onRestored={markCreated}
          />
        </div>
      );
    case 'refused':
      return (
        <div className="page editor-page">
          <header className="doc-header">
            <Brand />
          </header>
          <RefusalNotice code={REFUSED_BY_HTTP[lookup.httpStatus] ?? CloseCode.Forbidden} />
        </div>
      );
    case 'found':
    case 'unreachable':
      return <OpenDocument name={name} auth={auth} token={token} />;
    default: {
      const unreachable: never = lookup;
      return unreachable;
    }
  }
}

/** Title, status, people, toolbar and the shared editor of a document that is open. */
function OpenDocument({ name, auth, token }: { name: string; auth: boolean; token: string | null }) {
  const { session, state } = useCollabSession(name, token);
  // The server enforces read-only; the editor mirrors it so viewers are not invited to type.
  const readOnly = roleOf(token) === Role.Read;
  const editable = state.refused === null && !readOnly;
  const [identity, setIdentity] = useState<Identity>(loadIdentity);
  const [editingName, setEditingName] = useState(false);
  const editor = useRef<Editor | null>(null);
  const onEditorReady = useCallback((ready: Editor) => {
    editor.current = ready;
  }, []);
  const [historyOpen, setHistoryOpen] = useState(false);
  const showHistory = useCallback(() => setHistoryOpen(true), []);
  const [restored, setRestored] = useState<Version | null>(null);
  const saveAnswer = useSaveShortcut(state);
  const header = useStickyHeaderHeight();
  // Reading needs no name: until one is given, others see a guest name.
  const shownName = identity.name ?? guestName(identity.id);

  const closeNameDialog = (value?: string) => {
    if (value !== undefined) setIdentity({ ...identity, name: saveName(value) });
    setEditingName(false);
  };
  // Back to writing: the caret returns to where it was. After the dialog has unmounted,
  // because closing a <dialog> hands focus back to the button that opened it.
  const dialogWasOpen = useRef(false);
  useEffect(() => {
    if (dialogWasOpen.current && !editingName) editor.current?.commands.focus();
    dialogWasOpen.current = editingName;
  }, [editingName]);

  return (
    <div className="page editor-page">
      <header className="doc-header" ref={header}>
        <Brand />
        <div className="doc-title">
          {session ? <TitleField doc={session.doc} editable={editable} /> : <span className="title-field" />}
        </div>
        <div className="doc-meta">
          {readOnly && <span className="badge">View only</span>}
          {state.refused === null && <StatusIndicator state={state} />}
          {session && <Avatars awareness={session.provider.awareness} />}
          <button
            type="button"
            className={`button-quiet me-button${identity.name === null ? ' me-button-unnamed' : ''}`}
            onClick={() => setEditingName(true)}
            aria-label={identity.name === null ? 'Set your name' : `Your name: ${identity.name}. Change it`}
          >
            {identity.name ?? 'Set your name'}
          </button>
          <ShareControls name={name} auth={auth} token={token} />
        </div>
        {identity.name === null && !readOnly && state.editedHere && !editingName && (
          <NameHint guestName={shownName} onSetName={() => setEditingName(true)} />
        )}
      </header>

      {state.refused && (
        <RefusalNotice code={state.refused.code} reason={state.refused.reason} unsaved={!state.saved} />
      )}

      <main className="doc-body">
        {session && <PrintTitle doc={session.doc} />}
        {session ? (
          <CollaborativeEditor
            session={session}
            identity={{ ...identity, name: shownName }}
            editable={editable}
            onReady={onEditorReady}
            onShowHistory={showHistory}
          />
        ) : (
          <div className="editor-frame editor-placeholder" aria-hidden="true" />
        )}
        <div className="export-links">
          <ExportMenu name={name} token={token} label="Download" />
        </div>
      </main>

      {saveAnswer && (
        <div className="toast" aria-live="polite">
          {saveAnswer}
        </div>
      )}

      {historyOpen && session && (
        <HistoryDialog
          name={name}
          token={token}
          doc={session.doc}
          editor={editor.current}
          canWrite={editable}
          onClose={() => setHistoryOpen(false)}
          onRestored={(version) => {
            setHistoryOpen(false);
            setRestored(version);
            // Back in the text, where Ctrl/⌘+Z takes the restore back.
            editor.current?.commands.focus();
          }}
        />
      )}
      {restored && editor.current && (
        <RestoredToast version={restored} editor={editor.current} onDismiss={() => setRestored(null)} />
      )}

      {editingName && (
        <NameDialog
          initial={identity.name ?? ''}
          onSave={(value) => closeNameDialog(value)}
          onCancel={() => closeNameDialog()}
        />
      )}
    </div>
  );
}

/**
 * The header (title, status, people, share) stays in view in a long document, and the
 * toolbar sticks just below it: the header's height, which changes when it wraps on a
 * narrow screen, is kept in a CSS variable the toolbar reads.
 */
function useStickyHeaderHeight() {
  const observer = useRef<ResizeObserver | null>(null);
  return useCallback((element: HTMLElement | null) => {
    observer.current?.disconnect();
    if (element === null) return;
    const page = element.parentElement!;
    observer.current = new ResizeObserver(() => {
      page.style.setProperty('--doc-header-height', `${element.offsetHeight}px`);
    });
    observer.current.observe(element);
  }, []);
}
