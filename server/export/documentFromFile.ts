import { getSchema, type JSONContent } from '@tiptap/core';
import { generateJSON } from '@tiptap/html/server';
import { Node } from '@tiptap/pm/model';
import { prosemirrorToYXmlFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, TITLE_MAX_LENGTH, TITLE_TEXT } from '../../shared/documentModel.ts';
import type { CreateDocumentRequest } from '../../shared/api.ts';
import { documentExtensions } from '../../shared/editorSchema.ts';
import { isSafeImageSrc } from '../../shared/linkPolicy.ts';
import { fromMarkdown } from './markdown.ts';

const extensions = documentExtensions();
const schema = getSchema(extensions);

/** An imported file: its format and its text. */
export type ImportedFile = NonNullable<CreateDocumentRequest['content']>;

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
 * The file's blocks as editor JSON. HTML is parsed in happy-dom (scripts off) and read by
 * ProseMirror's schema parser, which keeps only what the editor's extensions describe:
 * scripts, styles, event handler attributes and unknown tags are dropped, and links keep
 * the editor's link rule (shared/linkPolicy.ts).
 */
function blocksOf(file: ImportedFile): JSONContent[] {
  switch (file.format) {
    case 'markdown':
      return fromMarkdown(file.text).content ?? [];
    case 'html':
      return (generateJSON(file.text, extensions) as JSONContent).content ?? [];
    default: {
      const unknown: never = file.format;
      throw new UnreadableFileError(`unknown format ${String(unknown)}`);
    }
  }
}

/**
 * Images whose source the image rule refuses (`javascript:`, `data:`, `file:`, paths on this
 * server other than its uploads) become their alt text, as a refused link stays text. A
 * paragraph, so the replacement is valid wherever the image block was.
 */
function withSafeImages(node: JSONContent): JSONContent {
  if (node.type === 'image' && !isSafeImageSrc(node.attrs?.src)) {
    const alt = typeof node.attrs?.alt === 'string' ? node.attrs.alt.trim() : '';
    return alt === '' ? { type: 'paragraph' } : { type: 'paragraph', content: [{ type: 'text', text: alt }] };
  }
  return node.content === undefined ? node : { ...node, content: node.content.map(withSafeImages) };
}

/**
 * A Markdown or HTML file as a new editor document. Without `title`, a leading level-1
 * heading becomes the title (that is how both exports write it), so an exported file
 * imports back as the same document. Throws `UnreadableFileError` on text that is not text.
 */
export function documentFromFile(file: ImportedFile, title?: string): ImportedDocument {
  if (LONE_SURROGATE.test(file.text) || file.text.includes('\u0000')) {
    throw new UnreadableFileError('the file is not valid text');
  }
  let blocks = blocksOf(file).map(withSafeImages);
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
