import type { Editor } from '@tiptap/react';
import type { Version } from '../../../shared/api.ts';
import { versionTime } from './versionLabels.ts';

/** "Restored the version of 14:02. Undo": stays until the writer undoes or dismisses it. */
export function RestoredToast({
  version,
  editor,
  onDismiss,
}: {
  version: Version;
  editor: Editor;
  onDismiss: () => void;
}) {
  return (
    <div className="toast restored-toast" role="status">
      Restored the version of {versionTime(version)}.{' '}
      <button
        type="button"
        className="link-button toast-action"
        onClick={() => {
          editor.chain().focus().undo().run();
          onDismiss();
        }}
      >
        Undo
      </button>{' '}
      <button type="button" className="link-button toast-action" aria-label="Dismiss" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
