import * as Y from 'yjs';
import { TITLE_MAX_LENGTH, TITLE_TEXT } from '../../shared/documentModel.ts';

/**
 * The title of a document laid out by the Inkwell editor, or null. Documents of other Yjs
 * apps may use the name `title` for another type; that is not an error, just no title.
 */
export function readTitle(doc: Y.Doc): string | null {
  const shared = doc.share.get(TITLE_TEXT);
  if (shared === undefined) return null;
  try {
    const title = doc.getText(TITLE_TEXT).toString().trim();
    return title === '' ? null : title.slice(0, TITLE_MAX_LENGTH);
  } catch {
    return null;
  }
}

/** The initial state of a new editor document with the given title, as one Yjs update. */
export function newDocumentUpdate(title: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText(TITLE_TEXT).insert(0, title);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
