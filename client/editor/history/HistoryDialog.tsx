import type { Editor } from '@tiptap/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { Version } from '../../../shared/api.ts';
import { VersionKind } from '../../../shared/api.ts';
import { fetchVersionUpdate, listVersions, saveVersion } from '../../api.ts';
import { ExportMenu } from '../ExportMenu.tsx';
import './history.css';
import { restoreInEditor } from './restoreInEditor.ts';
import { SaveVersionForm } from './SaveVersionForm.tsx';
import { buildVersionDiff, type VersionDiff } from './versionDiff.ts';
import { versionAge, versionAuthors, versionTitle } from './versionLabels.ts';
import { VersionPreview } from './VersionPreview.tsx';

interface Props {
  name: string;
  token: string | null;
  doc: Y.Doc;
  editor: Editor | null;
  /** Writers save and restore versions; readers only look. */
  canWrite: boolean;
  onClose: () => void;
  onRestored: (version: Version) => void;
}

type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; value: T };

/**
 * The document's history, over the editor: the versions newest first, a preview of the one
 * selected with what changed since the one before it, and (for writers) saving and restoring.
 */
export function HistoryDialog({ name, token, doc, editor, canWrite, onClose, onRestored }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [versions, setVersions] = useState<Load<Version[]>>({ status: 'loading' });
  const [selected, setSelected] = useState<Version | null>(null);
  const [preview, setPreview] = useState<Load<{ diff: VersionDiff; update: Uint8Array }> | null>(null);
  const [restoring, setRestoring] = useState(false);
  const [restoreError, setRestoreError] = useState<string | null>(null);
  // A version's state never changes: fetched once per dialog.
  const updates = useRef(new Map<string, Promise<Uint8Array>>());
  const updateOf = useCallback(
    (id: string) => {
      let update = updates.current.get(id);
      if (update === undefined) {
        update = fetchVersionUpdate(name, id, token);
        updates.current.set(id, update);
        update.catch(() => updates.current.delete(id));
      }
      return update;
    },
    [name, token],
  );

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  const refresh = useCallback(() => {
    listVersions(name, token).then(
      (list) => setVersions({ status: 'ready', value: list }),
      (error: Error) => setVersions({ status: 'error', message: error.message }),
    );
  }, [name, token]);
  useEffect(refresh, [refresh]);

  // The preview of the selected version against the one before it (the next in the list).
  useEffect(() => {
    if (selected === null || versions.status !== 'ready') return;
    const list = versions.value;
    const previous = list[list.findIndex((v) => v.id === selected.id) + 1] ?? null;
    let cancelled = false;
    setPreview({ status: 'loading' });
    Promise.all([previous === null ? null : updateOf(previous.id), updateOf(selected.id)]).then(
      ([before, update]) =>
        !cancelled &&
        setPreview({ status: 'ready', value: { diff: buildVersionDiff(before, update), update } }),
      (error: Error) => !cancelled && setPreview({ status: 'error', message: error.message }),
    );
    return () => {
      cancelled = true;
    };
  }, [selected, versions, updateOf]);

  const save = async (versionName: string) => {
    await saveVersion(name, { name: versionName }, token);
    refresh();
  };

  const restore = async () => {
    if (selected === null || editor === null || preview?.status !== 'ready') return;
    setRestoring(true);
    setRestoreError(null);
    try {
      // The current state is kept first, so the restore itself can always be taken back.
      await saveVersion(name, { kind: VersionKind.Restore, restoring: selected.id }, token);
      restoreInEditor(editor, doc, preview.value.update);
      onRestored(selected);
    } catch (error) {
      setRestoreError(`Could not restore: ${(error as Error).message}`);
      setRestoring(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="history-dialog"
      aria-labelledby="history-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div className={`history-layout${selected ? ' history-has-selection' : ''}`}>
        <section className="history-side" aria-label="Versions">
          <div className="history-head">
            <h2 id="history-title">History</h2>
            <button type="button" className="button-quiet" onClick={onClose}>
              Close
            </button>
          </div>
          {canWrite && <SaveVersionForm onSave={save} />}
          {versions.status === 'loading' && <p className="muted">Loading versions…</p>}
          {versions.status === 'error' && (
            <p className="notice notice-error" role="alert">
              Could not load the history: {versions.message}
            </p>
          )}
          {versions.status === 'ready' && versions.value.length === 0 && (
            <p className="muted">No versions yet. Inkwell keeps one after each pause in the writing.</p>
          )}
          {versions.status === 'ready' && versions.value.length > 0 && (
            <ul className="version-list">
              {versions.value.map((version) => (
                <VersionRow
                  key={version.id}
                  version={version}
                  selected={selected?.id === version.id}
                  onSelect={() => setSelected(version)}
                />
              ))}
            </ul>
          )}
        </section>
        <section className="history-main" aria-label="Preview">
          {selected === null && <p className="muted history-hint">Select a version to see it.</p>}
          {selected !== null && (
            <>
              <div className="history-actions">
                <button type="button" className="button-quiet history-back" onClick={() => setSelected(null)}>
                  Back to versions
                </button>
                <h3>{versionTitle(selected)}</h3>
                <ExportMenu
                  name={name}
                  token={token}
                  version={selected.id}
                  label="Download this version"
                  opens="down"
                />
                {canWrite && (
                  <button
                    type="button"
                    className="button-primary"
                    disabled={restoring || editor === null || preview?.status !== 'ready'}
                    onClick={() => void restore()}
                  >
                    {restoring ? 'Restoring…' : 'Restore this version'}
                  </button>
                )}
              </div>
              {restoreError && (
                <p className="notice notice-error" role="alert">
                  {restoreError}
                </p>
              )}
              {preview?.status === 'loading' && <div className="version-preview" aria-busy="true" />}
              {preview?.status === 'error' && (
                <p className="notice notice-error" role="alert">
                  Could not load this version: {preview.message}
                </p>
              )}
              {preview?.status === 'ready' && (
                <VersionPreview diff={preview.value.diff} label={`Preview: ${versionTitle(selected)}`} />
              )}
            </>
          )}
        </section>
      </div>
    </dialog>
  );
}

function VersionRow({
  version,
  selected,
  onSelect,
}: {
  version: Version;
  selected: boolean;
  onSelect: () => void;
}) {
  const age = versionAge(version);
  return (
    <li>
      <button type="button" className="version-item" aria-pressed={selected} onClick={onSelect}>
        <span className="version-title">{versionTitle(version)}</span>
        <time className="version-time" dateTime={version.createdAt} title={age.exact}>
          {age.relative}
        </time>
        <span className="version-authors">{versionAuthors(version)}</span>
        {version.kind !== VersionKind.Auto && (
          <span className="badge">{version.kind === VersionKind.Named ? 'Named' : 'Before restore'}</span>
        )}
      </button>
    </li>
  );
}
