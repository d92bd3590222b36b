import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { Placeholder } from '@tiptap/extensions';
import { EditorContent, useEditor, type Editor } from '@tiptap/react';
import { useEffect } from 'react';
import { CONTENT_FRAGMENT } from '../../shared/documentModel.ts';
import { documentExtensions } from '../../shared/editorSchema.ts';
import type { CollabSession } from '../collab/CollabSession.ts';
import type { Identity } from '../presence/identity.ts';
import { TabKeys } from './extensions/TabKeys.ts';
import { Toolbar } from './Toolbar.tsx';

interface Props {
  session: CollabSession;
  identity: Identity & { name: string };
  editable: boolean;
  onReady?: (editor: Editor) => void;
}

/**
 * The rich-text editor bound to the session's Y.Doc. Content lives only in the Y.Doc:
 * nothing is ever seeded with setContent (every client would add its own copy).
 */
export function CollaborativeEditor({ session, identity, editable, onReady }: Props) {
  const editor = useEditor(
    {
      extensions: [
        ...documentExtensions(),
        TabKeys,
        Collaboration.configure({ document: session.doc, field: CONTENT_FRAGMENT }),
        CollaborationCaret.configure({
          provider: session.provider,
          user: { id: identity.id, name: identity.name, color: identity.color },
        }),
        Placeholder.configure({ placeholder: 'Start writing…' }),
      ],
      editorProps: {
        attributes: { class: 'prose', 'aria-label': 'Document text', spellcheck: 'true' },
      },
    },
    [session],
  );

  useEffect(() => {
    editor?.commands.updateUser({ id: identity.id, name: identity.name, color: identity.color });
  }, [editor, identity.id, identity.name, identity.color]);

  useEffect(() => {
    editor?.setEditable(editable);
  }, [editor, editable]);

  useEffect(() => {
    if (editor) onReady?.(editor);
  }, [editor, onReady]);

  return (
    <div className="editor-frame">
      <Toolbar editor={editor} disabled={!editable} />
      <EditorContent editor={editor} className="editor-surface" />
    </div>
  );
}
