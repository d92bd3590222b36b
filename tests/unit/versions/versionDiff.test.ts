import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildVersionDiff } from '../../../client/editor/history/versionDiff.ts';

const changes = (type: 'added' | 'removed') => ({ type });

/** The text of a paragraph as y-tiptap's snapshot rendering reads it: runs with their change. */
function runs(previous: Uint8Array | null, selected: Uint8Array) {
  const { doc, snapshot, prevSnapshot } = buildVersionDiff(previous, selected);
  const text = doc.getText('t');
  return text
    .toDelta(snapshot, prevSnapshot, changes)
    .map((run: { insert: string; attributes?: { ychange?: { type: string } } }) => [
      run.insert,
      run.attributes?.ychange?.type ?? 'same',
    ]);
}

describe('buildVersionDiff', () => {
  it('shows what a version removed and added since the one before, from gc’d states', () => {
    const live = new Y.Doc();
    const text = live.getText('t');
    text.insert(0, 'Hello old world');
    const before = Y.encodeStateAsUpdate(live);
    text.delete(6, 4);
    text.insert(6, 'new ');
    // The server stores gc'd states: the deleted "old " has lost its content in this one.
    const after = Y.encodeStateAsUpdate(live);

    expect(runs(before, after)).toEqual([
      ['Hello ', 'same'],
      ['old ', 'removed'],
      ['new ', 'added'],
      ['world', 'same'],
    ]);
  });

  it('the oldest version is all additions', () => {
    const live = new Y.Doc();
    live.getText('t').insert(0, 'First words');
    expect(runs(null, Y.encodeStateAsUpdate(live))).toEqual([['First words', 'added']]);
  });
});
