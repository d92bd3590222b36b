import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, TITLE_TEXT } from '../../../shared/documentModel.ts';
import { restoreVersion } from '../../../shared/restoreVersion.ts';

/** A paragraph holding `text`, bold when asked. */
function paragraph(text: string, bold = false): Y.XmlElement {
  const element = new Y.XmlElement('paragraph');
  const content = new Y.XmlText();
  content.insert(0, text, bold ? { bold: true } : {});
  element.insert(0, [content]);
  return element;
}

function write(doc: Y.Doc, title: string, paragraphs: Y.XmlElement[]): void {
  doc.transact(() => {
    const text = doc.getText(TITLE_TEXT);
    text.delete(0, text.length);
    text.insert(0, title);
    const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
    fragment.delete(0, fragment.length);
    fragment.insert(0, paragraphs);
  });
}

const contentOf = (doc: Y.Doc) => ({
  title: doc.getText(TITLE_TEXT).toString(),
  body: doc.getXmlFragment(CONTENT_FRAGMENT).toString(),
});

describe('restoreVersion', () => {
  it('brings back the old title and formatted text as one change another copy receives as an edit', () => {
    const live = new Y.Doc();
    write(live, 'Draft sent on Tuesday', [paragraph('Dear editor,'), paragraph('the old ending', true)]);
    const version = Y.encodeStateAsUpdate(live);
    const expected = contentOf(live);
    live.getXmlFragment(CONTENT_FRAGMENT).delete(1, 1);
    live.getXmlFragment(CONTENT_FRAGMENT).insert(1, [paragraph('a new ending')]);
    live.getText(TITLE_TEXT).insert(0, 'Final ');

    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(live));
    const updates: Uint8Array[] = [];
    live.on('update', (update: Uint8Array) => updates.push(update));
    restoreVersion(live, version);

    expect(contentOf(live)).toEqual(expected);
    expect(updates).toHaveLength(1);
    Y.applyUpdate(peer, updates[0]!);
    expect(contentOf(peer)).toEqual(expected);
    expect(peer.getXmlFragment(CONTENT_FRAGMENT).toString()).toContain('<bold>the old ending</bold>');
  });

  it('leaves the unchanged first and last paragraphs in place', () => {
    const live = new Y.Doc();
    write(live, 'T', [paragraph('first'), paragraph('middle'), paragraph('last')]);
    const version = Y.encodeStateAsUpdate(live);
    const fragment = live.getXmlFragment(CONTENT_FRAGMENT);
    const [first, , last] = fragment.toArray();
    fragment.delete(1, 1);
    fragment.insert(1, [paragraph('rewritten'), paragraph('and added')]);

    restoreVersion(live, version);

    expect(fragment.toArray().map((block) => block.toString())).toEqual([
      '<paragraph>first</paragraph>',
      '<paragraph>middle</paragraph>',
      '<paragraph>last</paragraph>',
    ]);
    // The very same Yjs items: positions anchored in them (carets) survive.
    expect(fragment.get(0)).toBe(first);
    expect(fragment.get(2)).toBe(last);
  });

  it('changes nothing when the document already holds the version', () => {
    const live = new Y.Doc();
    write(live, 'Same', [paragraph('unchanged')]);
    const updates: Uint8Array[] = [];
    live.on('update', (update: Uint8Array) => updates.push(update));
    restoreVersion(live, Y.encodeStateAsUpdate(live));
    expect(updates).toEqual([]);
  });

  it('empties a document restored to a version from before anything was written', () => {
    const live = new Y.Doc();
    const empty = Y.encodeStateAsUpdate(new Y.Doc());
    write(live, 'Later', [paragraph('text')]);
    restoreVersion(live, empty);
    expect(contentOf(live)).toEqual({ title: '', body: '' });
  });

  it('throws on bytes that are not a Yjs update, leaving the document alone', () => {
    const live = new Y.Doc();
    write(live, 'Kept', [paragraph('text')]);
    expect(() => restoreVersion(live, Uint8Array.of(255, 255, 255))).toThrow();
    expect(contentOf(live).title).toBe('Kept');
  });
});
