/**
 * Exports of one document holding every node and mark the editor offers, compared byte for
 * byte with the golden files in `golden/`. After an intended change to the exporter,
 * rewrite them with
 *
 *     UPDATE_GOLDEN=1 npx vitest run tests/unit/export/export.test.ts
 *
 * and read the diff before committing it: the golden files are the reviewed output, and the
 * other tests here check that they are valid HTML, GFM and ProseMirror JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { getSchema, type JSONContent } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CONTENT_FRAGMENT, TITLE_TEXT } from '../../../shared/documentModel.ts';
import { documentExtensions } from '../../../shared/editorSchema.ts';
import { contentOf } from '../../../server/export/documentContent.ts';
import { documentFromFile } from '../../../server/export/documentFromFile.ts';
import { ExportFormat, exportDocument } from '../../../server/export/exportDocument.ts';
import { toHtmlPage } from '../../../server/export/htmlPage.ts';
import { fromMarkdown } from '../../../server/export/markdown.ts';
import type { StoredDocument } from '../../../server/storage/DocLog.ts';

const schema = getSchema(documentExtensions());
const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';
const GOLDEN_DIR = new URL('./golden/', import.meta.url);

const text = (value: string, marks?: JSONContent['marks']): JSONContent =>
  marks === undefined ? { type: 'text', text: value } : { type: 'text', text: value, marks };
const p = (...content: JSONContent[]): JSONContent => ({ type: 'paragraph', content });
const item = (...content: JSONContent[]): JSONContent => ({ type: 'listItem', content });
const bullets = (...items: JSONContent[]): JSONContent => ({ type: 'bulletList', content: items });
const numbered = (...items: JSONContent[]): JSONContent => ({
  type: 'orderedList',
  attrs: { start: 1 },
  content: items,
});
const row = (type: 'tableHeader' | 'tableCell', ...cells: string[]): JSONContent => ({
  type: 'tableRow',
  content: cells.map((value) => ({ type, content: [p(text(value))] })),
});

const TITLE = 'Everything & more';

/** One of every node and mark in shared/editorSchema.ts, as a writer would lay them out. */
const EVERYTHING: JSONContent = {
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 1 }, content: [text('Heading one')] },
    { type: 'heading', attrs: { level: 2 }, content: [text('Heading two')] },
    { type: 'heading', attrs: { level: 3 }, content: [text('Heading three')] },
    p(
      text('Plain, '),
      text('bold', [{ type: 'bold' }]),
      text(', '),
      text('italic', [{ type: 'italic' }]),
      text(', '),
      text('struck', [{ type: 'strike' }]),
      text(', '),
      text('code', [{ type: 'code' }]),
      text(', '),
      text('underlined', [{ type: 'underline' }]),
      text(', '),
      text('highlighted', [{ type: 'highlight' }]),
      text(' and '),
      text('a link', [{ type: 'link', attrs: { href: 'https://example.com/page?a=1&b=2' } }]),
      text('.'),
    ),
    bullets(item(p(text('apples')), bullets(item(p(text('green'))))), item(p(text('pears')))),
    numbered(
      item(p(text('first')), numbered(item(p(text('first, a'))), item(p(text('first, b'))))),
      item(p(text('second'))),
    ),
    {
      type: 'taskList',
      content: [
        { type: 'taskItem', attrs: { checked: true }, content: [p(text('done'))] },
        { type: 'taskItem', attrs: { checked: false }, content: [p(text('to do'))] },
      ],
    },
    {
      type: 'blockquote',
      content: [p(text('Quoted:')), bullets(item(p(text('one'))), item(p(text('two'))))],
    },
    {
      type: 'codeBlock',
      attrs: { language: 'ts' },
      content: [text('const x: number = 1;\nif (x < 2) console.log("<ok>");')],
    },
    {
      type: 'codeBlock',
      attrs: { language: null },
      content: [text('A fence inside:\n```\nstill code\n```')],
    },
    { type: 'horizontalRule' },
    p(text('line one'), { type: 'hardBreak' }, text('line two')),
    { type: 'table', content: [row('tableHeader', 'Fruit', 'Qty'), row('tableCell', 'Apples', '3')] },
    { type: 'image', attrs: { src: 'https://example.com/photo.png', alt: 'A photo of apples' } },
  ],
};

