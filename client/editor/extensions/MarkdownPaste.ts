import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Slice } from '@tiptap/pm/model';
import { fromMarkdown } from '../../../shared/markdown.ts';
import { looksLikeMarkdown } from '../looksLikeMarkdown.ts';

/** Undefined from a ProseMirror prop hands the paste to the next handler (its own parser). */
const NOT_HANDLED = undefined as unknown as Slice;

/**
 * Pasted plain text that looks like Markdown becomes formatting, parsed with the document's
 * own extensions (shared/markdown.ts), so nothing the schema lacks can come in.
 *
 * ProseMirror asks `clipboardTextParser` only when the clipboard has no HTML, or when the
 * writer asked for plain text (Ctrl/⌘+Shift+V: `plain`), and never inside a code block; an
 * HTML clipboard keeps its own formatting. A plain paste is inserted here without the
 * "paste" event mark, so Tiptap's paste rules (bare URLs into links) leave it as typed.
 */
export const MarkdownPaste = Extension.create({
  name: 'markdownPaste',
  addProseMirrorPlugins() {
    // Set while ProseMirror parses the clipboard of the paste being handled.
    let plainPaste = false;
    return [
      new Plugin({
        key: new PluginKey('markdownPaste'),
        props: {
          handleDOMEvents: {
            paste: () => {
              plainPaste = false;
              return false;
            },
          },
          clipboardTextParser: (text, _context, plain, view) => {
            plainPaste = plain;
            if (plain || !looksLikeMarkdown(text)) return NOT_HANDLED;
            try {
              const doc = view.state.schema.nodeFromJSON(fromMarkdown(text));
              // Open at both ends, as an HTML paste is: the end blocks join the text around the caret.
              return Slice.maxOpen(doc.content);
            } catch {
              // Text the parser cannot turn into this schema is still worth pasting as text.
              return NOT_HANDLED;
            }
          },
          handlePaste: (view, _event, slice) => {
            if (!plainPaste) return false;
            plainPaste = false;
            view.dispatch(view.state.tr.replaceSelection(slice).scrollIntoView());
            return true;
          },
        },
      }),
    ];
  },
});
