import type { Editor } from '@tiptap/react';
import { useState, type FormEvent, type ReactNode } from 'react';

/**
 * Where a popover sits: under the selected node (an image) or under the start of the
 * selection, inside the viewport (at 375 px it spans the screen less a margin).
 */
function anchorOf(editor: Editor): { top: number; left: number } {
  const { from } = editor.state.selection;
  const node = editor.view.nodeDOM(from);
  const box =
    editor.state.selection.empty || !(node instanceof HTMLElement)
      ? editor.view.coordsAtPos(from)
      : node.getBoundingClientRect();
  const width = Math.min(360, window.innerWidth - 16);
  return {
    top: Math.min(box.bottom + 8, window.innerHeight - 120),
    left: Math.max(8, Math.min(box.left, window.innerWidth - width - 8)),
  };
}

/**
 * Hands focus back to the text, then closes. Before the popover (and its focused field)
 * unmounts: Tiptap's focus command waits for an animation frame, and keys typed meanwhile
 * would land on the page body.
 */
export function backToText(editor: Editor, onClose: () => void): void {
  editor.view.focus();
  onClose();
}

/**
 * The small form the editor opens beside the text (a link, an image's description): placed
 * under the selection, Enter submits, Escape closes and returns to the text.
 */
export function EditorPopover({
  editor,
  label,
  onSubmit,
  onClose,
  children,
}: {
  editor: Editor;
  /** The form's accessible name. */
  label: string;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const [anchor] = useState(() => anchorOf(editor));
  return (
    <form
      className="editor-popover"
      style={{ top: anchor.top, left: anchor.left }}
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          backToText(editor, onClose);
        }
      }}
      aria-label={label}
    >
      {children}
    </form>
  );
}
