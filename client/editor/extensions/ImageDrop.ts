import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';

const filesIn = (data: DataTransfer | null): File[] =>
  [...(data?.files ?? [])].filter((file) => file.type.startsWith('image/') || file.type === '');

/**
 * Pasted and dropped image files go to `onFiles` (which uploads them) instead of into the
 * document: the schema takes no data: URLs, so ProseMirror would drop them anyway.
 */
export const ImageDrop = Extension.create<{ onFiles: (files: File[]) => void }>({
  name: 'imageDrop',
  addOptions: () => ({ onFiles: () => {} }),
  addProseMirrorPlugins() {
    const take = (files: File[]) => {
      if (files.length === 0 || !this.editor.isEditable) return false;
      this.options.onFiles(files);
      return true;
    };
    return [
      new Plugin({
        key: new PluginKey('imageDrop'),
        props: {
          handlePaste: (_view, event) => take(filesIn(event.clipboardData)),
          handleDrop: (_view, event) => take(filesIn(event.dataTransfer)),
        },
      }),
    ];
  },
});
