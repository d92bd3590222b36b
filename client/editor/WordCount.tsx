import { useEditorState, type Editor } from '@tiptap/react';

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

/** Words and characters of the document, or of the selection when there is one. */
export function WordCount({ editor }: { editor: Editor | null }) {
  const counts = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      if (e === null) return null;
      const storage = e.storage.characterCount;
      const { from, to, empty } = e.state.selection;
      if (empty) return { selection: false, words: storage.words(), characters: storage.characters() };
      const node = e.state.doc.cut(from, to);
      return { selection: true, words: storage.words({ node }), characters: storage.characters({ node }) };
    },
  });
  if (counts === null) return null;
  return (
    <p className="word-count" aria-live="off">
      {counts.selection ? 'Selection: ' : ''}
      {plural(counts.words, 'word')} · {plural(counts.characters, 'character')}
    </p>
  );
}
