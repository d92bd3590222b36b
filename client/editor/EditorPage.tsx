import { useState } from 'react';
import { CloseCode } from '../../shared/closeCodes.ts';
import { StatusIndicator } from '../collab/StatusIndicator.tsx';
import { useCollabSession } from '../collab/useCollabSession.ts';
import { Avatars } from '../presence/Avatars.tsx';
import { loadIdentity, saveName, type Identity } from '../presence/identity.ts';
import { NameDialog } from '../presence/NameDialog.tsx';
import { navigate } from '../router.ts';
import { CollaborativeEditor } from './CollaborativeEditor.tsx';
import { TitleField } from './TitleField.tsx';

const REFUSAL_MESSAGES: Record<number, string> = {
  [CloseCode.BadDocumentName]: 'This link does not point to a valid document.',
  [CloseCode.Unauthorized]: 'This link has expired or is not valid. Ask for a new one.',
  [CloseCode.Forbidden]: 'You do not have access to this document.',
  [CloseCode.MessageTooBig]: 'A change was too large for the server to accept.',
  [CloseCode.InvalidMessage]: 'The server could not read a change from this browser. Reload the page.',
};

function ShareButton() {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button-quiet share-button"
      onClick={async () => {
        await navigator.clipboard?.writeText(window.location.href).catch(() => {});
        setCopied(true);
        setTimeout(() => setCopied(false), 2000);
      }}
    >
      {copied ? 'Link copied' : 'Copy link'}
    </button>
  );
}

/** One document: title, status, people, toolbar and the shared editor. */
export function EditorPage({ name }: { name: string }) {
  const { session, state } = useCollabSession(name);
  const [identity, setIdentity] = useState<Identity>(loadIdentity);
  const [editingName, setEditingName] = useState(false);
  const needsName = identity.name === null;

  const updateName = (value: string) => {
    setIdentity({ ...identity, name: saveName(value) });
    setEditingName(false);
  };

  return (
    <div className="page editor-page">
      <header className="doc-header">
        <a
          className="brand"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate('/');
          }}
        >
          Inkwell
        </a>
        <div className="doc-title">
          {session ? (
            <TitleField doc={session.doc} editable={state.refused === null} />
          ) : (
            <span className="title-field" />
          )}
        </div>
        <div className="doc-meta">
          <StatusIndicator state={state} />
          {session && <Avatars awareness={session.provider.awareness} />}
          <button
            type="button"
            className="button-quiet me-button"
            onClick={() => setEditingName(true)}
            title="Change your name"
          >
            {identity.name ?? 'Set name'}
          </button>
          <ShareButton />
        </div>
      </header>

      {state.refused && (
        <div className="notice notice-error" role="alert">
          <strong>{REFUSAL_MESSAGES[state.refused.code] ?? 'The server closed this document.'}</strong>
          {state.refused.reason && <span className="notice-detail"> ({state.refused.reason})</span>}
        </div>
      )}

      <main className="doc-body">
        {session && identity.name !== null ? (
          <CollaborativeEditor
            session={session}
            identity={{ ...identity, name: identity.name }}
            editable={state.refused === null}
          />
        ) : (
          <div className="editor-frame editor-placeholder" aria-hidden="true" />
        )}
      </main>

      {(needsName || editingName) && (
        <NameDialog
          initial={identity.name ?? ''}
          onSave={updateName}
          onCancel={needsName ? undefined : () => setEditingName(false)}
        />
      )}
    </div>
  );
}
