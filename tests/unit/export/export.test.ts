import type { JSONContent } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { getSchema } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, TITLE_TEXT } from '../../../shared/documentModel.ts';
import { documentExtensions } from '../../../shared/editorSchema.ts';
import { contentOf } from '../../../server/export/documentContent.ts';
import { toHtmlPage } from '../../../server/export/htmlPage.ts';
import { fromMarkdown, toMarkdown } from '../../../server/export/markdown.ts';

const text = (value: string, marks?: JSONContent['marks']): JSONContent => ({
  type: 'text',
  text: value,
  marks,
});
const p = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content });
const item = (...content: JSONContent[]): JSONContent => ({ type: 'listItem', content });

/** A document with every node and mark the editor offers. */
const EVERYTHING: JSONContent = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 1 }, content: [text('Title one')] },
    { type: 'heading', attrs: { level: 2 }, content: [text('Two')] },
    { type: 'heading', attrs: { level: 3 }, content: [text('Three')] },
    p(
      text('bold', [{ type: 'bold' }]),
      text(' '),
      text('italic', [{ type: 'italic' }]),
      text(' '),
      text('under', [{ type: 'underline' }]),
      text(' '),
      text('struck', [{ type: 'strike' }]),
      text(' '),
      text('marked', [{ type: 'highlight' }]),
      text(' '),
      text('code', [{ type: 'code' }]),
      text(' '),
      text('a link', [{ type: 'link', attrs: { href: 'https://example.com/' } }]),
    ),
    { type: 'bulletList', content: [item(p(text('apples'))), item(p(text('pears')))] },
    { type: 'orderedList', attrs: { start: 1 }, content: [item(p(text('first'))), item(p(text('second')))] },
    {
      type: 'taskList',
      content: [
        { type: 'taskItem', attrs: { checked: true }, content: [p(text('done'))] },
        { type: 'taskItem', attrs: { checked: false }, content: [p(text('to do'))] },
      ],
    },
    { type: 'blockquote', content: [p(text('quoted'))] },
    { type: 'codeBlock', attrs: { language: 'ts' }, content: [text('const x = 1;')] },
    { type: 'horizontalRule' },
    p(text('line one'), { type: 'hardBreak' }, text('line two')),
    {
      type: 'table',
      content: [
        {
          type: 'tableRow',
          content: [
            { type: 'tableHeader', content: [p(text('Name'))] },
            { type: 'tableHeader', content: [p(text('Qty'))] },
          ],
        },
        {
          type: 'tableRow',
          content: [
            { type: 'tableCell', content: [p(text('Apples'))] },
            { type: 'tableCell', content: [p(text('3'))] },
          ],
        },
      ],
    },
    { type: 'image', attrs: { src: 'https://example.com/a.png', alt: 'A photo' } },
  ],
};

describe('exporting a document', () => {
  it('writes Markdown for every node and mark the editor offers', () => {
    const markdown = toMarkdown(EVERYTHING);
    for (const expected of [
      '# Title one',
      '## Two',
      '### Three',
      '**bold**',
      '*italic*',
      '~~struck~~',
      '`code`',
      '[a link](https://example.com/)',
      '- apples',
      '1. first',
      '- [x] done',
      '- [ ] to do',
      '> quoted',
      '```ts\nconst x = 1;\n```',
      '---',
      '| Name | Qty |'.replace(/ +\|/g, ' |'),
      '![A photo](https://example.com/a.png)',
    ]) {
      expect(markdown.replace(/ {2,}\|/g, ' |')).toContain(expected);
    }
  });

  it('writes a standalone HTML page with the title, semantic elements and safe links', () => {
    const html = toHtmlPage('Plans <& notes>', EVERYTHING);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>Plans &lt;&amp; notes&gt;</title>');
    for (const element of [
      '<h2>Two</h2>',
      '<strong>bold</strong>',
      '<em>italic</em>',
      '<u>under</u>',
      '<s>struck</s>',
      '<mark>marked</mark>',
      '<blockquote>',
      '<hr',
      '<table',
      '<th',
      '<img',
      'href="https://example.com/"',
    ]) {
      expect(html).toContain(element);
    }
    const hostile: JSONContent = {
      type: 'doc',
      content: [p(text('x', [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }]))],
    };
    expect(toHtmlPage(null, hostile)).not.toContain('javascript:');
  });

  it('reads a stored document (snapshot and log) as the editor would', () => {
    const ydoc = new Y.Doc();
    ydoc.getText(TITLE_TEXT).insert(0, 'Stored');
    prosemirrorJSONToYXmlFragment(
      getSchema(documentExtensions()),
      EVERYTHING,
      ydoc.getXmlFragment(CONTENT_FRAGMENT),
    );
    const content = contentOf({
      snapshot: Y.encodeStateAsUpdate(ydoc),
      snapshotStateVector: null,
      updates: [],
      lastSeq: 1,
    });
    expect(content.title).toBe('Stored');
    expect(content.doc).toEqual(getSchema(documentExtensions()).nodeFromJSON(EVERYTHING).toJSON());
  });
});

describe('Markdown → document → Markdown', () => {
  /** Each case reads back as what it was written as. */
  const roundTrips: [string, string][] = [
    ['nested ordered lists', '1. one\n   1. one point one\n   2. one point two\n2. two\n'],
    ['a code block containing backticks', '````js\nconst fence = "```";\nconst tick = `x`;\n````\n'],
    [
      'escaped characters at line start',
      '\\# not a heading\n\n\\- not a list\n\n\\> not a quote\n\n1\\. not a list\n',
    ],
    ['emphasis characters that are text', 'a \\*star\\* and an \\_underscore\\_\n'],
    ['hard breaks', 'first line  \nsecond line\n'],
    ['a quote containing a list', '> - one\n> - two\n'],
  ];
  for (const [what, markdown] of roundTrips) {
    it(`keeps ${what}`, () => {
      const doc = fromMarkdown(markdown);
      const again = toMarkdown(doc);
      expect(fromMarkdown(again)).toEqual(doc);
    });
  }

  it('a hard break before a line that looks like a heading does not make it one', () => {
    const doc: JSONContent = {
      type: 'doc',
      content: [p(text('line'), { type: 'hardBreak' }, text('# not heading'))],
    };
    expect(fromMarkdown(toMarkdown(doc)).content?.map((node) => node.type)).toEqual(['paragraph']);
  });

  it('a code block containing a fence keeps its text', () => {
    const code = 'before\n```\nafter';
    const doc: JSONContent = {
      type: 'doc',
      content: [{ type: 'codeBlock', attrs: { language: null }, content: [text(code)] }],
    };
    const back = fromMarkdown(toMarkdown(doc));
    expect(back.content?.[0]?.content?.[0]?.text).toBe(code);
  });
});
