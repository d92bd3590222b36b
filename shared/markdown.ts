import {
  getExtensionField,
  resolveExtensions,
  type AnyExtension,
  type JSONContent,
  type MarkdownTokenizer,
} from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { Marked, type marked } from 'marked';
import { documentExtensions } from './editorSchema.ts';

/**
 * Markdown (CommonMark + GFM tables and task lists) in and out (export, import, paste), with Tiptap's own markdown
 * support and these fixes where its output does not read back as written or is not CommonMark:
 * - a code block whose text contains ``` needs a longer fence;
 * - a paragraph line that starts like a block ("# ", "> ", "- ", "1. ", "```") — its first
 *   line, or a line after a hard break — must be escaped, or it becomes a heading or a list;
 * - underline and highlight are written as `<u>` and `<mark>` (inline HTML, which CommonMark
 *   passes through), not Tiptap's `++`/`==`, which no CommonMark or GFM reader knows, and
 *   which turned prose such as "a == b or c == d" into a highlight on import;
 * - a table is one block, without the blank lines Tiptap puts around it, and a "|" in a cell
 *   is escaped, or it would split the cell.
 */
const BLOCK_START = /^( {0,3})(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|`{3,}|~{3,}|=+\s*$)/;
const ORDERED_ITEM_START = /^( {0,3}\d{1,9})([.)])(?=\s|$)/;

function escapeBlockStarts(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) =>
      line
        .replace(BLOCK_START, (_match, indent: string, start: string) => `${indent}\\${start}`)
        // "1. " is escaped on its punctuation: "1\. ".
        .replace(
          ORDERED_ITEM_START,
          (_match, number: string, punctuation: string) => `${number}\\${punctuation}`,
        ),
    )
    .join('\n');
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/**
 * Tiptap's block tokenizers for ordered lists, task lists and tables split the whole rest of
 * the document into lines every time marked asks them whether a block starts here, which is
 * at every block: parsing was quadratic (a 512 KiB Markdown import took 15 s, 5 MiB over ten
 * minutes, all of it blocking the server). Each is handed only what it can consume: nothing
 * when the first line cannot start its block, else the text up to the first blank line
 * followed by an unindented line that cannot continue it. Both bounds are supersets of what
 * the tokenizers accept (they stop there or earlier), so the tokens are the same.
 */
const BLANK_THEN_UNINDENTED = /\n[^\S\n]*\n(?:[^\S\n]*\n)*(?=\S)/g;
const LEADING_BLANK_LINES = /^(?:[^\S\n]*\n)*/;

interface BlockBounds {
  /** A line that may start the block (matched at its first non-blank line). */
  starts: RegExp;
  /** An unindented line after a blank one that may still continue it (e.g. the next "2."). */
  continues?: RegExp;
}

const BOUNDED_BLOCKS: Record<string, BlockBounds> = {
  orderedList: { starts: /^[^\S\n]*[0-9A-Za-z]+[.)]\s/, continues: /^[0-9A-Za-z]+[.)]\s/ },
  taskList: { starts: /^[^\S\n]*[-+*]\s+\[[ xX]\]\s/ },
};

function blockExtent(src: string, bounds: BlockBounds): number {
  const from = LEADING_BLANK_LINES.exec(src)?.[0].length ?? 0;
  if (!bounds.starts.test(src.slice(from, from + 64))) return 0;
  BLANK_THEN_UNINDENTED.lastIndex = from;
  for (let blank; (blank = BLANK_THEN_UNINDENTED.exec(src)) !== null;) {
    const next = blank.index + blank[0].length;
    if (bounds.continues === undefined || !bounds.continues.test(src.slice(next, next + 64))) return next;
  }
  return src.length;
}

function boundedTokenizer(tokenizer: MarkdownTokenizer, name: string): MarkdownTokenizer {
  const bounds = BOUNDED_BLOCKS[name];
  if (bounds !== undefined) {
    return {
      ...tokenizer,
      tokenize: (src, tokens, lexer) => {
        const end = blockExtent(src, bounds);
        return end === 0 ? undefined : tokenizer.tokenize(src.slice(0, end), tokens, lexer);
      },
    };
  }
  const { start } = tokenizer;
  if (name === 'table' && typeof start === 'function') {
    // A table starts where a header line is followed by a separator line: two lines decide.
    return {
      ...tokenizer,
      start: (src) => {
        const second = src.indexOf('\n', src.indexOf('\n') + 1);
        return start(second === -1 ? src : src.slice(0, second));
      },
    };
  }
  return tokenizer;
}

const textOf = (node: JSONContent): string => node.text ?? (node.content ?? []).map(textOf).join('');

/** The HTML element each mark without CommonMark syntax is written as. */
const HTML_MARKS: Record<string, string> = { underline: 'u', highlight: 'mark' };

/**
 * A mark read and written as its HTML element (`<u>text</u>`). Marked alone would hand the
 * tags to Tiptap, which reads inline HTML only where there is a DOM (the browser), so an
 * import on the server would keep them as literal text.
 */
function htmlMark(extension: AnyExtension, tag: string): AnyExtension {
  const element = new RegExp(`^<${tag}>([\\s\\S]+?)</${tag}>`, 'i');
  return extension.extend({
    renderMarkdown: (node: JSONContent, helpers: { renderChildren(node: JSONContent): string }) =>
      `<${tag}>${helpers.renderChildren(node)}</${tag}>`,
    markdownTokenizer: {
      name: extension.name,
      level: 'inline',
      start: (src: string) => src.search(new RegExp(`<${tag}>`, 'i')),
      tokenize: (src, _tokens, lexer) => {
        const match = element.exec(src);
        if (match === null) return undefined;
        return {
          type: extension.name,
          raw: match[0],
          text: match[1]!,
          tokens: lexer.inlineTokens(match[1]!),
        };
      },
    } satisfies MarkdownTokenizer,
  });
}

/**
 * The editor's extensions, flattened, with the two fixes. Kits (StarterKit, TableKit) are
 * left out: their nodes are already in the flat list, and the manager would register the
 * kits' own, unfixed copies again.
 */
const KITS = new Set(['starterKit', 'tableKit']);

function markdownExtensions(): AnyExtension[] {
  const flat = resolveExtensions(documentExtensions()).filter((extension) => !KITS.has(extension.name));
  return flat.map((extension) => {
    if (extension.name === 'paragraph') {
      const render = getExtensionField<NonNullable<typeof extension.config.renderMarkdown>>(
        extension,
        'renderMarkdown',
      );
      return extension.extend({
        renderMarkdown: (node, helpers, context) => escapeBlockStarts(render?.(node, helpers, context) ?? ''),
      });
    }
    if (extension.name === 'codeBlock') {
      return extension.extend({
        renderMarkdown(node) {
          const code = textOf(node);
          const fence = '`'.repeat(Math.max(3, longestRun(code, '`') + 1));
          return `${fence}${(node.attrs?.language as string | null) ?? ''}\n${code}\n${fence}`;
        },
      });
    }
    const tag = HTML_MARKS[extension.name];
    if (tag !== undefined) return htmlMark(extension, tag);
    if (extension.name === 'table') {
      const render = getExtensionField<NonNullable<typeof extension.config.renderMarkdown>>(
        extension,
        'renderMarkdown',
      );
      // A "|" in a cell would end the cell: GFM reads "\\|" as a literal one, in code spans too.
      return extension.extend({
        renderMarkdown: (node, helpers, context) => {
          const cellHelpers = {
            ...helpers,
            renderChildren: (...args: Parameters<typeof helpers.renderChildren>) =>
              helpers.renderChildren(...args).replace(/\|/g, '\\|'),
          };
          return (render?.(node, cellHelpers, context) ?? '').replace(/^\n+|\n+$/g, '');
        },
      });
    }
    const tokenizer = getExtensionField<MarkdownTokenizer | undefined>(extension, 'markdownTokenizer');
    if (tokenizer !== undefined && tokenizer.level === 'block') {
      const bounded = boundedTokenizer(tokenizer, extension.name);
      if (bounded !== tokenizer) return extension.extend({ markdownTokenizer: bounded });
    }
    return extension;
  });
}

/**
 * A marked instance of its own for a MarkdownManager: by default every manager registers its
 * tokenizers on marked's one global instance, where a later manager's take precedence. The
 * manager's type asks for the global's type, but it uses only what an instance has too
 * (`Lexer`, `lexer`, `defaults`, `setOptions`, `use`).
 */
export const isolatedMarked = (): typeof marked => new Marked() as unknown as typeof marked;

const manager = new MarkdownManager({ marked: isolatedMarked(), extensions: markdownExtensions() });

/** A document's ProseMirror JSON as Markdown. */
export function toMarkdown(doc: JSONContent): string {
  return `${manager.serialize(doc).trimEnd()}\n`;
}

/** Markdown as a document's ProseMirror JSON (unknown syntax becomes text). */
export function fromMarkdown(markdown: string): JSONContent {
  return manager.parse(markdown);
}
