import type { Editor } from '@tiptap/react';
import { useEffect, useId, useRef, useState } from 'react';
import { backToText, EditorPopover } from './EditorPopover.tsx';

/**
 * The selected image's description (its `alt`), for people who cannot see it: read aloud by
 * screen readers and shown when the image cannot load. Empty removes it.
 */
export function ImageDescriptionPopover({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const [value, setValue] = useState(() => (editor.getAttributes('image').alt as string | null) ?? '');
  const input = useRef<HTMLInputElement>(null);
  const fieldId = useId();

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const close = () => backToText(editor, onClose);
  const save = () => {
    const alt = value.trim();
    editor
      .chain()
      .focus()
      .updateAttributes('image', { alt: alt === '' ? null : alt })
      .run();
    close();
  };

  return (
    <EditorPopover editor={editor} label="Image description" onSubmit={save} onClose={onClose}>
      <label className="editor-popover-label" htmlFor={fieldId}>
        Describe the image for people who cannot see it
      </label>
      <input
        ref={input}
        id={fieldId}
        type="text"
        placeholder="e.g. A chart of sales by month"
        value={value}
        onChange={(event) => setValue(event.target.value)}
      />
      <div className="editor-popover-actions">
        <button type="submit" className="button-primary">
          Save
        </button>
        <button type="button" className="button-quiet" onClick={close}>
          Cancel
        </button>
      </div>
    </EditorPopover>
  );
}
