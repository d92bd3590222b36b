import { mergeAttributes, type AnyExtension } from '@tiptap/core';
import Highlight from '@tiptap/extension-highlight';
import Image from '@tiptap/extension-image';
import Link from '@tiptap/extension-link';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { TableKit } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import { isSafeLinkHref } from './linkPolicy.ts';

/** Where a link opens: a new tab that cannot reach back into this one. */
const LINK_TARGET = { target: '_blank', rel: 'noopener noreferrer nofollow' };

/**
 * Links limited to http(s) and mailto (linkPolicy.ts). A link mark with any other href,
 * which only a hostile client can write, renders as plain text, and every link opens in a
 * new tab whatever target/rel the mark claims.
 */
const SafeLink = Link.extend({
  renderHTML({ HTMLAttributes }) {
    if (!isSafeLinkHref(HTMLAttributes.href)) return ['span', { class: 'link-refused' }, 0];
    return ['a', mergeAttributes(HTMLAttributes, LINK_TARGET), 0];
  },
}).configure({
  openOnClick: false,
  isAllowedUri: (url) => isSafeLinkHref(url),
  HTMLAttributes: LINK_TARGET,
});

/**
 * Images carry an upload id while their upload is in flight: the node is inserted at once,
 * without src, so every collaborator sees the placeholder resolve when the src arrives.
 */
const UploadableImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      uploadId: {
        default: null,
        parseHTML: (element: HTMLElement) => element.getAttribute('data-upload-id'),
        renderHTML: (attributes: { uploadId?: string | null }) =>
          attributes.uploadId ? { 'data-upload-id': attributes.uploadId } : {},
      },
    };
  },
});

/**
 * What a document can hold: the one list of nodes and marks, used by the editor in the
 * browser and by anything on the server that renders or reads documents. A node the
 * schema lacks is dropped silently on paste (issue 16: a pasted table became plain text),
 * so both sides must agree on this list.
 */
export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      // Yjs has its own undo (only your own changes); ProseMirror's would undo others' too.
      undoRedo: false,
      link: false,
    }),
    SafeLink,
    Highlight,
    TableKit.configure({ table: { resizable: false } }),
    TaskList,
    TaskItem.configure({ nested: true }),
    // Pasted data: URLs would put whole image files into the document's history.
    UploadableImage.configure({ allowBase64: false }),
  ];
}
