import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../../../shared/documentModel.ts';
import { blobHashesInUpdate } from '../../../server/blobs/blobSources.ts';
import { restoreChange } from '../../../server/versions/Versioning.ts';

const HASH = 'c0ffee'.padEnd(64, '0');

/** The updates `edit` makes to a document in `start`'s state, one per transaction. */
function updatesOf(edit: (content: Y.XmlFragment) => void, start?: Y.Doc): Uint8Array[] {
  const doc = new Y.Doc();
  if (start !== undefined) Y.applyUpdate(doc, Y.encodeStateAsUpdate(start));
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  edit(doc.getXmlFragment(CONTENT_FRAGMENT));
  return updates;
}

function image(src: string): Y.XmlElement {
  const node = new Y.XmlElement('image');
  node.setAttribute('src', src);
  return node;
}

describe('blobHashesInUpdate', () => {
  it('finds an image node showing a stored image, once however often it appears', () => {
    const [update] = updatesOf((content) =>
      content.insert(0, [image(`/blobs/${HASH}`), image(`/blobs/${HASH}`)]),
    );
    expect(blobHashesInUpdate(update!)).toEqual([HASH]);
  });

  it('finds a src set on an existing image, and an absolute URL a browser pasted', () => {
    const placeholder = image('https://example.com/a.png');
    const updates = updatesOf((content) => {
      content.insert(0, [placeholder]);
      placeholder.setAttribute('src', `http://inkwell.example:8080/blobs/${HASH}`);
    });
    expect(updates.map(blobHashesInUpdate)).toEqual([[], [HASH]]);
  });

  it('ignores typing, web images, and URLs that only look like this server’s images', () => {
    const updates = updatesOf((content) => {
      const paragraph = new Y.XmlElement('paragraph');
      content.insert(0, [paragraph]);
      paragraph.insert(0, [new Y.XmlText(`/blobs/${HASH}`)]);
      content.insert(1, [image('https://example.com/a.png')]);
      content.insert(2, [image(`/blobs/${HASH}/../x`), image(`/blobs/${HASH.toUpperCase()}`)]);
    });
    expect(updates.flatMap(blobHashesInUpdate)).toEqual([]);
  });

  it('finds the image a version restore brings back', () => {
    const doc = new Y.Doc();
    doc.getXmlFragment(CONTENT_FRAGMENT).insert(0, [image(`/blobs/${HASH}`)]);
    const version = Y.encodeStateAsUpdate(doc);
    doc.getXmlFragment(CONTENT_FRAGMENT).delete(0, 1);
    const change = restoreChange(Y.encodeStateAsUpdate(doc), version);
    expect(blobHashesInUpdate(change!)).toEqual([HASH]);
  });
});
