import { getSchema, type JSONContent } from '@tiptap/core';
import { Node } from '@tiptap/pm/model';
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, TITLE_MAX_LENGTH, TITLE_TEXT } from '../../shared/documentModel.ts';
import { documentExtensions } from '../../shared/editorSchema.ts';
import { fromMarkdown } from './markdown.ts';

const schema = getSchema(documentExtensions());

/** Why a file could not become a document (the API answers 400 with it). */
export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
}

/** A lone surrogate: text that no file encodes (JSON can still carry it as an escape). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A document made from a file: its title and its initial state as one Yjs update. */
export interface ImportedDocument {
  title: string | null;
  update: Uint8Array;
}

const textOf = (node: JSONContent): string => node.text ?? (node.content ?? []).map(textOf).join('');

/**
 * A Markdown file as a new editor document. Without `title`, a leading level-1 heading
 * becomes the title (that is how the Markdown export writes it), so an exported file
 * imports back as the same document. Throws `UnreadableFileError` on text that is not text.
 */
export function documentFromMarkdown(markdown: string, title?: string): ImportedDocument {
  if (LONE_SURROGATE.test(markdown) || markdown.includes('\u0000')) {
    throw new UnreadableFileError('the file is not valid text');
  }
  let blocks = fromMarkdown(markdown).content ?? [];
  const first = blocks[0];
  if (title === undefined && first?.type === 'heading' && first.attrs?.level === 1) {
    title = textOf(first).trim().slice(0, TITLE_MAX_LENGTH);
    blocks = blocks.slice(1);
  }
  let doc: Node;
  try {
    doc = Node.fromJSON(schema, {
      type: 'doc',
      content: blocks.length > 0 ? blocks : [{ type: 'paragraph' }],
    });
    doc.check();
  } catch (error) {
    throw new UnreadableFileError(`the file does not make a document: ${(error as Error).message}`);
  }
  const ydoc = new Y.Doc();
  try {
    ydoc.transact(() => {
      if (title) ydoc.getText(TITLE_TEXT).insert(0, title);
      prosemirrorToYXmlFragment(doc, ydoc.getXmlFragment(CONTENT_FRAGMENT));
    });
    return { title: title || null, update: Y.encodeStateAsUpdate(ydoc) };
  } finally {
    ydoc.destroy();
  }
}