/** A stored document (one snapshot) with this title and content, as the server keeps it. */
function stored(title: string, doc: JSONContent): StoredDocument {
  const ydoc = new Y.Doc();
  ydoc.getText(TITLE_TEXT).insert(0, title);
  prosemirrorJSONToYXmlFragment(schema, doc, ydoc.getXmlFragment(CONTENT_FRAGMENT));
  return { snapshot: Y.encodeStateAsUpdate(ydoc), snapshotStateVector: null, updates: [], lastSeq: 1 };
}

/** The export in `format`, checked against (or, with UPDATE_GOLDEN=1, written to) its golden file. */
function golden(format: ExportFormat, extension: string): string {
  const body = exportDocument(stored(TITLE, EVERYTHING), format).body;
  const file = new URL(`everything.${extension}`, GOLDEN_DIR);
  if (UPDATE_GOLDEN) writeFileSync(file, body);
  expect(body).toBe(readFileSync(file, 'utf8'));
  return body;
}

/** What the editor holds for a document: its JSON normalized by the schema (defaults filled in). */
const normalized = (doc: JSONContent) => schema.nodeFromJSON(doc).toJSON() as JSONContent;

/** The document with its title as a leading level-1 heading, as both text exports write it. */
const withTitleHeading = (doc: JSONContent): JSONContent => ({
  type: 'doc',
  content: [{ type: 'heading', attrs: { level: 1 }, content: [text(TITLE)] }, ...(doc.content ?? [])],
});

/** Elements HTML defines as empty; `<tag/>` of any other element opens it and never closes. */
const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'input', 'col', 'wbr', 'meta', 'link', 'source']);

