import { getSchema, type JSONContent } from '@tiptap/core';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT } from '../../shared/documentModel.ts';
import { documentExtensions } from '../../shared/editorSchema.ts';
import type { StoredDocument } from '../storage/DocLog.ts';
import { readTitle } from '../rooms/documentTitle.ts';

/** The editor's schema, built once: the same nodes and marks the web editor offers. */
const schema = getSchema(documentExtensions());

/** A document as the editor sees it: its title and its ProseMirror JSON. */
export interface DocumentContent {
  title: string | null;
  doc: JSONContent;
}

/**
 * Reads a stored document (snapshot plus log) into the editor's view of it. Nodes or marks
 * the schema does not know (written by another Yjs app, or a hostile client) are dropped by
 * y-tiptap, as the editor itself would drop them.
 */
export function contentOf(stored: StoredDocument): DocumentContent {
  const ydoc = new Y.Doc({ gc: true });
  try {
    Y.transact(ydoc, () => {
      if (stored.snapshot) Y.applyUpdate(ydoc, stored.snapshot);
      for (const update of stored.updates) Y.applyUpdate(ydoc, update);
    });
    const root = yXmlFragmentToProseMirrorRootNode(ydoc.getXmlFragment(CONTENT_FRAGMENT), schema);
    return { title: readTitle(ydoc), doc: root.toJSON() as JSONContent };
  } finally {
    ydoc.destroy();
  }
}
