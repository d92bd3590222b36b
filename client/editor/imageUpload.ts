import type { Editor } from '@tiptap/core';
import { uploadImage } from '../api.ts';

/** Ids tie a placeholder to its upload; they need not be secret (crypto.randomUUID needs HTTPS). */
const newUploadId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** Position and node of the placeholder of one upload, if it is still in the document. */
function findPlaceholder(editor: Editor, uploadId: string) {
  let found: { pos: number; attrs: Record<string, unknown>; size: number } | null = null;
  editor.state.doc.descendants((node, pos) => {
    if (found !== null) return false;
    if (node.type.name === 'image' && node.attrs.uploadId === uploadId) {
      found = { pos, attrs: node.attrs, size: node.nodeSize };
    }
    return true;
  });
  return found as { pos: number; attrs: Record<string, unknown>; size: number } | null;
}

/**
 * Inserts each file as an image: at once as a placeholder (an image node with an upload id
 * and no src, which every collaborator sees), given its src when the upload finishes, or
 * removed if the server refuses it, so that a failed upload leaves no broken image behind.
 */
export function insertImages(
  editor: Editor,
  files: readonly File[],
  upload: { doc: string; token: string | null; onError(message: string): void },
): void {
  for (const file of files) {
    const uploadId = newUploadId();
    editor
      .chain()
      .focus()
      .insertContent({ type: 'image', attrs: { uploadId, src: null, alt: '' } })
      .run();
    uploadImage(upload.doc, file, upload.token).then(
      (image) => {
        const placeholder = findPlaceholder(editor, uploadId);
        if (placeholder === null) return; // someone deleted it meanwhile
        const { tr } = editor.state;
        tr.setNodeMarkup(placeholder.pos, undefined, {
          ...placeholder.attrs,
          src: image.url,
          uploadId: null,
        });
        editor.view.dispatch(tr);
      },
      (error: Error) => {
        const placeholder = findPlaceholder(editor, uploadId);
        if (placeholder !== null) {
          editor.view.dispatch(editor.state.tr.delete(placeholder.pos, placeholder.pos + placeholder.size));
        }
        upload.onError(error.message);
      },
    );
  }
}
