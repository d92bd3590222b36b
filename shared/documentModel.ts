/**
 * How the Inkwell editor lays out a document in its Y.Doc. Stock y-websocket apps may use
 * any layout; these names matter only to Inkwell's own editor and document list.
 */

/** Top-level Y.Text holding the document's title (a Y.Text, so concurrent edits merge). */
export const TITLE_TEXT = 'title';

/** Top-level Y.XmlFragment holding the rich text (Tiptap Collaboration's default field). */
export const CONTENT_FRAGMENT = 'default';

/** Titles longer than this are cut when listed. */
export const TITLE_MAX_LENGTH = 200;

export const UNTITLED = 'Untitled';
