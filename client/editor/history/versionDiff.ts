import * as Y from 'yjs';

/** What the preview renders: one document holding both versions, and a snapshot of each. */
export interface VersionDiff {
  /** gc off: the content the selected version deleted is still here to be shown struck out. */
  doc: Y.Doc;
  /** The selected version. */
  snapshot: Y.Snapshot;
  /** The version before it (empty for the oldest: everything in it is an addition). */
  prevSnapshot: Y.Snapshot;
}

/**
 * Builds the history document for a version and the one before it. Both are full gc'd states
 * of the same document; applying the older first keeps its items with their content, and the
 * newer one's delete set then marks what was removed without dropping it (gc is off), so
 * y-tiptap's snapshot rendering can show additions and deletions side by side.
 */
export function buildVersionDiff(previous: Uint8Array | null, selected: Uint8Array): VersionDiff {
  const doc = new Y.Doc({ gc: false });
  if (previous !== null) Y.applyUpdate(doc, previous);
  const prevSnapshot = previous === null ? Y.emptySnapshot : Y.snapshot(doc);
  Y.applyUpdate(doc, selected);
  return { doc, snapshot: Y.snapshot(doc), prevSnapshot };
}
