import type { Editor } from '@tiptap/react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { isSafeLinkHref, normalizeLinkInput } from '../../shared/linkPolicy.ts';

/** Where the popover sits: under the start of the selection, inside the viewport. */
function anchorOf(editor: Editor): { top: number; left: number } {
  const coords = editor.view.coordsAtPos(editor.state.selection.from);
  const width = Math.min(360, window.innerWidth - 16);
  return { top: coords.bottom + 8, left: Math.max(8, Math.min(coords.left, window.innerWidth - width - 8)) };
}

/**
 * Add, edit, open or remove a link (toolbar button or `Ctrl/⌘+K`). Only web and e-mail
 * links are accepted (linkPolicy.ts); "example.com" becomes "https://example.com".
 */
export function LinkPopover({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const existing = (editor.getAttributes('link').href as string | undefined) ?? '';
  const [value, setValue] = useState(existing);
  const [error, setError] = useState<string | null>(null);
  const [anchor] = useState(() => anchorOf(editor));
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  // Back to the text before the popover (and its focused field) unmounts. Tiptap's focus
  // command waits for an animation frame: keys typed meanwhile would land on the page body.
  const close = () => {
    editor.view.focus();
    onClose();
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const href = normalizeLinkInput(value);
    if (href === '') return remove();
    if (!isSafeLinkHref(href)) {
      setError('Only web (https://…) and e-mail links can be added.');
      return;
    }
    const chain = editor.chain().focus();
    if (editor.state.selection.empty && !editor.isActive('link')) {
      // Nothing selected: the address itself becomes the linked text.
      chain
        .insertContent({ type: 'text', text: value.trim(), marks: [{ type: 'link', attrs: { href } }] })
        .run();
    } else {
      chain.extendMarkRange('link').setLink({ href }).run();
    }
    close();
  };

  const remove = () => {
    editor.chain().focus().extendMarkRange('link').unsetLink().run();
    close();
  };

  return (
    <form
      className="link-popover"
      style={{ top: anchor.top, left: anchor.left }}
      onSubmit={apply}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          close();
        }
      }}
      aria-label="Link"
    >
      <input
        ref={input}
        type="text"
        inputMode="url"
        aria-label="Link address"
        placeholder="Paste or type a link"
        value={value}
        onChange={(event) => {
          setValue(event.target.value);
          setError(null);
        }}
      />
      <div className="link-popover-actions">
        <button type="submit" className="button-primary">
          {existing ? 'Update' : 'Add link'}
        </button>
        {existing && isSafeLinkHref(existing) && (
          <a className="button-quiet" href={existing} target="_blank" rel="noopener noreferrer">
            Open
          </a>
        )}
        {existing && (
          <button type="button" className="button-quiet" onClick={remove}>
            Remove
          </button>
        )}
        <button type="button" className="button-quiet" onClick={close}>
          Cancel
        </button>
      </div>
      {error && (
        <p className="link-popover-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
