import type { Editor } from '@tiptap/react';
import { useEffect, useRef, useState } from 'react';
import { isSafeLinkHref, normalizeLinkInput } from '../../shared/linkPolicy.ts';
import { backToText, EditorPopover } from './EditorPopover.tsx';

/**
 * Add, edit, open or remove a link (toolbar button or `Ctrl/⌘+K`). Only web and e-mail
 * links are accepted (linkPolicy.ts); "example.com" becomes "https://example.com".
 */
export function LinkPopover({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const existing = (editor.getAttributes('link').href as string | undefined) ?? '';
  const [value, setValue] = useState(existing);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const close = () => backToText(editor, onClose);

  const apply = () => {
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
    <EditorPopover editor={editor} label="Link" onSubmit={apply} onClose={onClose}>
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
      <div className="editor-popover-actions">
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
        <p className="editor-popover-error" role="alert">
          {error}
        </p>
      )}
    </EditorPopover>
  );
}
