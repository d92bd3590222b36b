import { EditorContent, useEditor } from '@tiptap/react';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { useEffect } from 'react';
import { CONTENT_FRAGMENT } from '../../../shared/documentModel.ts';
import { documentExtensions } from '../../../shared/editorSchema.ts';
import type { VersionDiff } from './versionDiff.ts';
import { previewExtensions } from './YChange.ts';

/**
 * A version as it was, in a second, non-editable editor with the document's extensions, what
 * changed since the version before it marked (y-tiptap's snapshot rendering). The live
 * editor is never touched.
 */
export function VersionPreview({ diff, label }: { diff: VersionDiff; label: string }) {
  const editor = useEditor(
    {
      editable: false,
      extensions: [...documentExtensions(), ...previewExtensions(diff.doc, CONTENT_FRAGMENT)],
      editorProps: {
        attributes: {
          class: 'prose version-preview-text',
          role: 'document',
          'aria-label': label,
        },
      },
    },
    [diff],
  );

  useEffect(() => {
    if (editor === null) return;
    editor.view.dispatch(
      editor.state.tr.setMeta(ySyncPluginKey, { snapshot: diff.snapshot, prevSnapshot: diff.prevSnapshot }),
    );
  }, [editor, diff]);

  return (
    <div className="version-preview">
      <p className="version-legend" aria-label="Legend">
        <ins className="ychange ychange-added">Added</ins>{' '}
        <del className="ychange ychange-removed">Removed</del> since the version before
      </p>
      <EditorContent editor={editor} />
    </div>
  );
}
