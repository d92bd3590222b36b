import { useMemo, useState } from 'react';
import { roleOf, tokenFor } from '../access.ts';
import { createShareLink } from '../api.ts';
import { Role } from '../../shared/access.ts';
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

/** A button that copies a link (computed on click) and says so for two seconds. */
function CopyLinkButton({ label, link }: { label: string; link: () => Promise<string> }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      className="button-quiet share-button"
      onClick={async () => {
        try {
          const url = await link();
          await navigator.clipboard.writeText(url);
          setState('copied');
        } catch {
          setState('failed');
        }
        setTimeout(() => setState('idle'), 2000);
      }}
    >
      {state === 'copied' ? 'Link copied' : state === 'failed' ? 'Could not copy' : label}
    </button>
  );
}

/**
 * Sharing: with auth off the page's own URL is the link. In auth mode a writer mints links
 * (view-only or edit) through the server; a viewer has nothing to share.
 */
function ShareControls({ name, auth, token }: { name: string; auth: boolean; token: string | null }) {
  if (!auth) return <CopyLinkButton label="Copy link" link={async () => window.location.href} />;
  if (token === null || roleOf(token) !== Role.Write) return null;
  const mint = (role: Role) => async () =>
    new URL((await createShareLink(name, role, token)).url, window.location.origin).href;
  return (
    <>
      <CopyLinkButton label="Copy view-only link" link={mint(Role.Read)} />
      <CopyLinkButton label="Copy edit link" link={mint(Role.Write)} />
    </>
  );
}

/** One document: title, status, people, toolbar and the shared editor. */
export function EditorPage({ name, auth }: { name: string; auth: boolean }) {
  const token = useMemo(() => tokenFor(name), [name]);
  const { session, state } = useCollabSession(name, token);
  // The server enforces read-only; the editor mirrors it so viewers are not invited to type.
  const readOnly = roleOf(token) === Role.Read;
  const editable = state.refused === null && !readOnly;
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
          {session ? <TitleField doc={session.doc} editable={editable} /> : <span className="title-field" />}
        </div>
        <div className="doc-meta">
          {readOnly && <span className="badge">View only</span>}
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
          <ShareControls name={name} auth={auth} token={token} />
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
            editable={editable}
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
