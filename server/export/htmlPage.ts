import type { JSONContent } from '@tiptap/core';
import { renderToHTMLString } from '@tiptap/static-renderer';
import { UNTITLED } from '../../shared/documentModel.ts';
import { documentExtensions } from '../../shared/editorSchema.ts';

const extensions = documentExtensions();

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/**
 * A document as one standalone page of semantic HTML: the title as the page's title and
 * first heading, then the text, rendered on the server from the editor's own extensions
 * (links keep the editor's rule: only http(s) and mailto become links).
 */
export function toHtmlPage(title: string | null, doc: JSONContent): string {
  const heading = escapeHtml(title ?? UNTITLED);
  const body = renderToHTMLString({ content: doc, extensions });
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
