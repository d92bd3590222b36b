import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { CharacterCount, Placeholder } from '@tiptap/extensions';
import { EditorContent, useEditor, type Editor } from '@tiptap/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { CONTENT_FRAGMENT } from '../../shared/documentModel.ts';
import { documentExtensions } from '../../shared/editorSchema.ts';
import type { CollabSession } from '../collab/CollabSession.ts';
import type { Identity } from '../presence/identity.ts';
import { LinkShortcut } from './extensions/LinkShortcut.ts';
import { MarkdownPaste } from './extensions/MarkdownPaste.ts';
import { TabKeys } from './extensions/TabKeys.ts';
import { TaskListShortcut } from './extensions/TaskListShortcut.ts';
import { ImageDescriptionPopover } from './ImageDescriptionPopover.tsx';
import { LinkPopover } from './LinkPopover.tsx';
import { ShortcutsDialog } from './ShortcutsDialog.tsx';
import { tokenFor } from '../accessTokens.ts';
import { ImageDrop } from './extensions/ImageDrop.ts';
import { insertImages } from './imageUpload.ts';
import { removeOrphanedUploads, warnBeforeLeavingUploads } from './uploadPlaceholders.ts';
import { Toolbar } from './Toolbar.tsx';
import type { ToolbarUi } from './tools.tsx';
import { WordCount } from './WordCount.tsx';

interface Props {
  session: CollabSession;
  identity: Identity & { name: string };
  editable: boolean;
  onReady?: (editor: Editor) => void;
  onShowHistory: () => void;
}

/**
 * The rich-text editor bound to the session's Y.Doc. Content lives only in the Y.Doc:
 * nothing is ever seeded with setContent (every client would add its own copy).
 */
export function CollaborativeEditor({ session, identity, editable, onReady, onShowHistory }: Props) {
  const [linkOpen, setLinkOpen] = useState(false);
  const [describingImage, setDescribingImage] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  // The editor is configured once per session; its shortcut reads the latest state through this.
  const editableRef = useRef(editable);
  editableRef.current = editable;
  const [imageError, setImageError] = useState<string | null>(null);
  const imagePicker = useRef<HTMLInputElement>(null);
  const ui = useMemo<ToolbarUi>(
    () => ({
      openLink: () => editableRef.current && setLinkOpen(true),
      pickImage: () => editableRef.current && imagePicker.current?.click(),
      describeImage: () => editableRef.current && setDescribingImage(true),
    }),
    [],
  );
  const addImages = useRef((_files: File[], _at?: number) => {});

  const editor = useEditor(
    {
      extensions: [
        ...documentExtensions(),
        TabKeys,
        TaskListShortcut,
        LinkShortcut.configure({ onOpen: () => ui.openLink() }),
        ImageDrop.configure({ onFiles: (files, at) => addImages.current(files, at) }),
        MarkdownPaste,
        CharacterCount,
        Collaboration.configure({ document: session.doc, field: CONTENT_FRAGMENT }),
        CollaborationCaret.configure({
          provider: session.provider,
          user: { id: identity.id, name: identity.name, color: identity.color },
        }),
        Placeholder.configure({ placeholder: 'Start writing…' }),
      ],
      // Pasted Markdown is parsed whole (MarkdownPaste); the marks' own paste rules would also
      // rewrite text that is not Markdown ("2 * 3 * 4" lost its stars). Links stay automatic.
      enablePasteRules: ['link'],
      editorProps: {
        attributes: {
          class: 'prose',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': 'Document text',
          spellcheck: 'true',
        },
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

  addImages.current = (files, at) => {
    if (editor === null) return;
    setImageError(null);
    const upload = {
      doc: session.name,
      token: tokenFor(session.name),
      awareness: session.provider.awareness,
      onError: setImageError,
    };
    insertImages(editor, files, upload, at);
  };

  useEffect(() => warnBeforeLeavingUploads(session.provider.awareness), [session]);

  // Only writers tidy up: a reader's change would be refused by the server.
  useEffect(
    () => (editor && editable ? removeOrphanedUploads(editor, session) : undefined),
    [editor, session, editable],
  );

  useEffect(() => {
    if (editor) onReady?.(editor);
  }, [editor, onReady]);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key === '/') {
        event.preventDefault();
        setShortcutsOpen(true);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  return (
    <div className="editor-frame">
      <Toolbar
        editor={editor}
        disabled={!editable}
        ui={ui}
        onShowShortcuts={() => setShortcutsOpen(true)}
        onShowHistory={onShowHistory}
      />
      <EditorContent editor={editor} className="editor-surface" />
      <WordCount editor={editor} />
      <input
        ref={imagePicker}
        type="file"
        accept="image/png,image/jpeg,image/gif,image/webp"
        multiple
        hidden
        onChange={(event) => {
          addImages.current([...(event.target.files ?? [])]);
          event.target.value = '';
        }}
      />
      {imageError && (
        <p className="notice notice-error image-error" role="alert">
          {imageError}
        </p>
      )}
      {linkOpen && editor && <LinkPopover editor={editor} onClose={() => setLinkOpen(false)} />}
      {describingImage && editor && (
        <ImageDescriptionPopover editor={editor} onClose={() => setDescribingImage(false)} />
      )}
      {shortcutsOpen && (
        <ShortcutsDialog
          onClose={() => {
            setShortcutsOpen(false);
            editor?.commands.focus();
          }}
        />
      )}
    </div>
  );
}
