import { getSchema, type JSONContent } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { documentExtensions } from '../../../shared/editorSchema.ts';
import { fromMarkdown, toMarkdown } from '../../../server/export/markdown.ts';

const schema = getSchema(documentExtensions());
/** A document as the editor holds it (attribute defaults filled in), to compare parses. */
const normalized = (doc: JSONContent) => schema.nodeFromJSON(doc).toJSON() as JSONContent;
const doc = (...content: JSONContent[]): JSONContent => normalized({ type: 'doc', content });

const text = (value: string, ...marks: string[]): JSONContent =>
  marks.length === 0
    ? { type: 'text', text: value }
    : { type: 'text', text: value, marks: marks.map((type) => ({ type })) };
const p = (...content: (JSONContent | string)[]): JSONContent => ({
  type: 'paragraph',
  content: content.map((c) => (typeof c === 'string' ? text(c) : c)),
});
const li = (...content: JSONContent[]): JSONContent => ({ type: 'listItem', content });
const ol = (...items: JSONContent[]): JSONContent => ({ type: 'orderedList', content: items });
const ul = (...items: JSONContent[]): JSONContent => ({ type: 'bulletList', content: items });
const hardBreak: JSONContent = { type: 'hardBreak' };
const cell = (type: 'tableHeader' | 'tableCell', content: JSONContent): JSONContent => ({
  type,
  content: [p(content)],
});

/**
 * Markdown as Inkwell writes it (canonical): each reads as the structure meant, and writing
 * that structure gives back the same text, byte for byte.
 */
const CANONICAL: [what: string, markdown: string, structure: JSONContent][] = [
  [
    'nested ordered lists nest',
    '1. one\n   1. one point one\n   2. one point two\n2. two\n',
    doc(ol(li(p('one'), ol(li(p('one point one')), li(p('one point two')))), li(p('two')))),
  ],
  [
    'a code block containing backticks and a fence is one code block with all its text',
    '````js\nconst fence = "```";\nconst tick = `x`;\n````\n',
    doc({
      type: 'codeBlock',
      attrs: { language: 'js' },
      content: [text('const fence = "```";\nconst tick = `x`;')],
    }),
  ],
  [
    'escaped #, -, > and 1. at line start are paragraphs of literal text',
    '\\# not a heading\n\n\\- not a list\n\n&gt; not a quote\n\n1\\. not a list\n',
    doc(p('# not a heading'), p('- not a list'), p('> not a quote'), p('1. not a list')),
  ],
  [
    'escaped * and _ are literal text, not emphasis',
    'a \\*star\\* and an \\_underscore\\_\n',
    doc(p('a *star* and an _underscore_')),
  ],
  [
    'a hard break is a break inside one paragraph',
    'first line  \nsecond line\n',
    doc(p('first line', hardBreak, 'second line')),
  ],
  [
    'a hard break before a line that looks like a heading keeps it text',
    'line  \n\\# not heading\n',
    doc(p('line', hardBreak, '# not heading')),
  ],
  [
    'a quote containing a list holds the list',
    '> - one\n> - two\n',
    doc({ type: 'blockquote', content: [ul(li(p('one')), li(p('two')))] }),
  ],
  [
    'underline and highlight are their HTML elements, around other marks too',
    'a <u>under **bold**</u> and <mark>lit</mark>\n',
    doc(
      p(
        'a ',
        text('under ', 'underline'),
        text('bold', 'bold', 'underline'),
        ' and ',
        text('lit', 'highlight'),
      ),
    ),
  ],
  [
    '== and ++ in prose are text (no CommonMark reader knows them as marks)',
    'if a == b and c == d, then a++ and ++b\n',
    doc(p('if a == b and c == d, then a++ and ++b')),
  ],
  [
    'a | in a table cell (text, code, link) stays in its cell',
    '| a\\|b     | c                          |\n| -------- | -------------------------- |\n| `x \\| y` | [z](https://e.com/?q=a\\|b) |\n',
    doc({
      type: 'table',
      content: [
        { type: 'tableRow', content: [cell('tableHeader', text('a|b')), cell('tableHeader', text('c'))] },
        {
          type: 'tableRow',
          content: [
            cell('tableCell', text('x | y', 'code')),
            cell('tableCell', {
              type: 'text',
              text: 'z',
              marks: [{ type: 'link', attrs: { href: 'https://e.com/?q=a|b' } }],
            }),
          ],
        },
      ],
    }),
  ],
];

describe('Markdown → document → Markdown', () => {
  for (const [what, markdown, structure] of CANONICAL) {
    it(`${what}; written back byte for byte`, () => {
      const parsed = fromMarkdown(markdown);
      expect(normalized(parsed)).toEqual(structure);
      expect(toMarkdown(parsed)).toBe(markdown);
    });
  }

  /**
   * Other spellings of the same structure read the same, and are written in the canonical
   * spelling: a hard break as two trailing spaces (Tiptap's choice; both are CommonMark), and
   * `>`, `<` and `&` in text as entities (Tiptap escapes them so, which also keeps a leading
   * `>` from starting a quote).
   */
  const SPELLINGS: [what: string, markdown: string, canonical: string][] = [
    ['a backslash hard break', 'first line\\\nsecond line\n', 'first line  \nsecond line\n'],
    ['an escaped > at line start', '\\> not a quote\n', '&gt; not a quote\n'],
    ['a # escaped mid-line, where it needs no escape', 'plain \\# mid-line\n', 'plain # mid-line\n'],
  ];
  for (const [what, markdown, canonical] of SPELLINGS) {
    it(`reads ${what} as the canonical spelling does, and writes the canonical one`, () => {
      expect(normalized(fromMarkdown(markdown))).toEqual(normalized(fromMarkdown(canonical)));
      expect(toMarkdown(fromMarkdown(markdown))).toBe(canonical);
    });
  }

  it('a code block containing a fence keeps its text', () => {
    const code = 'before\n```\nafter';
    const written = toMarkdown(doc({ type: 'codeBlock', attrs: { language: null }, content: [text(code)] }));
    expect(written).toBe('````\nbefore\n```\nafter\n````\n');
    expect(fromMarkdown(written).content?.[0]?.content?.[0]?.text).toBe(code);
  });
});
