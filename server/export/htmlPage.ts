import type { JSONContent } from '@tiptap/core';
import type { Node } from '@tiptap/pm/model';
import { renderToHTMLString, serializeAttrsToHTMLString } from '@tiptap/static-renderer';
import { UNTITLED } from '../../shared/documentModel.ts';
import { documentExtensions } from '../../shared/editorSchema.ts';

const extensions = documentExtensions();

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

type Rendered = { node: Node; children?: string | string[] };
const joined = (children: string | string[] | undefined) => [children ?? []].flat().join('');

/** A table cell's attributes that say something: spans above 1 and an alignment. */
const cellAttributes = (node: Node) =>
  serializeAttrsToHTMLString({
    colspan: node.attrs.colspan === 1 ? null : node.attrs.colspan,
    rowspan: node.attrs.rowspan === 1 ? null : node.attrs.rowspan,
    style: node.attrs.align ? `text-align: ${node.attrs.align}` : null,
  });

/**
 * Where the editor's own rendering does not make a clean page: its task item holds an empty
 * `<span/>` (a styling hook, and not a valid empty element in HTML: it would open a span
 * around the rest of the item) and an editable checkbox; its table carries the editor's
 * column widths, every default span and all rows in `<tbody>`. Blocks go one to a line.
 */
const nodeMapping = {
  doc: ({ children }: Rendered) => [children ?? []].flat().join('\n'),
  taskItem: ({ node, children }: Rendered) =>
    `<li data-type="taskItem" data-checked="${String(node.attrs.checked === true)}">` +
    `<label><input type="checkbox"${node.attrs.checked === true ? ' checked="checked"' : ''} disabled="disabled"/></label>` +
    `<div>${joined(children)}</div></li>`,
  table: ({ node, children }: Rendered) => {
    const rows = [children ?? []].flat();
    const header = node.firstChild?.content.content.every((cell) => cell.type.name === 'tableHeader');
    const head = header ? `<thead>${rows[0]}</thead>` : '';
    const body = rows.slice(header ? 1 : 0);
    return `<table>${head}${body.length > 0 ? `<tbody>${body.join('')}</tbody>` : ''}</table>`;
  },
  tableHeader: ({ node, children }: Rendered) => `<th${cellAttributes(node)}>${joined(children)}</th>`,
  tableCell: ({ node, children }: Rendered) => `<td${cellAttributes(node)}>${joined(children)}</td>`,
};

/**
 * A document as one standalone page of semantic HTML: the title as the page's title and
 * first heading, then the text, rendered on the server from the editor's own extensions
 * (links keep the editor's rule: only http(s) and mailto become links).
 */
export function toHtmlPage(title: string | null, doc: JSONContent): string {
  const heading = escapeHtml(title ?? UNTITLED);
  const body = renderToHTMLString({ content: doc, extensions, options: { nodeMapping } });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading}</title>
<style>
body { font: 18px/1.6 Georgia, serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; color: #1f2937; }
h1, h2, h3 { font-family: system-ui, sans-serif; line-height: 1.25; }
pre { background: #f3f2ef; padding: 0.75rem 1rem; overflow-x: auto; }
table { border-collapse: collapse; } th, td { border: 1px solid #d6d3ce; padding: 0.3rem 0.6rem; }
ul[data-type="taskList"] { list-style: none; padding-left: 0.25rem; }
ul[data-type="taskList"] li { display: flex; gap: 0.5rem; }
img { max-width: 100%; }
</style>
</head>
<body>
<h1>${heading}</h1>
${body}
</body>
</html>
`;
}
