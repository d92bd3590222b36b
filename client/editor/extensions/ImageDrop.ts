import { Extension } from '@tiptap/core';
import { Fragment, Slice } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { dropPoint } from '@tiptap/pm/transform';
import type { EditorView } from '@tiptap/pm/view';

const filesIn = (data: DataTransfer | null): File[] =>
  [...(data?.files ?? [])].filter((file) => file.type.startsWith('image/') || file.type === '');

/**
 * Where an image dropped at the event's point goes: the nearest place a block image fits
 * (between the paragraphs the pointer is between, or splitting the one it is in), or
 * undefined when the point is outside the text.
 */
function dropPosition(view: EditorView, event: DragEvent): number | undefined {
  const point = view.posAtCoords({ left: event.clientX, top: event.clientY });
  if (point === null) return undefined;
  const image = view.state.schema.nodes.image!.create();
  return dropPoint(view.state.doc, point.pos, new Slice(Fragment.from(image), 0, 0)) ?? point.pos;
}

/**
 * Pasted and dropped image files go to `onFiles` (which uploads them) instead of into the
 * document: the schema takes no data: URLs, so ProseMirror would drop them anyway. Dropped
 * files go where they were dropped, pasted ones at the caret.
 */
export const ImageDrop = Extension.create<{ onFiles: (files: File[], at?: number) => void }>({
  name: 'imageDrop',
  addOptions: () => ({ onFiles: () => {} }),
  addProseMirrorPlugins() {
    const take = (files: File[], at?: number) => {
      if (files.length === 0 || !this.editor.isEditable) return false;
      this.options.onFiles(files, at);
      return true;
    };
    return [
      new Plugin({
        key: new PluginKey('imageDrop'),
        props: {
          handlePaste: (_view, event) => take(filesIn(event.clipboardData)),
          handleDrop: (view, event) => {
            const files = filesIn(event.dataTransfer);
            return take(files, files.length > 0 ? dropPosition(view, event) : undefined);
          },
        },
      }),
    ];
  },
});
