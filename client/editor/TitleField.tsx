import { useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { TITLE_MAX_LENGTH, TITLE_TEXT, UNTITLED } from '../../shared/documentModel.ts';
import { spliceText } from '../../shared/spliceText.ts';

/** The document's title as it changes (everyone's edits). */
function useTitle(doc: Y.Doc): string {
  const text = doc.getText(TITLE_TEXT);
  const [value, setValue] = useState(() => text.toString());
  useEffect(() => {
    const sync = () => setValue(text.toString());
    sync();
    text.observe(sync);
    return () => text.unobserve(sync);
  }, [text]);
  return value;
}

/** The title above the text on paper (the header with the title field is not printed). */
export function PrintTitle({ doc }: { doc: Y.Doc }) {
  const title = useTitle(doc);
  return <h1 className="print-title">{title.trim() || UNTITLED}</h1>;
}

/**
 * The document title, kept in the Y.Doc as a Y.Text so two people renaming at once merge
 * like any other text, and mirrored by the server into the document list.
 */
export function TitleField({ doc, editable }: { doc: Y.Doc; editable: boolean }) {
  const text = doc.getText(TITLE_TEXT);
  const value = useTitle(doc);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${value.trim() || UNTITLED} · Inkwell`;
  }, [value]);

  return (
    <input
      ref={input}
      className="title-field"
      aria-label="Document title"
      placeholder={UNTITLED}
      value={value}
      maxLength={TITLE_MAX_LENGTH}
      readOnly={!editable}
      onChange={(event) => spliceText(text, event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          (document.querySelector('.ProseMirror') as HTMLElement | null)?.focus();
        }
      }}
    />
  );
}
