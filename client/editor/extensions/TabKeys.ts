import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';

const escapeKey = new PluginKey<boolean>('inkwell-tab-escape');

/**
 * Tab never takes the caret out of the document while someone is typing (issue 16: Enter,
 * Tab, then typing sent the sentence nowhere). Lists indent and outdent (their own keymaps
 * run first; this extension has a low priority and catches what they leave), a code block or
 * paragraph gets a tab character, as in Google Docs.
 *
 * Capturing Tab must not trap keyboard users (WCAG 2.1.2): Escape, then Tab or Shift+Tab,
 * moves focus out of the editor as usual. The same convention as CodeMirror's.
 */
export const TabKeys = Extension.create({
  name: 'inkwellTabKeys',
  priority: 10,

  addKeyboardShortcuts() {
    return {
      Tab: ({ editor }) => {
        // A list item that cannot be indented further (the first of its list) stays put.
        if (editor.isActive('listItem') || editor.isActive('taskItem')) return true;
        return editor.commands.insertContent('\t');
      },
      // Nothing to outdent: keep focus rather than jump to the toolbar mid-sentence.
      'Shift-Tab': () => true,
    };
  },

  addProseMirrorPlugins() {
    return [
      new Plugin<boolean>({
        key: escapeKey,
        state: {
          init: () => false,
          apply: (tr, released) => tr.getMeta(escapeKey) ?? (tr.docChanged ? false : released),
        },
        props: {
          handleDOMEvents: {
            keydown: (view, event) => {
              const released = escapeKey.getState(view.state) ?? false;
              if (event.key === 'Escape') {
                view.dispatch(view.state.tr.setMeta(escapeKey, true));
                return false;
              }
              if (!released) return false;
              if (event.key !== 'Shift') view.dispatch(view.state.tr.setMeta(escapeKey, false));
              // True stops ProseMirror's keymaps without preventDefault: the browser moves focus.
              return event.key === 'Tab';
            },
          },
        },
      }),
    ];
  },
});
