import type { Editor } from '@tiptap/core';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import type { Awareness } from 'y-protocols/awareness';
import type { CollabSession } from '../collab/CollabSession.ts';
import { guardLeaving } from '../router.ts';

/**
 * An upload placeholder is an image node with an upload id and no src, which every
 * collaborator sees, but only the uploader's browser can resolve. The uploader lists the ids
 * it is uploading in its awareness state (`uploads`); a placeholder nobody lists belongs to
 * a tab that closed, crashed or reloaded mid-upload, and any writer removes it.
 */
const UPLOADS_FIELD = 'uploads';

/**
 * How long a placeholder must stay unclaimed, while this client is connected and synced,
 * before it goes: covers a joiner whose document arrives before the others' awareness, and
 * an uploader's reconnect (the server withdraws its awareness when its socket closes).
 */
export const ORPHAN_GRACE_MS = 5_000;

interface Placeholder {
  pos: number;
  node: ProseMirrorNode;
}

function placeholders(doc: ProseMirrorNode): Placeholder[] {
  const found: Placeholder[] = [];
  doc.descendants((node, pos) => {
    if (node.type.name === 'image' && typeof node.attrs.uploadId === 'string') found.push({ pos, node });
    return true;
  });
  return found;
}

/** The placeholder of one upload, if it is still in the document. */
export function findPlaceholder(editor: Editor, uploadId: string): Placeholder | null {
  return placeholders(editor.state.doc).find((p) => p.node.attrs.uploadId === uploadId) ?? null;
}

const ownUploads = (awareness: Awareness): string[] =>
  (awareness.getLocalState()?.[UPLOADS_FIELD] as string[] | undefined) ?? [];

/**
 * While this browser has an upload running, asks before leaving the document, in-app or by
 * closing the tab: the image goes in only while the document is open here, so leaving drops
 * it (and its placeholder goes once others see the claim lapse). Returns the cleanup.
 */
export function warnBeforeLeavingUploads(awareness: Awareness): () => void {
  const uploading = () => ownUploads(awareness).length > 0;
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (uploading()) event.preventDefault();
  };
  window.addEventListener('beforeunload', onBeforeUnload);
  const stopGuarding = guardLeaving(() =>
    uploading() ? 'An image is still uploading and will not be added if you leave. Leave anyway?' : null,
  );
  return () => {
    window.removeEventListener('beforeunload', onBeforeUnload);
    stopGuarding();
  };
}

/** Tells everyone this browser is uploading `uploadId` (before its placeholder is inserted). */
export function claimUpload(awareness: Awareness, uploadId: string): void {
  awareness.setLocalStateField(UPLOADS_FIELD, [...ownUploads(awareness), uploadId]);
}

/** The upload has settled: its placeholder is resolved or removed. */
export function releaseUpload(awareness: Awareness, uploadId: string): void {
  awareness.setLocalStateField(
    UPLOADS_FIELD,
    ownUploads(awareness).filter((id) => id !== uploadId),
  );
}

/** Upload ids some client present in the document says it is uploading (this one included). */
function claimedUploads(awareness: Awareness): Set<string> {
  const claimed = new Set<string>();
  for (const state of awareness.getStates().values()) {
    const uploads: unknown = state[UPLOADS_FIELD];
    if (!Array.isArray(uploads)) continue;
    for (const id of uploads) if (typeof id === 'string') claimed.add(id);
  }
  return claimed;
}

/**
 * Removes placeholders that no present client claims once they have gone unclaimed for
 * `graceMs` while this client was connected and synced: offline, a client sees nobody's
 * awareness and would otherwise delete every live upload. Several clients may remove the
 * same node at once; Yjs merges concurrent deletions into one. Returns a stop function.
 */
export function removeOrphanedUploads(
  editor: Editor,
  session: CollabSession,
  graceMs = ORPHAN_GRACE_MS,
): () => void {
  const awareness = session.provider.awareness;
  /** When each unclaimed placeholder was first seen unclaimed, by upload id. */
  const unclaimedSince = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  // Removal runs only from the timer, never inside another transaction's or message's
  // handler: y-tiptap ignores a ProseMirror change made while it applies a remote one.
  const check = (removeExpired = false) => {
    clearTimeout(timer);
    timer = undefined;
    if (editor.isDestroyed) return;
    if (!session.getState().serverSynced) {
      unclaimedSince.clear();
      return;
    }
    const claimed = claimedUploads(awareness);
    const now = Date.now();
    const unclaimed = new Set<string>();
    const expired: Placeholder[] = [];
    for (const placeholder of placeholders(editor.state.doc)) {
      const id = placeholder.node.attrs.uploadId as string;
      if (claimed.has(id)) continue;
      unclaimed.add(id);
      const since = unclaimedSince.get(id) ?? now;
      unclaimedSince.set(id, since);
      if (now - since >= graceMs) expired.push(placeholder);
    }
    for (const id of unclaimedSince.keys()) if (!unclaimed.has(id)) unclaimedSince.delete(id);

    if (expired.length > 0 && removeExpired) {
      const { tr } = editor.state;
      // From the end, so earlier positions stay valid; not undoable: it was never this user's edit.
      for (const { pos, node } of expired.reverse()) tr.delete(pos, pos + node.nodeSize);
      editor.view.dispatch(tr.setMeta('addToHistory', false));
      return; // the dispatch ran check again for whatever is left
    }
    if (unclaimedSince.size > 0) {
      const next = Math.min(...unclaimedSince.values()) + graceMs;
      timer = setTimeout(() => check(true), Math.max(0, next - now));
    }
  };
  const recheck = () => check();
  const onTransaction = ({ transaction }: { transaction: { docChanged: boolean } }) => {
    if (transaction.docChanged) check();
  };

  editor.on('transaction', onTransaction);
  awareness.on('change', recheck);
  const unsubscribe = session.subscribe(recheck);
  check();
  return () => {
    clearTimeout(timer);
    editor.off('transaction', onTransaction);
    awareness.off('change', recheck);
    unsubscribe();
  };
}
