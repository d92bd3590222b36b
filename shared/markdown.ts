import { getExtensionField, resolveExtensions, type AnyExtension, type JSONContent } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { documentExtensions } from './editorSchema.ts';

/**
 * Markdown (CommonMark + GFM tables and task lists) in and out (export, import, paste), with Tiptap's own markdown
 * support and two fixes where its output does not read back as written:
 * - a code block whose text contains ``` needs a longer fence;
 * - a paragraph line that starts like a block ("# ", "> ", "- ", "1. ", "```") — its first
 *   line, or a line after a hard break — must be escaped, or it becomes a heading or a list.
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

const textOf = (node: JSONContent): string => node.text ?? (node.content ?? []).map(textOf).join('');

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
    return extension;
  });
}

const manager = new MarkdownManager({ extensions: markdownExtensions() });

/** A document's ProseMirror JSON as Markdown. */
export function toMarkdown(doc: JSONContent): string {
  return `${manager.serialize(doc).trimEnd()}\n`;
}

/** Markdown as a document's ProseMirror JSON (unknown syntax becomes text). */
export function fromMarkdown(markdown: string): JSONContent {
  return manager.parse(markdown);
}
