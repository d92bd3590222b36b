import type { Editor } from '@tiptap/core';
import type { Awareness } from 'y-protocols/awareness';
import { uploadImage } from '../api.ts';
import { claimUpload, findPlaceholder, releaseUpload } from './uploadPlaceholders.ts';

/** Ids tie a placeholder to its upload; they need not be secret (crypto.randomUUID needs HTTPS). */
const newUploadId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Inserts each file as an image, at `at` (where files were dropped) or else at the caret: at
 * once as a placeholder (an image node with an upload id and no src, which every collaborator
 * sees), given its src when the upload finishes, or removed if the server refuses it, so that
 * a failed upload leaves no broken image behind. The uploads are claimed in awareness for as
 * long as they run, so that others remove the placeholders if this tab goes away
 * (uploadPlaceholders.ts).
 */
export function insertImages(
  editor: Editor,
  files: readonly File[],
  upload: { doc: string; token: string | null; awareness: Awareness; onError(message: string): void },
  at?: number,
): void {
  const uploads = files.map((file) => ({ file, uploadId: newUploadId() }));
  // Claimed before the placeholders exist, so nobody ever sees them unclaimed.
  for (const { uploadId } of uploads) claimUpload(upload.awareness, uploadId);
  const content = uploads.map(({ uploadId }) => ({ type: 'image', attrs: { uploadId, src: null, alt: '' } }));
  const chain = editor.chain();
  (at === undefined
    ? chain.focus().insertContent(content)
    : chain.insertContentAt(at, content).focus()
  ).run();

  for (const { file, uploadId } of uploads) {
    uploadImage(upload.doc, file, upload.token)
      .then(
        (image) => {
          if (editor.isDestroyed) return;
          const placeholder = findPlaceholder(editor, uploadId);
          if (placeholder === null) {
            // Removed meanwhile, most likely by a collaborator who saw this tab's claim lapse
            // while its connection was down (people on bad networks lose sockets for seconds).
            // The writer still wants the image they chose: it goes where their caret is now.
            // Had someone deleted the placeholder on purpose, deleting the image is one more
            // keystroke; losing a writer's image silently is worse.
            editor
              .chain()
              .insertContentAt(editor.state.selection.to, {
                type: 'image',
                attrs: { src: image.url, alt: '' },
              })
              .run();
            return;
          }
          const { tr } = editor.state;
          tr.setNodeMarkup(placeholder.pos, undefined, {
            ...placeholder.node.attrs,
            src: image.url,
            uploadId: null,
          });
          editor.view.dispatch(tr);
        },
        (error: Error) => {
          const placeholder = findPlaceholder(editor, uploadId);
          if (placeholder !== null && !editor.isDestroyed) {
            const { pos, node } = placeholder;
            editor.view.dispatch(editor.state.tr.delete(pos, pos + node.nodeSize));
          }
          upload.onError(error.message);
        },
      )
      .finally(() => releaseUpload(upload.awareness, uploadId));
  }
}
