import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, TITLE_TEXT } from '../../../shared/documentModel.ts';
import { restoreVersion } from '../../../shared/restoreVersion.ts';

const RESTORE = Symbol('restore');

function paragraph(text: string, bold = false): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  const t = new Y.XmlText();
  t.insert(0, text, bold ? { bold: {} } : {});
  p.insert(0, [t]);
  return p;
}

const blocks = (doc: Y.Doc) => doc.getXmlFragment(CONTENT_FRAGMENT).toString();
const title = (doc: Y.Doc) => doc.getText(TITLE_TEXT).toString();

/** A document with a title and paragraphs, and the state it had as a version. */
function documentWith(titleText: string, paragraphs: string[]): Y.Doc {
  const doc = new Y.Doc();
  doc.getText(TITLE_TEXT).insert(0, titleText);
  doc.getXmlFragment(CONTENT_FRAGMENT).insert(
    0,
    paragraphs.map((text) => paragraph(text)),
  );
  return doc;
}

function sync(from: Y.Doc, to: Y.Doc) {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

describe("restoreVersion in a live editor's document", () => {
  it('keeps unchanged blocks, so a concurrent edit in one of them survives', () => {
    const alice = documentWith('Notes', ['Keep me', 'Old middle', 'Keep me too']);
    const version = Y.encodeStateAsUpdate(alice);
    const fragment = alice.getXmlFragment(CONTENT_FRAGMENT);
    fragment.delete(1, 1);
    fragment.insert(1, [paragraph('New middle')]);
    const bob = new Y.Doc();
    sync(alice, bob);

    const firstBlock = fragment.get(0);
    restoreVersion(alice, version, RESTORE);
    expect(fragment.get(0)).toBe(firstBlock);
    // Bob types into the first paragraph at the same time as the restore.
    ((bob.getXmlFragment(CONTENT_FRAGMENT).get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(7, '!');
    sync(alice, bob);
    sync(bob, alice);

    expect(blocks(alice)).toBe(blocks(bob));
    expect(blocks(alice)).toBe(
      '<paragraph>Keep me!</paragraph><paragraph>Old middle</paragraph><paragraph>Keep me too</paragraph>',
    );
  });
  it('is one transaction with the given origin, which an undo manager reverts in one step', () => {
    const doc = documentWith('Plan', ['One', 'Two']);
    const version = Y.encodeStateAsUpdate(doc);
    const fragment = doc.getXmlFragment(CONTENT_FRAGMENT);
    fragment.delete(0, 2);
    fragment.insert(0, [paragraph('Three')]);
    doc.getText(TITLE_TEXT).insert(4, ' B');
    const before = { blocks: blocks(doc), title: title(doc) };

    const undo = new Y.UndoManager([fragment, doc.getText(TITLE_TEXT)], {
      trackedOrigins: new Set([RESTORE]),
    });
    const origins: unknown[] = [];
    doc.on('afterTransaction', (transaction: Y.Transaction) => origins.push(transaction.origin));
    restoreVersion(doc, version, RESTORE);
    expect(origins).toEqual([RESTORE]);
    expect(undo.undoStack).toHaveLength(1);

    undo.undo();
    expect({ blocks: blocks(doc), title: title(doc) }).toEqual(before);
  });
});
