import type { Editor } from '@tiptap/react';
import { ySyncPluginKey, yUndoPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { TITLE_TEXT } from '../../../shared/documentModel.ts';
import { restoreVersion } from '../../../shared/restoreVersion.ts';

/**
 * Restores a version in the live editor's Y.Doc as one undoable step: the change carries
 * ySyncPluginKey, an origin the editor's Yjs UndoManager tracks (y-tiptap's yUndoPlugin), so
 * Ctrl/⌘+Z takes back the whole restore, title included, and only this writer's restore.
 */
export function restoreInEditor(editor: Editor, doc: Y.Doc, versionUpdate: Uint8Array): void {
  const { undoManager } = yUndoPluginKey.getState(editor.state) as { undoManager: Y.UndoManager };
  // The manager watches the text only; the title is restored in the same transaction.
  undoManager.addToScope(doc.getText(TITLE_TEXT));
  // Its own step: not merged with typing just before or after (the manager's capture timeout).
  undoManager.stopCapturing();
  restoreVersion(doc, versionUpdate, ySyncPluginKey);
  undoManager.stopCapturing();
}