describe('golden exports of a document with every node and mark', () => {
  it('the JSON export is the golden file: the ProseMirror document, valid for the editor schema', () => {
    const json = JSON.parse(golden(ExportFormat.Json, 'json')) as JSONContent;
    expect(() => schema.nodeFromJSON(json).check()).not.toThrow();
    expect(json).toEqual(normalized(EVERYTHING));
  });

  it('the Markdown export is the golden file, and a GFM reader sees every element in it', () => {
    const markdown = golden(ExportFormat.Markdown, 'md');
    // marked (CommonMark + GFM), not Tiptap: what another Markdown tool makes of the file.
    const html = new Marked({ gfm: true }).parse(markdown) as string;
    for (const element of [
      '<h1>Everything &amp; more</h1>\n<h1>Heading one</h1>\n<h2>Heading two</h2>\n<h3>Heading three</h3>',
      '<strong>bold</strong>, <em>italic</em>, <del>struck</del>, <code>code</code>, <u>underlined</u>, ' +
        '<mark>highlighted</mark> and <a href="https://example.com/page?a=1&b=2">a link</a>.',
      '<li>apples<ul>\n<li>green</li>\n</ul>\n</li>',
      '<li>first<ol>\n<li>first, a</li>\n<li>first, b</li>\n</ol>\n</li>\n<li>second</li>',
      '<li><input checked="" disabled="" type="checkbox"> done</li>\n<li><input disabled="" type="checkbox"> to do</li>',
      '<blockquote>\n<p>Quoted:</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n</blockquote>',
      '<pre><code class="language-ts">const x: number = 1;\nif (x &lt; 2)',
      '<pre><code>A fence inside:\n```\nstill code\n```\n</code></pre>',
      '<hr>',
      '<p>line one<br>line two</p>',
      '<thead>\n<tr>\n<th>Fruit</th>\n<th>Qty</th>\n</tr>\n</thead>',
      '<img src="https://example.com/photo.png" alt="A photo of apples">',
    ]) {
      expect(html).toContain(element);
    }
  });

  it('the Markdown export imports back as the same document, its first heading the title', () => {
    const markdown = readFileSync(new URL('everything.md', GOLDEN_DIR), 'utf8');
    expect(normalized(fromMarkdown(markdown))).toEqual(normalized(withTitleHeading(EVERYTHING)));
    const imported = documentFromFile({ format: 'markdown', text: markdown });
    expect(imported.title).toBe(TITLE);
    const content = contentOf({
      snapshot: imported.update,
      snapshotStateVector: null,
      updates: [],
      lastSeq: 1,
    });
    expect(content.doc).toEqual(normalized(EVERYTHING));
  });

  it('the HTML export is the golden file: a standalone page of well-formed semantic HTML', () => {
    const page = golden(ExportFormat.Html, 'html');
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/);
    expect(page).toContain('<title>Everything &amp; more</title>');
    expect(page).toContain('<body>\n<h1>Everything &amp; more</h1>\n<h1>Heading one</h1>\n');
    const selfClosed = [...page.matchAll(/<([a-z][a-z0-9]*)\b[^>]*\/>/g)].map((m) => m[1]!);
    expect(selfClosed.filter((tag) => !VOID_ELEMENTS.has(tag))).toEqual([]);
    // Every element that is opened is closed, in order (void elements aside).
    const open: string[] = [];
    for (const [, closing, tag, selfClosing] of page.matchAll(/<(\/?)([a-z][a-z0-9]*)\b[^>]*?(\/?)>/g)) {
      if (VOID_ELEMENTS.has(tag!) || selfClosing === '/') continue;
      if (closing === '/') expect(open.pop(), `</${tag}>`).toBe(tag);
      else open.push(tag!);
    }
    expect(open).toEqual([]);
  });

  it('the HTML export imports back as the same document', () => {
    const page = readFileSync(new URL('everything.html', GOLDEN_DIR), 'utf8');
    const imported = documentFromFile({ format: 'html', text: page });
    expect(imported.title).toBe(TITLE);
    const content = contentOf({
      snapshot: imported.update,
      snapshotStateVector: null,
      updates: [],
      lastSeq: 1,
    });
    expect(content.doc).toEqual(normalized(EVERYTHING));
  });
});

describe('exporting a document', () => {
  it('escapes the title in both text exports, so a title with Markdown or HTML in it stays text', () => {
    const plain: JSONContent = { type: 'doc', content: [p(text('body'))] };
    const title = '*Draft* <b>1</b> # notes';
    const markdown = exportDocument(stored(title, plain), ExportFormat.Markdown).body;
    expect(markdown).toBe('# \\*Draft\\* &lt;b&gt;1&lt;/b&gt; # notes\n\nbody\n');
    expect(documentFromFile({ format: 'markdown', text: markdown }).title).toBe(title);
    const html = exportDocument(stored(title, plain), ExportFormat.Html).body;
    expect(html).toContain('<title>*Draft* &lt;b&gt;1&lt;/b&gt; # notes</title>');
  });

  it('writes an empty document as its title alone, or one empty line without a title', () => {
    const empty: JSONContent = { type: 'doc', content: [{ type: 'paragraph' }] };
    expect(exportDocument(stored('Private', empty), ExportFormat.Markdown).body).toBe('# Private\n');
    expect(exportDocument(stored('', empty), ExportFormat.Markdown).body).toBe('\n');
  });

  it('writes a refused link as its text, never its href', () => {
    const hostile: JSONContent = {
      type: 'doc',
      content: [p(text('x', [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }]))],
    };
    expect(toHtmlPage(null, hostile)).not.toContain('javascript:');
  });

  it('reads a stored document (snapshot and log) as the editor would', () => {
    const content = contentOf(stored('Stored', EVERYTHING));
    expect(content.title).toBe('Stored');
    expect(content.doc).toEqual(normalized(EVERYTHING));
  });
});
