import { resolveExtensions } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { describe, expect, it } from 'vitest';
import { documentExtensions } from '../../../shared/editorSchema.ts';
import { fromMarkdown, isolatedMarked } from '../../../shared/markdown.ts';

// Tiptap's own tokenizers, unbounded: what the bounded ones must agree with.
const KITS = new Set(['starterKit', 'tableKit']);
const unbounded = new MarkdownManager({
  marked: isolatedMarked(),
  extensions: resolveExtensions(documentExtensions()).filter((extension) => !KITS.has(extension.name)),
});

const SAMPLES: Record<string, string> = {
  'an ordered list that goes on after a blank line': '1. one\n\n2. two\n\n3. three\n\nAfter.\n',
  'an ordered list with lazy continuation and nesting':
    'Intro\n\n1. first\ncontinued lazily\n   1. nested\n   2. nested two\n2. second\n\n   indented more\n\nEnd\n',
  'letter and roman markers': 'a) alpha\nb) beta\n\ni. one\nii. two\n\nText\n',
  'task lists, nested and loose':
    '- [ ] todo\n  - [x] nested done\n\n- [x] after a blank\n\nText\n- [ ] right after text\n',
  'a table after a paragraph, and one at the end':
    'Before\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\nBetween\n\n| c |\n| --- |\n| 3 |',
  'leading blank lines before a list': '\n\n\n1. late start\n2. and more\n',
  'lists inside quotes and code that looks like lists':
    '> 1. quoted\n> 2. list\n\n```\n1. not a list\n- [ ] nor this\n```\n\n2) closing\n',
  'a pipe line that is not a table': 'a | b\nnot a separator\n\n| x |\n',
};

describe('Markdown import with bounded block tokenizers', () => {
  for (const [name, markdown] of Object.entries(SAMPLES)) {
    it(`reads ${name} exactly as Tiptap's own tokenizers do`, () => {
      expect(fromMarkdown(markdown)).toEqual(unbounded.parse(markdown));
    });
  }

  it('reads a long document of many lists, task lists and tables the same way', () => {
    const section = (i: number) =>
      `## Part ${i}\n\n${i}. numbered\n${i + 1}. next\n\n- [ ] task ${i}\n- [x] done\n\n| k | v |\n| - | - |\n| ${i} | x |\n\nText ${i}.\n\n`;
    const markdown = Array.from({ length: 150 }, (_, i) => section(i)).join('');
    // Equality with the unbounded parse is the assertion; the size keeps the unbounded one
    // (quadratic) affordable here.
    expect(fromMarkdown(markdown)).toEqual(unbounded.parse(markdown));
  });
});
