import type { AnyExtension } from '@tiptap/core';
import Image from '@tiptap/extension-image';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { TableKit } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';

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
      link: { openOnClick: false, HTMLAttributes: { target: '_blank', rel: 'noopener noreferrer' } },
    }),
    TableKit.configure({ table: { resizable: false } }),
    TaskList,
    TaskItem.configure({ nested: true }),
    // Pasted data: URLs would put whole image files into the document's history.
    Image.configure({ allowBase64: false }),
  ];
}
