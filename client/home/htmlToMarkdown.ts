import { generateJSON } from '@tiptap/core';
import { documentExtensions } from '../../shared/editorSchema.ts';
import { toMarkdown } from '../../shared/markdown.ts';

/**
 * An HTML file as Markdown, through the document schema: parsed by the browser's DOM as a
 * paste would be (what the schema lacks is dropped), then written as the export writes it.
 * Its own chunk: the document list does not load the editor's libraries for it.
 */
export function htmlToMarkdown(html: string): string {
  const title = new DOMParser()
    .parseFromString(html, 'text/html')
    .querySelector('title')
    ?.textContent?.trim();
  const body = toMarkdown(generateJSON(html, documentExtensions()));
  // A page's <title> leads the file as its first heading, so it becomes the document's title.
  return title && !/^\s*# /.test(body) ? `# ${title}\n\n${body}` : body;
}
